/**
 * Inverse-mapping renderer at the photo's own resolution: for each pixel cast the camera ray, land it on
 * the terrain (or on a house or tree crown standing in its way: building-rays.ts), ask the shader for the
 * surface and its light, then composite smoke and mist, haze, exposure and the picture style. Rays are cast
 * in the scene frame so textures agree between photos. With a DEM the landing point is found exactly on an
 * 8-px grid and refined per pixel with Newton steps on the ray. Slowly varying terms are computed on
 * coarser grids: tree and house shadows once per photo in ground coordinates (sun-shadow-mask.ts, read per
 * sample), cloud shadows on blocks of up to 3×3 pixels (sized to ~30 cm of ground), volumes (smoke, dust,
 * mist banks) and their shadows on a grid of ~320 columns, interpolated. Shading itself is adaptive and
 * hierarchical (adaptive-shading.ts): every 4th sample of every 4th row first; a 4 × 4 cell whose corners
 * agree is interpolated whole (never near an incident or in smoke); elsewhere every other sample, then the
 * samples between those only where the ones they lie between differ in colour or label. Interpolated
 * samples get the ground's fine grain.
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
import { density, fireFineDetail, plumeMidT, sample, type Volume } from '../scene/volumes.ts';
import type { CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import { grainAt, grainField } from '../scene/textures.ts';
import { drawEffects, finishImage, meteredEv, toneTable, type CameraEffects } from './effects.ts';
import { MAX_RANGE_M, cameraYawDeg } from './pose-geometry.ts';
import { makeView } from './view.ts';
import { shadeAdaptive } from './adaptive-shading.ts';
import { labelGrid, type LabelGrid } from './label-grid.ts';
import { BuildingRays } from './building-rays.ts';
import { shadeWall } from '../scene/materials/walls.ts';
import { shadeCrownSide } from '../scene/materials/vegetation.ts';
import { JND_DELTA_E, PhotoColour } from './visibility.ts';
import type { StageClock } from './stage-clock.ts';

export interface RenderStats {
  /** Per active incident (same order as `shapes`): box of pixels where it is seen, or null. */
  incidents: ([number, number, number, number] | null)[];
  /** Pixels counted per incident. */
  incidentPixels: number[];
  /**
   * Per incident: pixels an outfall (headwall, trickle, jet, plume) paints but changes by less than the
   * just-noticeable difference (visibility.ts), so they count neither in its box nor in its pixels.
   */
  faintPixels: number[];
  /** Per outfall: mean ΔE*ab it makes in the photo where it paints; null for other classes. */
  meanDeltaE: (number | null)[];
  /** Per incident: box of every pixel it paints, seen or not (the labels before round 20), or null. */
  paintedBoxes: ([number, number, number, number] | null)[];
  /** Pixels showing each hard-negative kind (HARD_NEGATIVE_KINDS order). */
  hardNegativePixels: number[];
  /** Share of the shading samples that were shaded (the rest interpolated between their neighbours). */
  shadedShare: number;
  /** Per incident, the cells of a coarse grid where it is seen (label-grid.ts). */
  labelGrid: LabelGrid;
}

export interface RawImage {
  /** Packed RGB, row-major, top row first. */
  data: Buffer;
  width: number;
  height: number;
  stats: RenderStats;
  /** The camera effects the photo was taken with (its EXIF exposure follows them). */
  effects: CameraEffects;
  /** Whether a house or tree stands between the camera and the ground at (lon, lat) (ground truth's visible share). */
  occluded(lon: number, lat: number): boolean;
}

export interface RenderOptions {
  /** Camera effects; default drawn from the scene seed (the same for every photo of a camera). */
  effects?: CameraEffects;
  /** Shade every n-th pixel (1 or 2) and develop at full resolution; default 2 above ~2 MP. */
  shadingScale?: number;
  /** Interpolate shading samples where their lattice neighbours agree (default true; false shades all). */
  adaptive?: boolean;
  /** Start adaptive shading from every 4th sample (default true; false: every other sample). */
  coarseLattice?: boolean;
  /** When given, CPU time per stage of the render is summed into it (render-profile --stages). */
  clock?: StageClock;
  /** Meter the scene and add its stops to the effects' exposure (default true; false: the bias alone). */
  meter?: boolean;
}

const GRID = 8;
/** A house or crown stopping the ray this far (m) before a scene point hides it. */
const OCCLUDED_M = 0.1;
/** A crown hit stands if the shader paints something at least this share of its height there. */
const TREE_PAINTED = 0.5;
/** Spacing (m) of the crowns' height lattice: crowns are metres wide, and finer lattices cost most of a small photo. */
const TREE_LATTICE_M = 1;
/**
 * A crown's side hangs this far (m) below its top there; lower, a ray passes under it (the heightfield's
 * sheer sides would otherwise stand crowns on pillars down to the ground).
 */
