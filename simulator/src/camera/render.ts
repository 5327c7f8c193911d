/**
 * Inverse-mapping renderer at the photo's own resolution: for each pixel cast the camera ray, land it
 * on the terrain, ask the shader for the surface and its light, then composite smoke and mist,
 * haze, exposure and the picture style. Rays are cast in the scene frame so textures agree between
 * photos. With a DEM the landing point is found exactly on an 8-px grid and refined per pixel with
 * Newton steps on the ray. Slowly varying terms are computed on coarser grids: tree and house shadows
 * on blocks of up to 3×3 pixels (sized to ~25 cm of ground), volumes (smoke, dust, mist banks) and
 * their shadows on a grid of ~320 columns, interpolated.
 *
 * Besides the pixels it reports what each incident and hard negative occupies in the picture: the
 * box of pixels where an incident is actually seen (ground outline not hidden by smoke, plus a fire's
 * dense smoke column) and pixel counts per hard-negative kind.
 */
import { HARD_NEGATIVE_KINDS } from '../scene/distractor-schema.ts';
import type { IncidentShape } from '../scene/incident-shape.ts';
import type { Scene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import { Surface } from '../scene/surface.ts';
import { flatTerrain, intersectTerrain, type Terrain } from '../scene/terrain.ts';
import { density, sample, type Volume } from '../scene/volumes.ts';
import type { CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import { samplePacked } from '../scene/textures.ts';
import { drawEffects, finishImage, toneTable, type CameraEffects } from './effects.ts';
import { MAX_RANGE_M, cameraYawDeg } from './pose-geometry.ts';
import { makeView } from './view.ts';

export interface RenderStats {
  /** Per active incident (same order as `shapes`): box of pixels where it is seen, or null. */
  incidents: ([number, number, number, number] | null)[];
  /** Pixels counted per incident. */
  incidentPixels: number[];
  /** Pixels showing each hard-negative kind (HARD_NEGATIVE_KINDS order). */
  hardNegativePixels: number[];
}

export interface RawImage {
  /** Packed RGB, row-major, top row first. */
  data: Buffer;
  width: number;
  height: number;
  stats: RenderStats;
  /** The camera effects the photo was taken with (its EXIF exposure follows them). */
  effects: CameraEffects;
}

export interface RenderOptions {
  /** Camera effects; default drawn from the scene seed (the same for every photo of a camera). */
  effects?: CameraEffects;
  /** Shade every n-th pixel (1 or 2) and develop at full resolution; default 2 above ~2 MP. */
  shadingScale?: number;
}

const GRID = 8;
/** Photos above this many pixels are shaded at half resolution and developed at full resolution. */
export const FULL_SHADING_MAX_PX = 2_100_000;
const VOLUME_STEPS = 24;
const SHADOW_STEPS = 8;

/**
 * Render the scene as `cam` sees it from `req` into a `width` × `height` RGB image (the camera's
 * field of view at any resolution). `shapes` are the incidents active at capture time.
 */
export function renderRaw(
  scene: Scene,
  cam: CameraModel,
  req: CaptureRequest,
  shapes: readonly IncidentShape[],
  width: number,
  height: number,
  opts: RenderOptions = {},
): RawImage {
  const [cxs, cys] = scene.frame.toLocal(req.lon, req.lat);
  const terrain: Terrain = scene.dem ?? flatTerrain(req.altAmslM - req.altRelM);
  const view = makeView(cam, [cxs, cys, req.altAmslM], cameraYawDeg(req), req.gimbalPitchDeg, width, height);
  const shader = new Shader(scene, shapes, (x, y) => terrain.heightAt(x, y));
  const { F, R, U, fx, fy, cx, cy } = view;
  const [ox, oy, oz] = view.pos;
  // One camera, one picture style: effects follow the scene seed; only the sensor noise is per photo.
  const photoSeed = (scene.seed * 7919 + req.index * 104729 + req.sysId) | 0;
  const effects = opts.effects ?? drawEffects(scene.seed, width);
  const data = Buffer.allocUnsafe(width * height * 3);
  const col = new Float64Array(3);
  const samp = new Float64Array(3);
  const surf = new Surface();
  const flat = terrain.flat;
  const z0 = flat ? terrain.heightAt(0, 0) : 0;

  // DEM: exact intersections on a coarse grid, interpolated + refined per pixel.
  let gw = 0;
  let gridT: Float64Array | null = null;
  if (!flat) {
    gw = Math.ceil(width / GRID) + 1;
    const gh = Math.ceil(height / GRID) + 1;
    gridT = new Float64Array(gw * gh);
    for (let gj = 0; gj < gh; gj++)
      for (let gi = 0; gi < gw; gi++) {
        const a = (Math.min(width, gi * GRID) - cx) / fx;
        const b = (Math.min(height, gj * GRID) - cy) / fy;
        gridT[gj * gw + gi] = intersectTerrain(
          terrain,
          ox,
          oy,
          oz,
          F[0] + a * R[0] - b * U[0],
          F[1] + a * R[1] - b * U[1],
          F[2] + a * R[2] - b * U[2],
          MAX_RANGE_M,
        );
      }
  }
  const groundT = (i: number, j: number, dx: number, dy: number, dz: number): number => {
    if (flat) {
      let t = dz < 0 ? (z0 - oz) / dz : Number.NaN;
      if (t * Math.sqrt(dx * dx + dy * dy) > MAX_RANGE_M) t = Number.NaN;
      return t;
    }
    return demRayT(gridT as Float64Array, gw, i, j, terrain, ox, oy, oz, dx, dy, dz, samp);
  };

  const vol = shader.volumes.length ? volumeGrid(shader, width, height, view, groundT) : null;

  // Large photos are shaded at half resolution and developed at full resolution with per-pixel
  // grain from the ground texture (two-scale rendering); small ones are shaded pixel by pixel.
  const scale = opts.shadingScale ?? (width * height > FULL_SHADING_MAX_PX ? 2 : 1);
  const sw = Math.ceil(width / scale);
  const shh = Math.ceil(height / scale);
  const lin = new Float32Array(sw * shh * 3);
  const gxy = scale > 1 ? new Float32Array(sw * shh * 3) : null;
  const grainBuf = scale > 1 ? new Float32Array(sw * shh) : null;

  // Shadow blocks: ~30 cm of ground, 1–3 shading pixels.
  const centreGsd = gsdAt(view, oz - (flat ? z0 : terrain.heightAt(ox, oy))) * scale;
  const block = Math.max(1, Math.min(3, Math.round(0.3 / Math.max(1e-3, centreGsd))));
  const visRow = new Float32Array(Math.ceil(sw / block) + 1);
  const cloudRow = new Float32Array(Math.ceil(sw / block) + 1);

  const nInc = shapes.length;
  const boxes = new Float64Array(nInc * 4);
  for (let k = 0; k < nInc; k++) boxes.set([Infinity, Infinity, -Infinity, -Infinity], k * 4);
  const incPixels = new Array<number>(nInc).fill(0);
  const tagPixels = new Array<number>(HARD_NEGATIVE_KINDS.length).fill(0);
  const mistTag = Shader.tagOf.mist - 1;
  const cloudTag = Shader.tagOf.cloud_shadow - 1;

  let o = 0;
  for (let j = 0; j < shh; j++) {
    const jc = (j + 0.5) * scale;
    const jp = Math.min(height - 1, jc | 0);
    const b = (jc - cy) / fy;
    const bx = F[0] - b * U[0];
    const by = F[1] - b * U[1];
    const bz = F[2] - b * U[2];
    const newRow = j % block === 0;
    for (let i = 0; i < sw; i++, o++) {
      const ic = (i + 0.5) * scale;
      const ip = Math.min(width - 1, ic | 0);
      const a = (ic - cx) / fx;
      const dx = bx + a * R[0];
      const dy = by + a * R[1];
      const dz = bz + a * R[2];
      const t = groundT(ip, jp, dx, dy, dz);
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const ux = dx / len;
      const uy = dy / len;
      const uz = dz / len;
      let incident = 0;
      let tag = 0;
      let grain = 0;
      if (Number.isNaN(t)) {
        shader.sky(ux, uy, uz, col);
        if (gxy) gxy[o * 3] = Number.NaN;
      } else {
        const gx = ox + t * dx;
        const gy = oy + t * dy;
        const dist = t * len;
        // Pixel footprint on the ground, stretched by the incidence angle (capped for grazing rays).
        const gsd = (dist / fx) * scale * Math.min(4, 1 / Math.max(1e-3, -uz));
        let gz: number;
        let hx = 0;
        let hy = 0;
        if (flat) gz = z0;
        else {
          terrain.sample(gx, gy, samp);
          gz = samp[0] as number;
          hx = samp[1] as number;
          hy = samp[2] as number;
        }
        shader.surface(gx, gy, gz, hx, hy, gsd, surf);
        const bi = (i / block) | 0;
        if (newRow && i % block === 0) {
          visRow[bi] = shader.sunVisibility(gx, gy, surf.objH);
          cloudRow[bi] = shader.cloudShade(gx, gy);
        }
        let cloud = cloudRow[bi] as number;
        if (cloud < 0.8) tag = cloudTag + 1;
        if (vol) cloud *= vol.shadowAt(ip, jp);
        shader.light(surf, hx, hy, visRow[bi] as number, cloud, ux, uy, uz, col);
        const mist = shader.applyHaze(dist, gx, gy, gz, uz, col);
        if (mist > 0.3) tag = mistTag + 1;
        if (surf.tag) tag = surf.tag;
        incident = surf.incident;
        grain = surf.grain * (1 - mist);
        if (gxy) {
          gxy[o * 3] = gx;
          gxy[o * 3 + 1] = gy;
          // Grain texel: a power of two near the full-resolution pixel's footprint, so the texture
          // is not stretched by a varying scale (computed here, once per shading pixel).
          gxy[o * 3 + 2] = Math.pow(2, Math.round(Math.log2(Math.max(1e-3, gsd / scale))));
        }
      }
      if (vol) {
        const alpha = vol.composite(ip, jp, col);
        if (alpha > 0) {
          grain *= 1 - alpha;
          // Dense smoke hides what is under it, and a fire's own column counts as the fire.
          if (alpha > 0.6) incident = 0;
          const own = vol.ownerAt(ip, jp);
          if (own.incident) incident = own.incident;
          else if (own.tag >= 0) tag = own.tag + 1;
        }
      }
      if (incident) {
        const k = (incident - 1) * 4;
        if (i < (boxes[k] as number)) boxes[k] = i;
        if (j < (boxes[k + 1] as number)) boxes[k + 1] = j;
        if (i + 1 > (boxes[k + 2] as number)) boxes[k + 2] = i + 1;
        if (j + 1 > (boxes[k + 3] as number)) boxes[k + 3] = j + 1;
        incPixels[incident - 1] = (incPixels[incident - 1] as number) + 1;
      } else if (tag) tagPixels[tag - 1] = (tagPixels[tag - 1] as number) + 1;
      lin[o * 3] = col[0] as number;
      lin[o * 3 + 1] = col[1] as number;
      lin[o * 3 + 2] = col[2] as number;
      if (grainBuf) grainBuf[o] = grain;
    }
  }

  develop(data, width, height, lin, sw, shh, scale, gxy, grainBuf, effects, cx, cy, shader);

  finishImage(
    data,
    width,
    height,
    effects,
    motionPx(view, req, effects, oz - (flat ? z0 : terrain.heightAt(ox, oy))),
    photoSeed,
  );

  const incidents: RenderStats['incidents'] = [];
  for (let k = 0; k < nInc; k++)
    incidents.push(
      (incPixels[k] as number) > 0
        ? [
            Math.min(width, (boxes[k * 4] as number) * scale),
            Math.min(height, (boxes[k * 4 + 1] as number) * scale),
            Math.min(width, (boxes[k * 4 + 2] as number) * scale),
            Math.min(height, (boxes[k * 4 + 3] as number) * scale),
          ]
        : null,
    );
  const s2 = scale * scale;
  return {
    data,
    width,
    height,
    effects,
    stats: {
      incidents,
      incidentPixels: incPixels.map((n) => n * s2),
      hardNegativePixels: tagPixels.map((n) => n * s2),
    },
  };
}

/**
 * Turn the shaded linear colours into the 8-bit photo: upsample (two-scale rendering) adding
 * per-pixel grain of the ground texture, then white balance and exposure, saturation, vignetting
 * and the tone curve.
 */
function develop(
  data: Buffer,
  width: number,
  height: number,
  lin: Float32Array,
  sw: number,
  shh: number,
  scale: number,
  gxy: Float32Array | null,
  grainBuf: Float32Array | null,
  effects: CameraEffects,
  cx: number,
  cy: number,
  shader: Shader,
): void {
  const { scale: exposure, lut } = toneTable(effects);
  const sat = effects.saturation;
  const wbR = (1 + effects.wbR) * exposure;
  const wbG = exposure;
  const wbB = (1 + effects.wbB) * exposure;
  const vig = effects.vignette;
  const invR2 = 1 / (cx * cx + cy * cy);
  const d4 = shader.d4;
  const tex = shader.detail4;
  // Per-column source texels and weights: the same on every row.
  const colI0 = new Int32Array(width);
  const colI1 = new Int32Array(width);
  const colFu = new Float64Array(width);
  const colDu2 = new Float64Array(width);
  for (let i = 0; i < width; i++) {
    let u = (i + 0.5) / scale - 0.5;
    if (u < 0) u = 0;
    const i0 = Math.min(sw - 1, u | 0);
    colI0[i] = i0;
    colI1[i] = Math.min(sw - 1, i0 + 1);
    colFu[i] = Math.min(1, u - i0);
    const du = i + 0.5 - cx;
    colDu2[i] = du * du;
  }
  let o = 0;
  for (let j = 0; j < height; j++) {
    let v = (j + 0.5) / scale - 0.5;
    if (v < 0) v = 0;
    const j0 = Math.min(shh - 1, v | 0);
    const j1 = Math.min(shh - 1, j0 + 1);
    const fv = Math.min(1, v - j0);
    const dv = j + 0.5 - cy;
    for (let i = 0; i < width; i++) {
      let r: number;
      let g: number;
      let bl: number;
      if (scale === 1) {
        const k = (j * sw + i) * 3;
        r = lin[k] as number;
        g = lin[k + 1] as number;
        bl = lin[k + 2] as number;
      } else {
        const i0 = colI0[i] as number;
        const i1 = colI1[i] as number;
        const fu = colFu[i] as number;
        const k00 = (j0 * sw + i0) * 3;
        const k10 = (j0 * sw + i1) * 3;
        const k01 = (j1 * sw + i0) * 3;
        const k11 = (j1 * sw + i1) * 3;
        const w00 = (1 - fu) * (1 - fv);
        const w10 = fu * (1 - fv);
        const w01 = (1 - fu) * fv;
        const w11 = fu * fv;
        r =
          (lin[k00] as number) * w00 +
          (lin[k10] as number) * w10 +
          (lin[k01] as number) * w01 +
          (lin[k11] as number) * w11;
        g =
          (lin[k00 + 1] as number) * w00 +
          (lin[k10 + 1] as number) * w10 +
          (lin[k01 + 1] as number) * w01 +
          (lin[k11 + 1] as number) * w11;
        bl =
          (lin[k00 + 2] as number) * w00 +
          (lin[k10 + 2] as number) * w10 +
          (lin[k01 + 2] as number) * w01 +
          (lin[k11 + 2] as number) * w11;
        // Grain of the ground at this pixel's own footprint (texel a power of two near it, so the
        // texture is not stretched by a varying scale).
        const kn = fu < 0.5 ? (fv < 0.5 ? k00 : k01) : fv < 0.5 ? k10 : k11;
        const amp = (grainBuf as Float32Array)[kn / 3] as number;
        const a = gxy as Float32Array;
        if (amp > 0 && (a[k00] as number) === (a[k00] as number) && (a[k11] as number) === (a[k11] as number)) {
          const gx =
            (a[k00] as number) * w00 + (a[k10] as number) * w10 + (a[k01] as number) * w01 + (a[k11] as number) * w11;
          const gy =
            (a[k00 + 1] as number) * w00 +
            (a[k10 + 1] as number) * w10 +
            (a[k01 + 1] as number) * w01 +
            (a[k11 + 1] as number) * w11;
          const texel = a[kn + 2] as number;
          samplePacked(tex, gx / texel + 311.3, gy / texel + 97.7, 1, d4);
          const f = 1 + amp * (((d4[2] as number) - 0.5) * 1.1 + ((d4[1] as number) - 0.5) * 0.5);
          r *= f;
          g *= f;
          bl *= f;
        }
      }
      r *= wbR;
      g *= wbG;
      bl *= wbB;
      const lum = 0.3 * r + 0.59 * g + 0.11 * bl;
      r = lum + (r - lum) * sat;
      g = lum + (g - lum) * sat;
      bl = lum + (bl - lum) * sat;
      if (vig > 0) {
        const vv = 1 - vig * ((colDu2[i] as number) + dv * dv) * invR2;
        r *= vv;
        g *= vv;
        bl *= vv;
      }
      data[o++] = lut[r <= 0 ? 0 : r >= 1.9995 ? 4095 : (r * 2048) | 0] as number;
      data[o++] = lut[g <= 0 ? 0 : g >= 1.9995 ? 4095 : (g * 2048) | 0] as number;
      data[o++] = lut[bl <= 0 ? 0 : bl >= 1.9995 ? 4095 : (bl * 2048) | 0] as number;
    }
  }
}

/** Ground sampling distance (m) at the image centre for a camera `hM` above the ground. */
function gsdAt(view: ReturnType<typeof makeView>, hM: number): number {
  const down = Math.max(0.05, -view.F[2]);
  return hM / down / view.fx;
}

/** Image shift (px) during the exposure from the drone's speed along its heading. */
function motionPx(
  view: ReturnType<typeof makeView>,
  req: CaptureRequest,
  e: CameraEffects,
  hM: number,
): [number, number] {
  const v = req.speedMps ?? 0;
  if (v <= 0) return [0, 0];
  const gsd = gsdAt(view, hM);
  const h = (req.headingDeg * Math.PI) / 180;
  const mx = Math.sin(h) * v * e.shutterS;
  const my = Math.cos(h) * v * e.shutterS;
  // Ground motion relative to the camera, expressed along the image axes.
  const right = mx * view.R[0] + my * view.R[1];
  const up = mx * view.U[0] + my * view.U[1];
  return [-right / gsd, up / gsd];
}

/** Volume grid: smoke/dust/mist opacity and colour, their shadows on the ground, and who owns each cell. */
function volumeGrid(
  shader: Shader,
  width: number,
  height: number,
  view: ReturnType<typeof makeView>,
  groundT: (i: number, j: number, dx: number, dy: number, dz: number) => number,
) {
  const step = Math.max(2, Math.round(width / 320));
  const sw = Math.ceil(width / step) + 2;
  const sh = Math.ceil(height / step) + 2;
  const n = sw * sh;
  const alphaG = new Float32Array(n);
  const colG = new Float32Array(n * 3);
  const shadowG = new Float32Array(n).fill(1);
  const ownerG = new Int16Array(n).fill(-1);
  const ownerA = new Float32Array(n);
  const vols = shader.volumes;
  const tau = new Float64Array(vols.length);
  const colTau = new Float64Array(vols.length);
  const { F, R, U, fx, fy, cx, cy } = view;
  const [ox, oy, oz] = view.pos;
  const sx = shader.sunX;
  const sy = shader.sunY;
  const sz = shader.sunZ;
  const casting = shader.direct > 0.05;
  let any = false;
  for (let gj = 0; gj < sh; gj++)
    for (let gi = 0; gi < sw; gi++) {
      const pi = Math.min(width - 1, gi * step);
      const pj = Math.min(height - 1, gj * step);
      const a = (gi * step - cx) / fx;
      const b = (gj * step - cy) / fy;
      const dx = F[0] + a * R[0] - b * U[0];
      const dy = F[1] + a * R[1] - b * U[1];
      const dz = F[2] + a * R[2] - b * U[2];
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      // A fixed sample offset: per-cell jitter would show as a checker pattern once interpolated.
      const jitter = 0.5;
      let tEnd = Number.POSITIVE_INFINITY;
      let tKnown = false;
      let total = 0;
      let cr = 0;
      let cg = 0;
      let cb = 0;
      const k = gj * sw + gi;
      for (let v = 0; v < vols.length; v++) {
        const vo = vols[v] as Volume;
        tau[v] = 0;
        colTau[v] = 0;
        if (!slab(vo.box, ox, oy, oz, dx, dy, dz)) continue;
        const h0 = hitT[0] as number;
        const h1 = hitT[1] as number;
        if (!tKnown) {
          tEnd = groundT(pi, pj, dx, dy, dz);
          if (Number.isNaN(tEnd)) tEnd = Number.POSITIVE_INFINITY;
          tKnown = true;
        }
        const t0 = h0;
        const t1 = Math.min(h1, tEnd);
        if (t1 <= t0) continue;
        const dt = (t1 - t0) / VOLUME_STEPS;
        let T = Math.exp(-total);
        for (let s = 0; s < VOLUME_STEPS; s++) {
          const t = t0 + (s + jitter) * dt;
          density(vo, ox + t * dx, oy + t * dy, oz + t * dz, sx, sy, sz);
          if (sample.density <= 0) continue;
          const d = sample.density * dt * len;
          const lit = shader.volumeLight(sample.light);
          const w = T * (1 - Math.exp(-d));
          cr += w * vo.colour[0] * lit;
          cg += w * vo.colour[1] * lit;
          cb += w * vo.colour[2] * lit;
          tau[v] = (tau[v] as number) + d;
          if (vo.kind !== 'fire' || sample.s < vo.columnM) colTau[v] = (colTau[v] as number) + d;
          total += d;
          T = Math.exp(-total);
        }
      }
      if (total > 0) {
        any = true;
        alphaG[k] = 1 - Math.exp(-total);
        colG[k * 3] = cr;
        colG[k * 3 + 1] = cg;
        colG[k * 3 + 2] = cb;
        let best = -1;
        let bt = 0;
        for (let v = 0; v < vols.length; v++)
          if ((tau[v] as number) > bt) {
            bt = tau[v] as number;
            best = v;
          }
        ownerG[k] = best;
        ownerA[k] = 1 - Math.exp(-(colTau[best] as number));
      }
      // Shadow of fire smoke and dust on the ground point of this ray.
      if (casting) {
        if (!tKnown) {
          tEnd = groundT(pi, pj, dx, dy, dz);
          tKnown = true;
        }
        if (!Number.isFinite(tEnd)) continue;
        const gx = ox + tEnd * dx;
        const gy = oy + tEnd * dy;
        const gz = oz + tEnd * dz;
        let st = 0;
        for (const vo of vols) {
          if (vo.kind === 'mist') continue;
          if (!slab(vo.box, gx, gy, gz, sx, sy, sz)) continue;
          const h0 = Math.max(0, hitT[0] as number);
          const dt = ((hitT[1] as number) - h0) / SHADOW_STEPS;
          if (dt <= 0) continue;
          for (let s = 0; s < SHADOW_STEPS; s++) {
            const t = h0 + (s + 0.5) * dt;
            density(vo, gx + t * sx, gy + t * sy, gz + t * sz, sx, sy, sz);
            st += sample.density * dt;
          }
        }
        if (st > 0) {
          any = true;
          shadowG[k] = Math.exp(-st * 0.8);
        }
      }
    }
  if (!any) return null;
  const own = { incident: 0, tag: -1 };
  const bilerp = (g: Float32Array, i: number, j: number, stride: number, c: number): number => {
    const u = (i + 0.5) / step;
    const v = (j + 0.5) / step;
    const iu = u | 0;
    const iv = v | 0;
    const fu = u - iu;
    const fv = v - iv;
    const k0 = (iv * sw + iu) * stride + c;
    const k1 = k0 + stride;
    const k2 = k0 + sw * stride;
    const k3 = k2 + stride;
    const a0 = (g[k0] as number) + ((g[k1] as number) - (g[k0] as number)) * fu;
    const a1 = (g[k2] as number) + ((g[k3] as number) - (g[k2] as number)) * fu;
    return a0 + (a1 - a0) * fv;
  };
  return {
    shadowAt(i: number, j: number): number {
      return bilerp(shadowG, i, j, 1, 0);
    },
    /** Composite the volumes over out[0..2]; returns the opacity. */
    composite(i: number, j: number, out: Float64Array): number {
      const al = bilerp(alphaG, i, j, 1, 0);
      if (al <= 0.002) return 0;
      out[0] = (out[0] as number) * (1 - al) + bilerp(colG, i, j, 3, 0);
      out[1] = (out[1] as number) * (1 - al) + bilerp(colG, i, j, 3, 1);
      out[2] = (out[2] as number) * (1 - al) + bilerp(colG, i, j, 3, 2);
      return al;
    },
    /** Which volume dominates near pixel (i, j): a fire's incident when its column is dense there. */
    ownerAt(i: number, j: number): { incident: number; tag: number } {
      const k = Math.round((j + 0.5) / step) * sw + Math.round((i + 0.5) / step);
      own.incident = 0;
      own.tag = -1;
      const v = ownerG[k] as number;
      if (v < 0) return own;
      const vo = vols[v] as Volume;
      const a = ownerA[k] as number;
      if (vo.kind === 'fire') {
        if (a >= 0.5) own.incident = vo.incident;
      } else if (a >= 0.2 && vo.tag) own.tag = HARD_NEGATIVE_KINDS.indexOf(vo.tag);
      return own;
    },
  };
}

/** The interval `slab` found: [t0, t1] (written there rather than allocated per ray). */
const hitT = new Float64Array(2);

/** Clip the ray's interval [lo, hi] to the box's planes on one axis; false once it is empty. */
function clipAxis(o: number, d: number, lo: number, hi: number): boolean {
  if (Math.abs(d) < 1e-12) return !(o < lo || o > hi);
  let a = (lo - o) / d;
  let c = (hi - o) / d;
  if (a > c) {
    const t = a;
    a = c;
    c = t;
  }
  if (a > (hitT[0] as number)) hitT[0] = a;
  if (c < (hitT[1] as number)) hitT[1] = c;
  return (hitT[0] as number) < (hitT[1] as number);
}

/** Whether the ray meets the axis-aligned box at t ≥ 0; the interval (t1 > t0 ≥ 0) goes to hitT. */
function slab(b: readonly number[], ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): boolean {
  hitT[0] = 0;
  hitT[1] = Number.POSITIVE_INFINITY;
  return (
    clipAxis(ox, dx, b[0] as number, b[3] as number) &&
    clipAxis(oy, dy, b[1] as number, b[4] as number) &&
    clipAxis(oz, dz, b[2] as number, b[5] as number)
  );
}

/** Ray parameter of the terrain hit for render pixel (i, j) from the coarse grid, refined by Newton. */
function demRayT(
  grid: Float64Array,
  gw: number,
  i: number,
  j: number,
  terrain: Terrain,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
  samp: Float64Array,
): number {
  const gi = Math.floor(i / GRID);
  const gj = Math.floor(j / GRID);
  const t00 = grid[gj * gw + gi] as number;
  const t10 = grid[gj * gw + gi + 1] as number;
  const t01 = grid[(gj + 1) * gw + gi] as number;
  const t11 = grid[(gj + 1) * gw + gi + 1] as number;
  if (Number.isNaN(t00) || Number.isNaN(t10) || Number.isNaN(t01) || Number.isNaN(t11))
    return intersectTerrain(terrain, ox, oy, oz, dx, dy, dz, MAX_RANGE_M);
  const fx = (i + 0.5) / GRID - gi;
  const fy = (j + 0.5) / GRID - gj;
  const ta = t00 + (t10 - t00) * fx;
  const tb = t01 + (t11 - t01) * fx;
  let t = ta + (tb - ta) * fy;
  for (let k = 0; k < 6; k++) {
    terrain.sample(ox + t * dx, oy + t * dy, samp);
    const g = oz + t * dz - (samp[0] as number);
    if (Math.abs(g) < 0.01) return t;
    const dg = dz - ((samp[1] as number) * dx + (samp[2] as number) * dy);
    if (dg > -1e-6) break;
    t -= g / dg;
  }
  terrain.sample(ox + t * dx, oy + t * dy, samp);
  if (Math.abs(oz + t * dz - (samp[0] as number)) < 0.02) return t;
  return intersectTerrain(terrain, ox, oy, oz, dx, dy, dz, MAX_RANGE_M);
}
