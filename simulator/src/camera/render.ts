/**
 * Inverse-mapping renderer: for each pixel of a (possibly reduced) render grid, cast the camera ray,
 * land it on the terrain, shade the ground point from the scene, add smoke, haze and sky.
 * Rays are cast in the scene frame so textures agree between photos; with a DEM the landing point
 * is found exactly on an 8-px grid and refined per pixel with Newton steps on the ray.
 */
import type { IncidentShape } from '../scene/incident-shape.ts';
import { hash2 } from '../scene/noise.ts';
import type { Scene } from '../scene/scene.ts';
import { Shader } from '../scene/shade.ts';
import { flatTerrain, intersectTerrain, type Terrain } from '../scene/terrain.ts';
import type { CameraModel } from './camera-model.ts';
import type { CaptureRequest } from './capture-request.ts';
import { MAX_RANGE_M, cameraYawDeg } from './pose-geometry.ts';
import { makeView } from './view.ts';

export interface RawImage {
  /** Packed RGB, row-major, top row first. */
  data: Buffer;
  width: number;
  height: number;
}

const GRID = 8;
const SMOKE_GRID = 4;

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
): RawImage {
  const [cxs, cys] = scene.frame.toLocal(req.lon, req.lat);
  const terrain: Terrain = scene.dem ?? flatTerrain(req.altAmslM - req.altRelM);
  const view = makeView(cam, [cxs, cys, req.altAmslM], cameraYawDeg(req), req.gimbalPitchDeg, width, height);
  const shader = new Shader(scene, shapes, (x, y) => terrain.heightAt(x, y));
  const { F, R, U, fx, fy, cx, cy } = view;
  const [ox, oy, oz] = view.pos;
  const data = Buffer.allocUnsafe(width * height * 3);
  const col = new Float64Array(3);
  const samp = new Float64Array(3);
  const flat = terrain.flat;
  const z0 = flat ? terrain.heightAt(0, 0) : 0;
  const hasSmoke = shader.plumes.length > 0;
  const seed = scene.seed;

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

  // Smoke is soft: its opacity is integrated on a 4-px grid and interpolated.
  let smokeA: Float32Array | null = null;
  let sw = 0;
  if (hasSmoke) {
    sw = Math.ceil(width / SMOKE_GRID) + 1;
    const sh = Math.ceil(height / SMOKE_GRID) + 1;
    smokeA = new Float32Array(sw * sh);
    let any = false;
    for (let gj = 0; gj < sh; gj++)
      for (let gi = 0; gi < sw; gi++) {
        const a = (gi * SMOKE_GRID - cx) / fx;
        const b = (gj * SMOKE_GRID - cy) / fy;
        const dx = F[0] + a * R[0] - b * U[0];
        const dy = F[1] + a * R[1] - b * U[1];
        const dz = F[2] + a * R[2] - b * U[2];
        const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
        const jitter = hash2(gi, gj, seed);
        let alpha = shader.smokeAlpha(ox, oy, oz, dx, dy, dz, 1e6 / len, jitter);
        if (alpha > 0) {
          // Only rays that cross a plume pay for the terrain hit that hides smoke behind hills.
          const t = intersectTerrain(terrain, ox, oy, oz, dx, dy, dz, MAX_RANGE_M);
          if (!Number.isNaN(t)) alpha = shader.smokeAlpha(ox, oy, oz, dx, dy, dz, t, jitter);
        }
        smokeA[gj * sw + gi] = alpha;
        if (alpha > 0) any = true;
      }
    if (!any) smokeA = null;
  }
  const smokeCol = shader.smokeColour;

  let o = 0;
  for (let j = 0; j < height; j++) {
    const b = (j + 0.5 - cy) / fy;
    const bx = F[0] - b * U[0];
    const by = F[1] - b * U[1];
    const bz = F[2] - b * U[2];
    for (let i = 0; i < width; i++) {
      const a = (i + 0.5 - cx) / fx;
      const dx = bx + a * R[0];
      const dy = by + a * R[1];
      const dz = bz + a * R[2];
      let t: number;
      if (flat) {
        t = dz < 0 ? (z0 - oz) / dz : Number.NaN;
        if (t * Math.sqrt(dx * dx + dy * dy) > MAX_RANGE_M) t = Number.NaN;
      } else t = demRayT(gridT as Float64Array, gw, i, j, terrain, ox, oy, oz, dx, dy, dz, samp);
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (Number.isNaN(t)) {
        shader.sky(dx / len, dy / len, dz / len, col);
      } else {
        const gx = ox + t * dx;
        const gy = oy + t * dy;
        const dist = t * len;
        // Pixel footprint on the ground, stretched by the incidence angle (capped for grazing rays).
        const gsd = (dist / fx) * Math.min(4, len / Math.max(1e-3, -dz));
        if (flat) shader.ground(gx, gy, 0, 0, gsd, col);
        else {
          terrain.sample(gx, gy, samp);
          shader.ground(gx, gy, samp[1] as number, samp[2] as number, gsd, col);
        }
        shader.applyHaze(dist, col);
      }
      if (smokeA) {
        const u = (i + 0.5) / SMOKE_GRID;
        const v = (j + 0.5) / SMOKE_GRID;
        const si = u | 0;
        const sj = v | 0;
        const fu = u - si;
        const fv = v - sj;
        const k = sj * sw + si;
        const a0 = (smokeA[k] as number) + ((smokeA[k + 1] as number) - (smokeA[k] as number)) * fu;
        const a1 = (smokeA[k + sw] as number) + ((smokeA[k + sw + 1] as number) - (smokeA[k + sw] as number)) * fu;
        const alpha = a0 + (a1 - a0) * fv;
        if (alpha > 0) {
          col[0] = (col[0] as number) + (smokeCol[0] - (col[0] as number)) * alpha;
          col[1] = (col[1] as number) + (smokeCol[1] - (col[1] as number)) * alpha;
          col[2] = (col[2] as number) + (smokeCol[2] - (col[2] as number)) * alpha;
        }
      }
      const r = (col[0] as number) * 255;
      const g = (col[1] as number) * 255;
      const bb = (col[2] as number) * 255;
      data[o++] = r < 0 ? 0 : r > 255 ? 255 : r;
      data[o++] = g < 0 ? 0 : g > 255 ? 255 : g;
      data[o++] = bb < 0 ? 0 : bb > 255 ? 255 : bb;
    }
  }
  return { data, width, height };
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