const CROWN_SKIRT_M = 2;
/** Share of the sky the foliage and ground under a standing crown see (the crown hides the rest). */
const UNDER_CROWN_SKY = 0.6;
/** Photos above this many pixels are shaded at half resolution and developed at full resolution. */
export const FULL_SHADING_MAX_PX = 2_100_000;
const VOLUME_STEPS = 24;
/** Fire smoke's fine turbulence (see fireFineDetail): its weight on optical depth and on brightness. */
const FINE_DEPTH = 0.9;
const FINE_SHADE = 0.15;
const SHADOW_STEPS = 8;
/** A wall's sun test is made this far (m) out from it plus two lattice cells, clear of its own building. */
const WALL_OUT_M = 0.3;
/** Walls read the shadow lattice no coarser than for this footprint (m): shadows across lanes stay. */
const WALL_FOOT_M = 0.5;

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
  const clock = opts.clock ?? null;
  clock?.reset();
  const [cxs, cys] = scene.frame.toLocal(req.lon, req.lat);
  const terrain: Terrain = scene.dem ?? flatTerrain(req.altAmslM - req.altRelM);
  const view = makeView(cam, [cxs, cys, req.altAmslM], cameraYawDeg(req), req.gimbalPitchDeg, width, height);
  const shader = new Shader(scene, shapes, (x, y) => terrain.heightAt(x, y));
  const { F, R, U, fx, fy, cx, cy } = view;
  const [ox, oy, oz] = view.pos;
  // One camera, one picture style: effects follow the scene seed; only the sensor noise is per photo.
  const photoSeed = (scene.seed * 7919 + req.index * 104729 + req.sysId) | 0;
  const bias = opts.effects ?? drawEffects(scene.seed, width);
  // Set by metering below (the camera's auto exposure) before anything is shaded for the photo.
  let effects = bias;
  const data = Buffer.allocUnsafe(width * height * 3);
  const col = new Float64Array(3);
  // Terrain at a point ([h, ∂h/∂x, ∂h/∂y]); samp[3] = 1 when demRayT left the hit point's sample in it.
  const samp = new Float64Array(4);
  const surf = new Surface();
  // Outfalls are labelled where they show (visibility.ts): per sample the ΔE*ab they make.
  let colour = new PhotoColour(effects);
  const isOutfall = shapes.map((sh) => sh.cls === 'sewage_outfall');
  const under = new Float64Array(3);
  const flat = terrain.flat;
  const z0 = flat ? terrain.heightAt(0, 0) : 0;
  const groundAt = flat ? () => z0 : (x: number, y: number) => terrain.heightAt(x, y);
  const buildings = new BuildingRays(shader, groundAt);
  // Tree crowns stand up as well: the same march over the crowns' heightfield, so trees hide what is
  // behind them in oblique views and shift with parallax (their sides are the crowns' own edges).
  const trees = new BuildingRays(
    { builtHeight: (x, y) => shader.treeHeight(x, y), builtHash: 0, builtAx: 1, builtAy: 0 },
    groundAt,
    true,
    TREE_LATTICE_M,
  );
  /** Where the ray meets a crown before tGround, NaN where none; under a crown's side it passes on. */
  const crownT = (px: number, py: number, pz: number, dx: number, dy: number, dz: number, tGround: number): number => {
    const tt = trees.hit(px, py, pz, dx, dy, dz, tGround);
    return tt === tt && trees.wall && trees.aboveM < trees.topM - CROWN_SKIRT_M ? Number.NaN : tt;
  };

  /**
   * Whether the ray that met the ground at (x, y) came there under a standing crown, a lattice step or more
   * beneath its side. The crown the shader paints flat there is then its lower foliage, in its own shade:
   * lit as at the crown's top it was a bright twin of each crown beside it (oblique and nadir views). A
   * steep ray that slipped down a crown's side close to where it met the ground shows that side, lit.
   */
  const passedUnderCrown = (x: number, y: number, dx: number, dy: number, dz: number): boolean => {
    const h = trees.height(x, y);
    return h > CROWN_SKIRT_M && (h - CROWN_SKIRT_M) * Math.sqrt(dx * dx + dy * dy) >= TREE_LATTICE_M * -dz;
  };

  if (clock) shader.shadowMask.timed = true;
  clock?.lap('setup');

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

  clock?.lap('demGrid');
  // Smoke and mist end where the ray does: at a house in front of the ground too, so a house hides the
  // smoke behind it (and a fire's column label there).
  const surfaceT = (i: number, j: number, dx: number, dy: number, dz: number): number => {
    const t = groundT(i, j, dx, dy, dz);
    if (Number.isNaN(t)) return t;
    const tb = buildings.hit(ox, oy, oz, dx, dy, dz, t);
    const tt = crownT(ox, oy, oz, dx, dy, dz, Number.isNaN(tb) ? t : tb);
    return Number.isNaN(tt) ? (Number.isNaN(tb) ? t : tb) : tt;
  };
  const vol = shader.volumes.length ? volumeGrid(shader, width, height, view, surfaceT) : null;
  clock?.lap('volumes');

  // Large photos are shaded at half resolution and developed at full resolution with per-pixel
  // grain from the ground texture (two-scale rendering); small ones are shaded pixel by pixel.
  const scale = opts.shadingScale ?? (width * height > FULL_SHADING_MAX_PX ? 2 : 1);
  const sw = Math.ceil(width / scale);
  const shh = Math.ceil(height / scale);
  const n = sw * shh;
  // Per shading sample: linear colour; ground point and 1 / grain texel (x NaN = sky); grain amount;
  // label (incident index + 1 > 0, −(hard-negative kind + 1) < 0, 0 none).
  const lin = new Float32Array(n * 3);
  const gxy = new Float32Array(n * 3);
  const grainBuf = new Float32Array(n);
  const label = new Int16Array(n);
  // ΔE*ab an outfall makes at its labelled samples (Infinity where its painter kept no ground under it).
  const contrast = new Float32Array(n);
  // 1 where a coarse cell must be refined, not interpolated whole: near an incident (its outline
  // and box stay those of the every-other lattice) or under smoke (a fire's column labels it).
  const fine = new Uint8Array(n);
  const incBounds = new Float64Array(shader.incidents.length * 3);
  shader.incidents.forEach((p, k) => incBounds.set([p.cx, p.cy, p.boundM], k * 3));

  // Cloud-shadow blocks: ~30 cm of ground, 1–3 shading pixels, each from the first sample shaded in
  // it (cloud shadows change over metres). Tree and house shadows are read per sample from the
  // shader's ground mask.
  const centreGsd = gsdAt(view, oz - (flat ? z0 : terrain.heightAt(ox, oy))) * scale;
  const block = Math.max(1, Math.min(3, Math.round(0.3 / Math.max(1e-3, centreGsd))));
  const nbx = Math.ceil(sw / block);
  const cloudG = new Float32Array(nbx * Math.ceil(shh / block)).fill(Number.NaN);

  const mistTag = Shader.tagOf.mist - 1;
  const cloudTag = Shader.tagOf.cloud_shadow - 1;

  const [F0, F1, F2] = F as [number, number, number];
  const [R0, R1, R2] = R as [number, number, number];
  const [U0, U1, U2] = U as [number, number, number];
  let shaded = 0;
  /**
   * Shade the first `count` samples listed (indices j·sw + i of the shading grid) into lin, gxy,
   * grainBuf and label. One call per list keeps the per-sample loop inside one optimised function.
   */
  const shadeList = (list: Int32Array, count: number): void => {
    clock?.lap('interpolation');
    shaded += count;
    for (let q = 0; q < count; q++) {
      const o = list[q] as number;
      const j = (o / sw) | 0;
      const i = o - j * sw;
      const jc = (j + 0.5) * scale;
      const jp = Math.min(height - 1, jc | 0);
      const b = (jc - cy) / fy;
      const ic = (i + 0.5) * scale;
      const ip = Math.min(width - 1, ic | 0);
      const a = (ic - cx) / fx;
      const dx = F0 - b * U0 + a * R0;
      const dy = F1 - b * U1 + a * R1;
      const dz = F2 - b * U2 + a * R2;
      const t = groundT(ip, jp, dx, dy, dz);
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const ux = dx / len;
      const uy = dy / len;
      const uz = dz / len;
      // Toward the camera across the ground, and the ray's rise per metre (people stand up in it).
      const across = Math.sqrt(dx * dx + dy * dy);
      const view = shader.view;
      view.ux = across > 0 ? -dx / across : 0;
      view.uy = across > 0 ? -dy / across : 0;
      view.tan = across > 0 ? -dz / across : Infinity;
      let incident = 0;
      let tag = 0;
      let grain = 0;
      if (Number.isNaN(t)) {
        shader.sky(ux, uy, uz, col);
        gxy[o * 3] = Number.NaN;
      } else {
        // A house or a tree crown on the way to the ground stops the ray at its roof, wall or crown
        // (building-rays.ts marches both heightfields; the nearer hit wins).
        const tb = buildings.hit(ox, oy, oz, dx, dy, dz, t);
        const tt = crownT(ox, oy, oz, dx, dy, dz, tb === tb ? tb : t);
        let onTree = tt === tt;
        let onBuilding = !onTree && tb === tb;
        let gx = 0;
        let gy = 0;
        let dist = 0;
        let gsd = 0;
        let gz = z0;
        let hx = 0;
        let hy = 0;
        let underCrown = false;
        for (let pass = 0; ; pass++) {
          const stand = onTree ? trees : buildings;
          const onTop = onTree || onBuilding;
          const tHit = onTree ? tt : onBuilding ? tb : t;
          gx = onTop ? stand.x : ox + t * dx;
          gy = onTop ? stand.y : oy + t * dy;
          dist = tHit * len;
          // Pixel footprint on the surface, stretched by the incidence angle (capped for grazing rays).
          const cosI = onBuilding && buildings.wall ? -(ux * buildings.nx + uy * buildings.ny) : -uz;
          gsd = (dist / fx) * scale * Math.min(4, 1 / Math.max(1e-3, cosI));
          if (!flat) {
            // demRayT's last Newton step mostly sampled this very point already.
            if (onTop || pass > 0 || samp[3] !== 1) terrain.sample(gx, gy, samp);
            gz = samp[0] as number;
            hx = samp[1] as number;
            hy = samp[2] as number;
          }
          if (onTree) {
            const run = trees.aboveM / -dz;
            shader.leafDx = run * dx;
            shader.leafDy = run * dy;
          }
          // A roof, wall or crown carries none of the incident painted on the ground under it.
          shader.surface(gx, gy, gz, hx, hy, gsd, surf, onTop, (dist / fx) * scale);
          if (pass === 0 && !onTop && surf.objH > 0 && passedUnderCrown(gx, gy, dx, dy, dz)) {
            // Lower foliage under a standing crown: in the crown's shade (whose shadow on the ground may lie
            // off its trunk: a crown's base), lit from under the crown by a share of the sky.
            surf.objH = 0;
            surf.ao *= UNDER_CROWN_SKY;
            underCrown = true;
          }
          shader.leafDx = shader.leafDy = 0;
          // The crowns' lattice and the shader's outlines (dithered, by footprint) differ by up to a lattice
          // step: where the shader paints a gap between crowns or no crown at all, the ray goes on to the
          // house or ground.
          if (!onTree) break;
          if (!shader.canopyGap && surf.objH >= TREE_PAINTED * trees.aboveM) {
            if (trees.wall) shadeCrownSide(surf, gx, gy, trees.aboveM, trees.topM, trees.nx, trees.ny, gsd);
            break;
          }
          onTree = false;
          onBuilding = tb === tb;
        }
        const wall = onBuilding && buildings.wall;
        const nx = buildings.nx;
        const ny = buildings.ny;
        let vis: number;
        if (wall) {
          // The wall under what the shader painted on the building's top there (its label tag stays).
          shadeWall(surf, buildings.hash, gy * nx - gx * ny, buildings.aboveM, buildings.topM, nx, ny, hx, hy, gsd);
          // Out past the shadow lattice's next node: a node inside the house would shade its own wall.
          const foot = Math.min(gsd, WALL_FOOT_M);
          const out = WALL_OUT_M + 2 * foot;
          vis = shader.sunVisibility(gx + out * nx, gy + out * ny, surf.objH, foot);
        } else vis = underCrown ? 0 : shader.sunVisibility(gx + surf.sunAtDx, gy + surf.sunAtDy, surf.objH, gsd);
        const bk = ((j / block) | 0) * nbx + ((i / block) | 0);
        let cloud = cloudG[bk] as number;
        if (cloud !== cloud) {
          cloud = shader.cloudShade(gx, gy);
          cloudG[bk] = cloud;
        }
        if (cloud < 0.8) tag = cloudTag + 1;
        if (vol) cloud *= vol.shadowAt(ip, jp);
        shader.light(surf, hx, hy, vis, cloud, ux, uy, uz, col);
        const mist = shader.applyHaze(dist, gx, gy, gz, uz, col);
        if (mist > 0.3) tag = mistTag + 1;
        if (surf.tag) tag = surf.tag;
        incident = surf.incident;
        if (incident > 0 && isOutfall[incident - 1]) {
          if (surf.under) {
            // The same light and haze on the ground as it was under the outfall's paint.
            const { r, g, b, spec } = surf;
            surf.r = surf.underR;
            surf.g = surf.underG;
            surf.b = surf.underB;
            surf.spec = surf.underSpec;
            shader.light(surf, hx, hy, vis, cloud, ux, uy, uz, under);
            shader.applyHaze(dist, gx, gy, gz, uz, under);
            surf.r = r;
            surf.g = g;
            surf.b = b;
            surf.spec = spec;
            contrast[o] = colour.deltaE(col, under);
          } else contrast[o] = Infinity;
        }
        // Near a line thinner than the coarse lattice (a field ridge): shaded, not interpolated across.
        if (surf.nearThin > (fine[o] as number)) fine[o] = surf.nearThin;
        grain = surf.grain * (1 - mist);
        gxy[o * 3] = gx;
        gxy[o * 3 + 1] = gy;
        // Within an incident's bounds: its outline and box come from samples no coarser than today's.
        for (let k = 0; k < incBounds.length; k += 3) {
          const b = incBounds[k + 2] as number;
          if (Math.abs(gx - (incBounds[k] as number)) < b && Math.abs(gy - (incBounds[k + 1] as number)) < b)
            fine[o] ||= 1;
        }
        // Grain texel: a power of two near the full-resolution pixel's footprint, so the texture
        // is not stretched by a varying scale (computed here, once per shading sample). Kept as its
        // reciprocal: texture coordinates are then products, exactly the quotients (a power of two).
        gxy[o * 3 + 2] = 1 / nearestPow2(Math.max(1e-3, gsd / scale));
      }
      if (vol) {
        const alpha = vol.composite(ip, jp, col);
        if (alpha > 0) {
          // Smoke dense enough to change a label (hide an incident, be a fire's column or a hard
          // negative: opacity 0.2 and up) is refined; thin haze downwind is not.
          if (alpha > 0.15) fine[o] ||= 1;
          grain *= 1 - alpha;
          // Dense smoke hides what is under it, and a fire's own column counts as the fire.
          if (alpha > 0.6) incident = 0;
          const own = vol.ownerAt(ip, jp);
          if (own.incident) incident = own.incident;
          else if (own.tag >= 0) tag = own.tag + 1;
        }
      }
      label[o] = incident > 0 ? incident : tag > 0 ? -tag : 0;
      lin[o * 3] = col[0] as number;
      lin[o * 3 + 1] = col[1] as number;
      lin[o * 3 + 2] = col[2] as number;
      grainBuf[o] = grain;
    }
    clock?.lap('shading');
  };

  // Auto exposure, as the camera meters before it shoots: a sparse grid of samples shaded first gives the
  // scene's centre-weighted mean luminance; the exposure (and the colour the outfall labels are judged
  // in) follow it. Then the grid's samples are cleared, so the photo is shaded as if the grid never was.
  if (opts.meter ?? true) {
    const grid = meterGrid(sw, shh);
    shadeList(grid.list, grid.list.length);
    effects = { ...bias, exposureEv: bias.exposureEv + meteredEv(grid.meanLuminance(lin)) };
    colour = new PhotoColour(effects);
    for (const o of grid.list) {
      lin.fill(0, o * 3, o * 3 + 3);
      gxy.fill(0, o * 3, o * 3 + 3);
      grainBuf[o] = label[o] = contrast[o] = fine[o] = 0;
    }
    cloudG.fill(Number.NaN);
    shaded = 0;
  }

  // Hierarchical adaptive shading (adaptive-shading.ts): a coarse lattice first, refined where its
  // samples differ; interpolated samples then get the ground's grain at their own footprint.
  const interpolated = shadeAdaptive({ sw, shh, lin, gxy, grain: grainBuf, label, fine, contrast }, shadeList, {
    adaptive: opts.adaptive ?? true,
    coarse: opts.coarseLattice ?? true,
  });
  clock?.lap('interpolation');
  // The shadow mask's tiles are filled inside shading, as samples first read them.
  clock?.move('shading', 'sunShadowMask', shader.shadowMask.fillUs / 1000);
  // Two-scale photos get their grain when developed; here each interpolated sample gets it.
  if (scale === 1) {
    const tex = grainField(shader.detail4);
    for (let o = 0; o < n; o++) {
      const amp = grainBuf[o] as number;
      const level = interpolated[o] as number;
      if (level === 0 || !(amp > 0)) continue;
      const perTexel = gxy[o * 3 + 2] as number;
      const f =
        1 +
        amp *
          (level === 2 ? COARSE_GRAIN : INTERP_GRAIN) *
          grainAt(tex, (gxy[o * 3] as number) * perTexel + 311.3, (gxy[o * 3 + 1] as number) * perTexel + 97.7);
      lin[o * 3] = (lin[o * 3] as number) * f;
      lin[o * 3 + 1] = (lin[o * 3 + 1] as number) * f;
      lin[o * 3 + 2] = (lin[o * 3 + 2] as number) * f;
    }
  }
  clock?.lap('grain');
  // What the photo shows, sample by sample: incident boxes and pixels, hard-negative pixels.
  const nInc = shapes.length;
  const boxes = new Float64Array(nInc * 4);
  for (let k = 0; k < nInc; k++) boxes.set([Infinity, Infinity, -Infinity, -Infinity], k * 4);
  const incPixels = new Array<number>(nInc).fill(0);
  const faint = new Array<number>(nInc).fill(0);
  const deltaESum = new Array<number>(nInc).fill(0);
  const deltaEN = new Array<number>(nInc).fill(0);
  const tagPixels = new Array<number>(HARD_NEGATIVE_KINDS.length).fill(0);
  // The labels boxes and grid are made of: the shading's, less outfall samples below the JND (the
  // shading's own labels stay as they are: they steer refinement, so the pixels do not change).
  const seen = label.slice();
  const painted = new Float64Array(nInc * 4);
  for (let k = 0; k < nInc; k++) painted.set([Infinity, Infinity, -Infinity, -Infinity], k * 4);
  for (let j = 0, o = 0; j < shh; j++)
    for (let i = 0; i < sw; i++, o++) {
      const l = label[o] as number;
      if (l > 0 && isOutfall[l - 1]) {
        const k = (l - 1) * 4;
        if (i < (painted[k] as number)) painted[k] = i;
        if (j < (painted[k + 1] as number)) painted[k + 1] = j;
        if (i + 1 > (painted[k + 2] as number)) painted[k + 2] = i + 1;
        if (j + 1 > (painted[k + 3] as number)) painted[k + 3] = j + 1;
        const dE = contrast[o] as number;
        if (Number.isFinite(dE)) {
          deltaESum[l - 1] = (deltaESum[l - 1] as number) + dE;
          deltaEN[l - 1] = (deltaEN[l - 1] as number) + 1;
        }
        if (dE < JND_DELTA_E) {
          faint[l - 1] = (faint[l - 1] as number) + 1;
          seen[o] = 0;
          continue;
        }
      }
      if (l > 0) {
        const k = (l - 1) * 4;
        if (i < (boxes[k] as number)) boxes[k] = i;
        if (j < (boxes[k + 1] as number)) boxes[k + 1] = j;
        if (i + 1 > (boxes[k + 2] as number)) boxes[k + 2] = i + 1;
        if (j + 1 > (boxes[k + 3] as number)) boxes[k + 3] = j + 1;
        incPixels[l - 1] = (incPixels[l - 1] as number) + 1;
      } else if (l < 0) tagPixels[-l - 1] = (tagPixels[-l - 1] as number) + 1;
    }

  clock?.lap('labels');
  develop(data, width, height, lin, sw, shh, scale, scale > 1 ? gxy : null, grainBuf, effects, cx, cy, shader);
  clock?.lap('develop');

  finishImage(
    data,
    width,
    height,
    effects,
    motionPx(view, req, effects, oz - (flat ? z0 : terrain.heightAt(ox, oy))),
    photoSeed,
  );
  clock?.lap('finish');

  const toPixels = (b: Float64Array, k: number): [number, number, number, number] | null =>
    Number.isFinite(b[k * 4] as number)
      ? [
          Math.min(width, (b[k * 4] as number) * scale),
          Math.min(height, (b[k * 4 + 1] as number) * scale),
          Math.min(width, (b[k * 4 + 2] as number) * scale),
          Math.min(height, (b[k * 4 + 3] as number) * scale),
        ]
      : null;
  const incidents: RenderStats['incidents'] = [];
  const paintedBoxes: RenderStats['paintedBoxes'] = [];
  for (let k = 0; k < nInc; k++) {
    incidents.push((incPixels[k] as number) > 0 ? toPixels(boxes, k) : null);
    // Straw and slopes are labelled wherever painted; only outfalls have the visibility test.
    paintedBoxes.push(isOutfall[k] ? toPixels(painted, k) : (incidents[k] ?? null));
  }
  const s2 = scale * scale;
  const grid = labelGrid(seen, sw, shh, nInc);
  clock?.lap('labels');
  return {
    data,
    width,
    height,
    effects,
    occluded: (lon, lat) => {
      // On the render's own ground (the caller's terrain may be a plane through the take-off point).
      const [x, y] = scene.frame.toLocal(lon, lat);
      const z = groundAt(x, y);
      const len = Math.hypot(x - ox, y - oy, z - oz);
      // Stopped short of the point (10 cm: a ray grazing a wall's foot still sees it).
      const tb = buildings.hit(ox, oy, oz, x - ox, y - oy, z - oz, 1);
      const th = crownT(ox, oy, oz, x - ox, y - oy, z - oz, tb === tb ? tb : 1);
      const tFirst = th === th ? th : tb;
      return tFirst === tFirst && (1 - tFirst) * len > OCCLUDED_M;
    },
    stats: {
      incidents,
      incidentPixels: incPixels.map((n) => n * s2),
      faintPixels: faint.map((n) => n * s2),
      paintedBoxes,
      meanDeltaE: deltaEN.map((n, k) => (isOutfall[k] && n > 0 ? (deltaESum[k] as number) / n : null)),
      hardNegativePixels: tagPixels.map((n) => n * s2),
      shadedShare: shaded / n,
      labelGrid: grid,
    },
  };
}

/** Metering grid: samples across and down the frame. */
const METER_COLS = 24;
const METER_ROWS = 18;

/**
 * Auto exposure's metering grid: METER_COLS × METER_ROWS shading samples (indices j·sw + i) across the frame,
 * and once they are shaded, their mean luminance weighted toward the centre as a drone camera's default
 * metering is.
 */
function meterGrid(sw: number, shh: number): { list: Int32Array; meanLuminance(lin: Float32Array): number } {
  const list = new Int32Array(METER_COLS * METER_ROWS);
  const weight = new Float64Array(list.length);
  let q = 0;
  for (let b = 0; b < METER_ROWS; b++)
    for (let a = 0; a < METER_COLS; a++, q++) {
      const u = (a + 0.5) / METER_COLS;
      const v = (b + 0.5) / METER_ROWS;
      list[q] = Math.min(shh - 1, (v * shh) | 0) * sw + Math.min(sw - 1, (u * sw) | 0);
      const r2 = ((u - 0.5) ** 2 + (v - 0.5) ** 2) / 0.5;
      weight[q] = 1 - 0.6 * r2;
    }
  return {
    list,
    meanLuminance(lin: Float32Array): number {
      let sum = 0;
      let wsum = 0;
      for (let k = 0; k < list.length; k++) {
        const o = (list[k] as number) * 3;
        const lum = 0.3 * (lin[o] as number) + 0.59 * (lin[o + 1] as number) + 0.11 * (lin[o + 2] as number);
        sum += (weight[k] as number) * lum;
        wsum += weight[k] as number;
      }
      return sum / wsum;
    },
  };
}

/**
 * Turn the shaded linear colours into the 8-bit photo: white balance and exposure, and saturation,
 * on the shading samples; then per pixel upsample (two-scale rendering) adding grain of the ground
 * texture, vignetting and the tone curve.
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
  // The tone table as the bytes a store of its levels into the image makes (ToUint8: their floor),
  // so the per-pixel store is a byte copy rather than a float-to-integer conversion.
  const lut = new Uint8Array(toneTable(effects).lut);
  const colour = new PhotoColour(effects);
  const vig = effects.vignette;
  const invR2 = 1 / (cx * cx + cy * cy);
  const tex = grainField(shader.detail4);
  // White balance with exposure, then saturation, are linear in the colour, as are the upsampling,
  // the grain and the vignetting (one factor for all channels) that follow: applied to the shading
  // samples, a quarter of the pixels in a two-scale photo, instead of to every pixel.
  const nLin = sw * shh * 3;
  for (let k = 0; k < nLin; k += 3) colour.balance(lin, k);
  // Per-column source texels and weights: the same on every row.
  const colI0 = new Int32Array(width);
  const colI1 = new Int32Array(width);
  const colFu = new Float64Array(width);
  const colOmFu = new Float64Array(width);
  // Vignetting's column term vig · du² / r², multiplied in the order the per-pixel expression did.
  const colVig = new Float64Array(width);
  for (let i = 0; i < width; i++) {
    let u = (i + 0.5) / scale - 0.5;
    if (u < 0) u = 0;
    const i0 = Math.min(sw - 1, u | 0);
    colI0[i] = i0;
    colI1[i] = Math.min(sw - 1, i0 + 1);
    const fu = Math.min(1, u - i0);
    colFu[i] = fu;
    colOmFu[i] = 1 - fu;
    const du = i + 0.5 - cx;
    colVig[i] = vig * (du * du) * invR2;
  }
  // A plain Uint8Array view: stores through a Buffer keep the loop from optimising.
  const out = new Uint8Array(data.buffer, data.byteOffset, width * height * 3);
  const a = gxy ?? new Float32Array(0);
  const amps = grainBuf ?? new Float32Array(0);
  // Two-scale: the bilinear upsampling is separable, so each source row is upsampled across once
  // (colour and ground point per output column) and every output row blends the two it lies between.
  const twoScale = scale > 1 && gxy !== null;
  let acrossA = new Float64Array(twoScale ? width * 5 : 0);
  let acrossB = new Float64Array(twoScale ? width * 5 : 0);
  let rowA = -1;
  let rowB = -1;
  const upsampleAcross = (src: number, dst: Float64Array): void => {
    const row = src * sw;
    for (let i = 0, t = 0; i < width; i++, t += 5) {
      const q0 = row + (colI0[i] as number);
      const q1 = row + (colI1[i] as number);
      const fu = colFu[i] as number;
      const omFu = colOmFu[i] as number;
      dst[t] = (lin[q0 * 3] as number) * omFu + (lin[q1 * 3] as number) * fu;
      dst[t + 1] = (lin[q0 * 3 + 1] as number) * omFu + (lin[q1 * 3 + 1] as number) * fu;
      dst[t + 2] = (lin[q0 * 3 + 2] as number) * omFu + (lin[q1 * 3 + 2] as number) * fu;
      // A sky corner (x NaN) makes the ground point NaN: no grain there.
      dst[t + 3] = (a[q0 * 3] as number) * omFu + (a[q1 * 3] as number) * fu;
      dst[t + 4] = (a[q0 * 3 + 1] as number) * omFu + (a[q1 * 3 + 1] as number) * fu;
    }
  };
  // The source column nearest each pixel (whose grain amount and texel it takes).
  const colNear = new Int32Array(width);
  for (let i = 0; i < width; i++) colNear[i] = (colFu[i] as number) < 0.5 ? (colI0[i] as number) : (colI1[i] as number);
  let o = 0;
  for (let j = 0; j < height; j++) {
    let v = (j + 0.5) / scale - 0.5;
    if (v < 0) v = 0;
    const j0 = Math.min(shh - 1, v | 0);
    const j1 = Math.min(shh - 1, j0 + 1);
    const fv = Math.min(1, v - j0);
    const omFv = 1 - fv;
    const dv = j + 0.5 - cy;
    const vRow = 1 - vig * dv * dv * invR2;
    if (!twoScale) {
      const row0 = j0 * sw;
      for (let i = 0; i < width; i++) {
        const k = (row0 + i) * 3;
        const vv = vRow - (colVig[i] as number);
        const r = (lin[k] as number) * vv;
        const g = (lin[k + 1] as number) * vv;
        const bl = (lin[k + 2] as number) * vv;
        out[o++] = lut[r <= 0 ? 0 : r >= 1.9995 ? 4095 : (r * 2048) | 0] as number;
        out[o++] = lut[g <= 0 ? 0 : g >= 1.9995 ? 4095 : (g * 2048) | 0] as number;
        out[o++] = lut[bl <= 0 ? 0 : bl >= 1.9995 ? 4095 : (bl * 2048) | 0] as number;
      }
      continue;
    }
    // Bring the two source rows in, reusing the one already upsampled (row j1 becomes row j0).
    if (rowA !== j0) {
      if (rowB === j0) {
        const t = acrossA;
        acrossA = acrossB;
        acrossB = t;
        rowA = j0;
        rowB = -1;
      } else {
        upsampleAcross(j0, acrossA);
        rowA = j0;
      }
    }
    if (rowB !== j1) {
      upsampleAcross(j1, acrossB);
      rowB = j1;
    }
    const nearRow = (fv < 0.5 ? j0 : j1) * sw;
    for (let i = 0, t = 0; i < width; i++, t += 5) {
      let r = (acrossA[t] as number) * omFv + (acrossB[t] as number) * fv;
      let g = (acrossA[t + 1] as number) * omFv + (acrossB[t + 1] as number) * fv;
      let bl = (acrossA[t + 2] as number) * omFv + (acrossB[t + 2] as number) * fv;
      // Grain of the ground at this pixel's own footprint (texel a power of two near it, so the
      // texture is not stretched by a varying scale).
      const qn = nearRow + (colNear[i] as number);
      const amp = amps[qn] as number;
      let f = 1;
      if (amp > 0) {
        const gx = (acrossA[t + 3] as number) * omFv + (acrossB[t + 3] as number) * fv;
        const gy = (acrossA[t + 4] as number) * omFv + (acrossB[t + 4] as number) * fv;
        if (gx === gx) {
          const perTexel = a[qn * 3 + 2] as number;
          f = 1 + amp * grainAt(tex, gx * perTexel + 311.3, gy * perTexel + 97.7);
        }
      }
      const vv = (vRow - (colVig[i] as number)) * f;
      r *= vv;
      g *= vv;
      bl *= vv;
      out[o++] = lut[r <= 0 ? 0 : r >= 1.9995 ? 4095 : (r * 2048) | 0] as number;
      out[o++] = lut[g <= 0 ? 0 : g >= 1.9995 ? 4095 : (g * 2048) | 0] as number;
      out[o++] = lut[bl <= 0 ? 0 : bl >= 1.9995 ? 4095 : (bl * 2048) | 0] as number;
    }
  }
}

const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);

/** 2^round(log2 v) for v > 0, from the float's exponent bits (Math.log2 and Math.pow per sample cost). */
function nearestPow2(v: number): number {
  // Scaling by √2 turns rounding the logarithm into truncating it (the exponent field).
  f32[0] = v * Math.SQRT2;
  const e = ((f32Bits[0] as number) >> 23) - 127;
  return e >= 0 ? 1 << e : 1 / (1 << -e);
}

/**
 * Share of the two-scale grain an interpolated sample gets at full shading resolution: it stands in
 * for the detail its neighbours' shading would have had, which is finer than the grain texture and
 * partly there already (its corners agree); 0.4 keeps the neighbour-to-neighbour detail of shading
 * every sample (render.test).
 */
const INTERP_GRAIN = 0.4;
/**
 * The same for a sample interpolated across a whole coarse cell (4 × 4 samples), which misses more of
 * the neighbour-to-neighbour detail: 0.6 brings it back to within ~5% of shading every sample
 * (render.test) without adding much grain that is not there.
 */
const COARSE_GRAIN = 0.6;

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
  // Where each ray crosses fire smoke (Σx, Σy, Σz, count over the fires it crosses) and the fires' share
  // of its opacity (Σw): interpolated per pixel for the fine turbulence the coarse grid cannot hold.
  const fineG = new Float32Array(n * 5);
  let anyFire = false;
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
        const nSpans = volumeSpans(vo, h0, Math.min(h1, tEnd), ox, oy, oz, dx, dy, dz);
        if (nSpans === 0) continue;
        const spanSum = spansLength(nSpans);
        if (vo.kind === 'fire') {
          // Where the ray passes closest to the plume's axis (volumes.ts, plumeMidT): a point in the smoke
          // that moves smoothly across the image. A point weighted by opacity jumps from puff to puff and
          // folds the fine noise into contour lines; the middle of the ray's stretch through the tighter
          // boxes jumped where it entered or left one, which drew the boxes' faces across the smoke as
          // straight seams.
          const tm = plumeMidT(vo, ox, oy, oz, dx, dy, dz, h0, Math.min(h1, tEnd));
          const f = k * 5;
          fineG[f] = (fineG[f] as number) + ox + tm * dx;
          fineG[f + 1] = (fineG[f + 1] as number) + oy + tm * dy;
          fineG[f + 2] = (fineG[f + 2] as number) + oz + tm * dz;
          fineG[f + 3] = (fineG[f + 3] as number) + 1;
          anyFire = true;
        }
        let T = Math.exp(-total);
        // The steps go to the spans in proportion to their length (at least one each).
        for (let m = 0; m < nSpans; m++) {
          const t0 = spans[2 * m] as number;
          const span = (spans[2 * m + 1] as number) - t0;
          const steps = stepsFor(span, spanSum, VOLUME_STEPS);
          const dt = span / steps;
          for (let s = 0; s < steps; s++) {
            const t = t0 + (s + jitter) * dt;
            density(vo, ox + t * dx, oy + t * dy, oz + t * dz, sx, sy, sz);
            if (sample.density <= 0) continue;
            const d = sample.density * dt * len;
            const lit = shader.volumeLight(sample.light);
            const w = T * (1 - Math.exp(-d));
            // Haze colour toward the core colour where the smoke is dense and young, lit by the sun,
            // plus the flames' own light where it hangs low over the front.
            const kc = sample.core;
            const g = sample.glow;
            const c0 = vo.colour;
            const c1 = vo.coreColour;
            const gc = vo.glowColour;
            cr += w * ((c0[0] + (c1[0] - c0[0]) * kc) * lit + gc[0] * g);
            cg += w * ((c0[1] + (c1[1] - c0[1]) * kc) * lit + gc[1] * g);
            cb += w * ((c0[2] + (c1[2] - c0[2]) * kc) * lit + gc[2] * g);
            if (vo.kind === 'fire') {
              fineG[k * 5 + 4] = (fineG[k * 5 + 4] as number) + w;
              anyFire = true;
            }
            tau[v] = (tau[v] as number) + d;
            if (vo.kind !== 'fire' || sample.s < vo.columnM) colTau[v] = (colTau[v] as number) + d;
            total += d;
            T = Math.exp(-total);
          }
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
          const nSpans = volumeSpans(vo, Math.max(0, hitT[0] as number), hitT[1] as number, gx, gy, gz, sx, sy, sz);
          const spanSum = spansLength(nSpans);
          for (let m = 0; m < nSpans; m++) {
            const t0 = spans[2 * m] as number;
            const span = (spans[2 * m + 1] as number) - t0;
            const steps = stepsFor(span, spanSum, SHADOW_STEPS);
            const dt = span / steps;
            for (let s = 0; s < steps; s++) {
              const t = t0 + (s + 0.5) * dt;
              density(vo, gx + t * sx, gy + t * sy, gz + t * sz, sx, sy, sz);
              st += sample.density * dt;
            }
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
      let al = bilerp(alphaG, i, j, 1, 0);
      if (al <= 0.002) return 0;
      // Colour is premultiplied: `keep` scales it with the opacity, `shade` the fine self-shadowing.
      let keep = 1;
      let shade = 1;
      const fl = anyFire ? bilerp(fineG, i, j, 5, 3) : 0;
      if (fl > 1e-4) {
        const d = fireFineDetail(
          bilerp(fineG, i, j, 5, 0) / fl,
          bilerp(fineG, i, j, 5, 1) / fl,
          bilerp(fineG, i, j, 5, 2) / fl,
        );
        const share = Math.min(1, bilerp(fineG, i, j, 5, 4) / al);
        // Optical depth × e^(k·d): thin and edge smoke gains wisps and gaps, opaque smoke keeps its
        // opacity and shows the small curls as light and shade instead.
        const al2 = 1 - Math.pow(1 - Math.min(al, 0.999), Math.exp(FINE_DEPTH * d * share));
        keep = al2 / al;
        shade = 1 + FINE_SHADE * d * share;
        al = al2;
      }
      const cs = keep * shade;
      out[0] = (out[0] as number) * (1 - al) + bilerp(colG, i, j, 3, 0) * cs;
      out[1] = (out[1] as number) * (1 - al) + bilerp(colG, i, j, 3, 1) * cs;
      out[2] = (out[2] as number) * (1 - al) + bilerp(colG, i, j, 3, 2) * cs;
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

/** Intervals [t0, t1, t0, t1, …] of a ray inside a volume, sorted and disjoint (see volumeSpans). */
const spans = new Float64Array(64);

/** The total length of the first `n` spans in `spans`. */
function spansLength(n: number): number {
  let sum = 0;
  for (let m = 0; m < n; m++) sum += (spans[2 * m + 1] as number) - (spans[2 * m] as number);
  return sum;
}

/** A span's share of a ray's `budget` of steps, in proportion to its length (at least one). */
function stepsFor(span: number, spanSum: number, budget: number): number {
  return Math.max(1, Math.round((budget * span) / spanSum));
}

/**
 * The parts of the ray's interval [lo, hi] (inside the volume's box, before the ground) that lie in
 * its tighter boxes, merged where they overlap so no stretch is counted twice; returns how many.
 */
function volumeSpans(
  vo: Volume,
  lo: number,
  hi: number,
  ox: number,
  oy: number,
  oz: number,
  dx: number,
  dy: number,
  dz: number,
): number {
  if (hi <= lo) return 0;
  if (!vo.parts) {
    spans[0] = lo;
    spans[1] = hi;
    return 1;
  }
  let n = 0;
  for (const b of vo.parts) {
    if (!slab(b, ox, oy, oz, dx, dy, dz)) continue;
    const t0 = Math.max(lo, hitT[0] as number);
    const t1 = Math.min(hi, hitT[1] as number);
    if (t1 <= t0) continue;
    // Insertion by start, then merge with the neighbours it overlaps.
    let k = n;
    while (k > 0 && (spans[2 * k - 2] as number) > t0) {
      spans[2 * k] = spans[2 * k - 2] as number;
      spans[2 * k + 1] = spans[2 * k - 1] as number;
      k--;
    }
    spans[2 * k] = t0;
    spans[2 * k + 1] = t1;
    n++;
  }
  let m = 0;
  for (let k = 1; k < n; k++) {
    if ((spans[2 * k] as number) <= (spans[2 * m + 1] as number)) {
      spans[2 * m + 1] = Math.max(spans[2 * m + 1] as number, spans[2 * k + 1] as number);
    } else {
      m++;
      spans[2 * m] = spans[2 * k] as number;
      spans[2 * m + 1] = spans[2 * k + 1] as number;
    }
  }
  return n === 0 ? 0 : m + 1;
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

/**
 * Ray parameter of the terrain hit for render pixel (i, j) from the coarse grid, refined by Newton;
 * sets samp[3] to 1 when `samp` then holds the terrain at the hit point (height and slope), else 0.
 */
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
  samp[3] = 0;
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
    if (Math.abs(g) < 0.01) {
      samp[3] = 1;
      return t;
    }
    const dg = dz - ((samp[1] as number) * dx + (samp[2] as number) * dy);
    if (dg > -1e-6) break;
    t -= g / dg;
  }
  terrain.sample(ox + t * dx, oy + t * dy, samp);
  if (Math.abs(oz + t * dz - (samp[0] as number)) < 0.02) {
    samp[3] = 1;
    return t;
  }
  return intersectTerrain(terrain, ox, oy, oz, dx, dy, dz, MAX_RANGE_M);
}
