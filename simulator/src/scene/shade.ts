/**
 * Colour of the world along one camera ray: ground classes with procedural textures, planted
 * incidents painted over them, sun shading on the terrain, smoke plumes in 3D, haze and sky.
 * All textures are functions of scene-frame ground position and the scene seed.
 */
import type { IncidentShape } from './incident-shape.ts';
import { enToSQ, plumeWidth } from './incident-shape.ts';
import { GROUND } from './layers.ts';
import { fbm, hash2, valueNoise } from './noise.ts';
import { CROP_COLOUR, PALETTE, cropState, type CropState, type RGB, type SeasonPalette } from './palette.ts';
import { LEVEL_CELL_M, TILE_CELLS, levelForGsd, type GroundTile } from './raster.ts';
import type { Scene } from './scene.ts';

const DEG = Math.PI / 180;
const TAU = 2 * Math.PI;

/** An incident prepared for per-pixel tests in the scene frame. */
interface PreparedIncident {
  shape: IncidentShape;
  cx: number;
  cy: number;
  sinH: number;
  cosH: number;
  boundM: number;
  seed: number;
}

/** A smoke plume: a bent Gaussian tube drifting downwind and rising to a ceiling. */
interface Plume {
  sx: number;
  sy: number;
  sz: number;
  /** Downwind unit vector. */
  wx: number;
  wy: number;
  sigma0: number;
  lengthM: number;
  rise: number;
  ceilM: number;
  beta: number;
  box: [number, number, number, number, number, number];
  seed: number;
}

interface FieldLook {
  state: CropState;
  cosA: number;
  sinA: number;
  periodM: number;
  tint: number;
}

function mix(out: Float64Array, c: RGB, k: number): void {
  out[0] = (out[0] as number) + (c[0] - (out[0] as number)) * k;
  out[1] = (out[1] as number) + (c[1] - (out[1] as number)) * k;
  out[2] = (out[2] as number) + (c[2] - (out[2] as number)) * k;
}

function set(out: Float64Array, c: RGB, k = 1): void {
  out[0] = c[0] * k;
  out[1] = c[1] * k;
  out[2] = c[2] * k;
}

const SCORCH: RGB = [0.3, 0.24, 0.16];
const FLAME_A: RGB = [1.0, 0.5, 0.08];
const FLAME_B: RGB = [1.0, 0.86, 0.35];
const SOIL_A: RGB = [0.74, 0.5, 0.31];
const SOIL_B: RGB = [0.84, 0.66, 0.45];
const SOIL_RILL: RGB = [0.5, 0.32, 0.2];
const SEWAGE: RGB = [0.15, 0.13, 0.1];
const FOAM: RGB = [0.72, 0.7, 0.62];
const PIPE: RGB = [0.56, 0.56, 0.53];
const ROOFS: RGB[] = [
  [0.42, 0.44, 0.47],
  [0.3, 0.32, 0.36],
  [0.62, 0.36, 0.28],
  [0.75, 0.74, 0.72],
  [0.35, 0.45, 0.55],
];
const COURTYARD: RGB = [0.62, 0.6, 0.56];

export class Shader {
  private readonly pal: SeasonPalette;
  private readonly seed: number;
  private readonly incidents: PreparedIncident[];
  readonly plumes: Plume[];
  private readonly fields = new Map<number, FieldLook>();
  /** Sun direction (unit, toward the sun). */
  private readonly sunX: number;
  private readonly sunY: number;
  private readonly sunZ: number;
  private readonly sunRef: number;
  private readonly warm: number;
  private readonly visibilityM: number;
  readonly hazeColour: RGB;
  private readonly haze: number;
  // Single-tile memo for raster lookups.
  /** Emissive weight of the current pixel (flames ignore sun shading). */
  private emissive = 0;
  private memoTile: GroundTile | null = null;
  private memoX0 = 0;
  private memoY0 = 0;
  private memoCell = 1;
  private memoLevel = -1;
  private memoTx = 0;
  private memoTy = 0;

  constructor(
    private readonly scene: Scene,
    incidents: readonly IncidentShape[],
    /** Ground elevation at a scene-frame point, for plume bases. */
    groundZ: (x: number, y: number) => number,
  ) {
    const w = scene.weather;
    this.pal = PALETTE[w.season];
    this.seed = scene.seed;
    const el = Math.max(2, w.sunElevationDeg) * DEG;
    const az = w.sunAzimuthDeg * DEG;
    this.sunX = Math.cos(el) * Math.sin(az);
    this.sunY = Math.cos(el) * Math.cos(az);
    this.sunZ = Math.sin(el);
    this.sunRef = Math.max(0.2, this.sunZ);
    this.warm = w.sunElevationDeg < 25 ? (25 - Math.max(0, w.sunElevationDeg)) / 25 : 0;
    this.haze = w.haze;
    this.visibilityM = 30000 * Math.exp(-3 * w.haze);
    this.hazeColour = [0.74 + 0.06 * w.haze, 0.78 + 0.02 * w.haze, 0.84 - 0.06 * w.haze];
    this.incidents = incidents.map((shape, i) => {
      const [cx, cy] = scene.frame.toLocal(shape.lon, shape.lat);
      const bound =
        shape.shape === 'disc'
          ? shape.radiusM
          : shape.shape === 'rect'
            ? Math.hypot(shape.lengthM, shape.widthM) / 2
            : shape.lengthM + shape.widthM + 2;
      return {
        shape,
        cx,
        cy,
        sinH: Math.sin(shape.headingDeg * DEG),
        cosH: Math.cos(shape.headingDeg * DEG),
        boundM: bound * 1.25 + 2,
        seed: this.seed * 31 + i * 977 + 13,
      };
    });
    const downwind = ((w.windDirDeg ?? 0) + 180) * DEG;
    const wx = Math.sin(downwind);
    const wy = Math.cos(downwind);
    const windMps = w.windMps ?? 2;
    this.plumes = this.incidents
      .filter((p) => p.shape.cls === 'straw_burning' && p.shape.intensity > 0.05)
      .map((p) => {
        const r = p.shape.shape === 'disc' ? p.shape.radiusM : Math.min(p.shape.lengthM, p.shape.widthM) / 2;
        const I = p.shape.intensity;
        const sx = p.cx + wx * r * 0.5;
        const sy = p.cy + wy * r * 0.5;
        const sz = groundZ(sx, sy);
        const sigma0 = Math.max(2, 0.4 * r);
        const lengthM = 60 + 220 * I;
        const ceilM = 30 + 70 * I;
        const rise = 1.6 / (0.6 + windMps);
        const sigmaEnd = sigma0 + 0.2 * lengthM;
        const m = 3 * sigmaEnd;
        const ex = [sx - wx * sigma0 * 2, sx + wx * lengthM];
        const ey = [sy - wy * sigma0 * 2, sy + wy * lengthM];
        const box: Plume['box'] = [
          Math.min(...ex) - m,
          Math.min(...ey) - m,
          sz - 5,
          Math.max(...ex) + m,
          Math.max(...ey) + m,
          sz + ceilM + m,
        ];
        return { sx, sy, sz, wx, wy, sigma0, lengthM, rise, ceilM, beta: 0.09 * I, box, seed: p.seed };
      });
  }

  private field(index: number, rand: number): FieldLook {
    let f = this.fields.get(index);
    if (!f) {
      const a = hash2(index, 3, this.seed) * Math.PI;
      f = {
        state: cropState(this.scene.weather.season, rand),
        cosA: Math.cos(a),
        sinA: Math.sin(a),
        periodM: 0.45 + 0.5 * hash2(index, 5, this.seed),
        tint: hash2(index, 7, this.seed) - 0.5,
      };
      this.fields.set(index, f);
    }
    return f;
  }

  /** Ground class, feature and aux of the cell under (x, y) at the level for `gsdM`. */
  private lookup(x: number, y: number, gsdM: number): number {
    const level = levelForGsd(gsdM);
    const cell = LEVEL_CELL_M[level] ?? 16;
    const span = cell * TILE_CELLS;
    const tx = Math.floor(x / span);
    const ty = Math.floor(y / span);
    if (level !== this.memoLevel || tx !== this.memoTx || ty !== this.memoTy || !this.memoTile) {
      this.memoTile = this.scene.raster.tile(level, tx, ty);
      this.memoLevel = level;
      this.memoTx = tx;
      this.memoTy = ty;
      this.memoX0 = tx * span;
      this.memoY0 = ty * span;
      this.memoCell = cell;
    }
    const i = Math.min(TILE_CELLS - 1, Math.floor((x - this.memoX0) / this.memoCell));
    const j = Math.min(TILE_CELLS - 1, Math.floor((y - this.memoY0) / this.memoCell));
    return j * TILE_CELLS + i;
  }

  /**
   * Colour of the ground at scene point (x, y) (elevation z, slope hx, hy) seen with a pixel
   * footprint of gsdM metres, written to out[0..2] before haze.
   */
  ground(x: number, y: number, hx: number, hy: number, gsdM: number, out: Float64Array): void {
    const seed = this.seed;
    const pal = this.pal;
    // Small domain warp so class edges of the raster look organic rather than stair-stepped.
    const wob = 0.35 * Math.min(1, Math.max(0, (0.6 - gsdM) / 0.2));
    const wx = wob ? x + (valueNoise(x * 0.7, y * 0.7, seed + 101) - 0.5) * wob : x;
    const wy = wob ? y + (valueNoise(x * 0.7, y * 0.7, seed + 103) - 0.5) * wob : y;
    const k = this.lookup(wx, wy, gsdM);
    const tile = this.memoTile as GroundTile;
    const cls = tile.cls[k] as number;
    const featIndex = tile.feat[k] as number;
    const aux = tile.aux[k] as number;
    const detail = gsdM * 1.5;
    this.emissive = 0;
    switch (cls) {
      case GROUND.forest: {
        const crowns = fbm(x, y, seed + 11, 6, 4, detail);
        const patch = valueNoise(x / 40, y / 40, seed + 12);
        set(out, pal.forest, 0.65 + 0.7 * crowns);
        if (patch > 0.62) mix(out, pal.forestAccent, (patch - 0.62) * 1.6);
        break;
      }
      case GROUND.farmland: {
        const feature = this.scene.raster.feature(featIndex);
        const f = this.field(featIndex, feature?.rand ?? 0.5);
        set(out, CROP_COLOUR[f.state], 1 + f.tint * 0.12);
        const across = x * f.cosA + y * f.sinA;
        const along = -x * f.sinA + y * f.cosA;
        const rowAmp = Math.max(0, Math.min(1, (f.periodM / gsdM - 2) / 4));
        let k2 = 0.88 + 0.14 * fbm(x, y, seed + 21, 25, 3, detail) + 0.1 * fbm(x, y, seed + 22, 2, 3, detail) - 0.05;
        // Harvester / tractor passes: broad stripes along the rows.
        const swath = 2.2 + f.tint * 1.5;
        const swathAmp = Math.min(1, Math.max(0, (swath / gsdM - 3) / 3));
        if (swathAmp > 0 && (f.state === 'stubble' || f.state === 'golden' || f.state === 'bare'))
          k2 += 0.05 * swathAmp * Math.sin((TAU * across) / swath);
        if (rowAmp > 0) {
          const row = Math.sin((TAU * across) / f.periodM);
          const depth = f.state === 'flooded' ? 0.05 : f.state === 'stubble' || f.state === 'bare' ? 0.16 : 0.12;
          k2 += depth * rowAmp * row;
          if (f.state === 'stubble' && gsdM < 0.08)
            k2 += 0.12 * (valueNoise(along / 0.6, across / 0.08, seed + 23) - 0.5);
        }
        out[0] = (out[0] as number) * k2;
        out[1] = (out[1] as number) * k2;
        out[2] = (out[2] as number) * k2;
        break;
      }
      case GROUND.water: {
        // Sediment along the banks, deeper green-blue in the channel, slow swirls.
        const rel = aux / 255;
        set(out, pal.waterDeep);
        const swirl = fbm(x, y, seed + 31, 30, 3, detail);
        mix(out, pal.waterSediment, Math.min(1, Math.pow(rel, 3) * 0.9 + (swirl - 0.5) * 0.3 + 0.1));
        break;
      }
      case GROUND.bank: {
        const g = fbm(x, y, seed + 41, 3, 4, detail);
        set(out, pal.bank, 0.8 + 0.35 * g);
        if (valueNoise(x / 8, y / 8, seed + 42) > 0.68) mix(out, pal.grass, 0.6);
        break;
      }
      case GROUND.road: {
        set(out, pal.road, 0.92 + 0.12 * fbm(x, y, seed + 51, 4, 3, detail));
        break;
      }
      case GROUND.village: {
        this.village(x, y, featIndex, gsdM, out);
        break;
      }
      default: {
        const g = fbm(x, y, seed + 61, 20, 6, detail);
        set(out, pal.grass, 0.72 + 0.56 * g);
        // Scattered trees and scrub with soft edges.
        const trees = fbm(x, y, seed + 62, 14, 3, detail);
        if (trees > 0.6) {
          const k = Math.min(1, (trees - 0.6) * 12);
          mix(out, pal.forest, k * (0.7 + 0.6 * fbm(x, y, seed + 63, 3, 3, detail)));
        }
        break;
      }
    }
    if (this.incidents.length) this.paintIncidents(x, y, cls, gsdM, out);
    this.light(hx, hy, out);
  }

  private village(x: number, y: number, featIndex: number, gsdM: number, out: Float64Array): void {
    const a = hash2(featIndex, 9, this.seed) * Math.PI * 0.5;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const u = x * c + y * s;
    const v = -x * s + y * c;
    const lot = 14;
    const iu = Math.floor(u / lot);
    const iv = Math.floor(v / lot);
    const fu = u / lot - iu;
    const fv = v / lot - iv;
    const h = hash2(iu, iv, this.seed + featIndex);
    if (h < 0.18) {
      set(out, COURTYARD, 0.9 + 0.15 * valueNoise(x / 2, y / 2, this.seed + 71));
      return;
    }
    const bw = 0.55 + 0.3 * hash2(iu, iv, this.seed + 72);
    const bh = 0.5 + 0.35 * hash2(iu, iv, this.seed + 73);
    if (fu > 0.08 && fu < 0.08 + bw && fv > 0.08 && fv < 0.08 + bh) {
      const roof = ROOFS[Math.floor(hash2(iu, iv, this.seed + 74) * ROOFS.length)] ?? ROOFS[0]!;
      // Gable roof: the two halves catch the sun differently.
      const ridge = (fv - 0.08) / bh < 0.5 ? 1.08 : 0.86;
      set(out, roof, gsdM < 1 ? ridge : 0.97);
    } else set(out, COURTYARD, 0.85 + 0.1 * valueNoise(x / 3, y / 3, this.seed + 75));
  }

  private paintIncidents(x: number, y: number, cls: number, gsdM: number, out: Float64Array): void {
    for (const p of this.incidents) {
      const e = x - p.cx;
      const n = y - p.cy;
      if (e > p.boundM || e < -p.boundM || n > p.boundM || n < -p.boundM) continue;
      const [s, q] = enToSQ(p.shape, e, n);
      const shape = p.shape;
      const edge = valueNoise(x / 4, y / 4, p.seed) - 0.5;
      if (shape.cls === 'sewage_outfall') {
        this.paintSewage(p, s, q, x, y, cls, edge, out);
        continue;
      }
      const rho =
        shape.shape === 'disc'
          ? Math.sqrt(s * s + q * q) / shape.radiusM
          : Math.max(Math.abs(s) / (shape.lengthM / 2), Math.abs(q) / (shape.widthM / 2));
      const r = rho + edge * 0.16;
      if (shape.cls === 'straw_burning') {
        if (r > 1.12) continue;
        if (r > 1) {
          mix(out, SCORCH, 0.5 * (1.12 - r) * 8.3 * 0.6);
          continue;
        }
        const ash = fbm(x, y, p.seed + 1, 5, 3, gsdM * 1.5);
        const dark = 0.07 + 0.17 * ash;
        out[0] = dark * 1.05;
        out[1] = dark;
        out[2] = dark * 0.92;
        // Fire front on the downwind rim.
        const along = shape.shape === 'disc' ? s / Math.max(1e-6, Math.sqrt(s * s + q * q)) : s > 0 ? 1 : -1;
        if (shape.intensity > 0.05 && r > 0.86 && along > 0.1) {
          const flicker = valueNoise(x / 1.5, y / 1.5, p.seed + 2);
          const k = Math.min(1, (r - 0.86) / 0.08) * shape.intensity;
          const flame: RGB = flicker > 0.5 ? FLAME_B : FLAME_A;
          mix(out, flame, k * (0.6 + 0.4 * flicker));
          this.emissive = k;
        }
      } else {
        // Exposed slope: red-ochre soil with rills running downhill (along s).
        if (r > 1.05) continue;
        const I = shape.intensity;
        const soil = fbm(x, y, p.seed + 3, 8, 4, gsdM * 1.5);
        const base: RGB = [
          SOIL_A[0] + (SOIL_B[0] - SOIL_A[0]) * soil,
          SOIL_A[1] + (SOIL_B[1] - SOIL_A[1]) * soil,
          SOIL_A[2] + (SOIL_B[2] - SOIL_A[2]) * soil,
        ];
        const blend = r > 1 ? (1.05 - r) * 20 : 1;
        mix(out, base, blend * (0.55 + 0.45 * I));
        if (gsdM < 0.6) {
          const wig = valueNoise(s / 6, q / 6, p.seed + 4) * 2;
          const rill = Math.pow(Math.abs(Math.sin(Math.PI * (q / 2.2 + wig))), 12);
          mix(out, SOIL_RILL, rill * 0.7 * blend);
        }
        if (valueNoise(x / 3, y / 3, p.seed + 5) > 0.8 - 0.1 * (1 - I)) mix(out, this.pal.grass, 0.5);
      }
    }
  }

  private paintSewage(
    p: PreparedIncident,
    s: number,
    q: number,
    x: number,
    y: number,
    cls: number,
    edge: number,
    out: Float64Array,
  ): void {
    const shape = p.shape;
    // The outfall pipe on the bank.
    const dPipe = Math.sqrt(s * s + q * q);
    if (dPipe < 0.9) {
      if (dPipe < 0.4) set(out, [0.08, 0.08, 0.08]);
      else set(out, PIPE);
      return;
    }
    if (s < -1 || s > shape.lengthM * 1.1) return;
    const w = plumeWidth(shape, s);
    let lat: number;
    if (shape.side === 0) lat = Math.abs(q) / (w / 2);
    else {
      const qq = q * shape.side;
      if (qq < -1.5) return;
      lat = Math.max(0, qq) / w;
    }
    const swirl = valueNoise(s / 6, q / 2, p.seed + 6);
    const r = Math.max(lat, s / shape.lengthM) + edge * 0.2 + (swirl - 0.5) * 0.25;
    if (r > 1) return;
    const conc = shape.intensity * (1 - 0.55 * (s / shape.lengthM)) * Math.min(1, (1 - r) * 4);
    const onWater = cls === GROUND.water;
    mix(out, SEWAGE, Math.min(0.92, conc * (onWater ? 1 : 0.6)));
    if (onWater && s < shape.lengthM * 0.2 && valueNoise(x / 1.2, y / 1.2, p.seed + 7) > 0.72)
      mix(out, FOAM, 0.6 * shape.intensity);
  }

  /** Sun shading on a slope (hx, hy = ∂h/∂x, ∂h/∂y), exposure-normalised so flat ground is ~1. */
  private light(hx: number, hy: number, out: Float64Array): void {
    const nl = 1 / Math.sqrt(hx * hx + hy * hy + 1);
    const dot = (-hx * this.sunX - hy * this.sunY + this.sunZ) * nl;
    let l = 0.45 + (0.55 * Math.max(0, dot)) / this.sunRef;
    if (l > 1.5) l = 1.5;
    const lr = l + (1 - l) * this.emissive;
    out[0] = (out[0] as number) * lr;
    out[1] = (out[1] as number) * lr * (1 - 0.05 * this.warm);
    out[2] = (out[2] as number) * lr * (1 - 0.15 * this.warm);
  }

  /** Blend atmospheric haze over `out` for a surface `distM` away. */
  applyHaze(distM: number, out: Float64Array): void {
    const k = Math.min(1, 1 - Math.exp((-3 * distM) / this.visibilityM) + this.haze * 0.06);
    mix(out, this.hazeColour, k);
  }

  /** Sky colour along a unit direction. */
  sky(dx: number, dy: number, dz: number, out: Float64Array): void {
    const up = Math.max(0, dz);
    const t = Math.pow(up, 0.45);
    const h = this.hazeColour;
    const zen: RGB = [0.3 + 0.3 * this.haze, 0.5 + 0.2 * this.haze, 0.85 - 0.05 * this.haze];
    out[0] = h[0] + (zen[0] - h[0]) * t;
    out[1] = h[1] + (zen[1] - h[1]) * t;
    out[2] = h[2] + (zen[2] - h[2]) * t;
    const cosSun = dx * this.sunX + dy * this.sunY + dz * this.sunZ;
    if (cosSun > 0.9) {
      const g = Math.pow((cosSun - 0.9) * 10, 8) * 0.8;
      out[0] = (out[0] as number) + g;
      out[1] = (out[1] as number) + g * 0.95;
      out[2] = (out[2] as number) + g * 0.85;
    }
  }

  /** Colour of sunlit smoke. */
  get smokeColour(): RGB {
    const shade = 0.62 + 0.2 * this.sunZ;
    return [0.8 * shade + 0.1, 0.79 * shade + 0.1, 0.77 * shade + 0.1];
  }

  /**
   * Opacity of all smoke plumes along the ray origin + t·dir for t in [0, tEnd]; `jitter` in [0, 1)
   * de-bands the samples.
   */
  smokeAlpha(
    ox: number,
    oy: number,
    oz: number,
    dx: number,
    dy: number,
    dz: number,
    tEnd: number,
    jitter: number,
  ): number {
    let tau = 0;
    const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    for (const pl of this.plumes) {
      const b = pl.box;
      // Slab test against the plume's bounding box.
      let t0 = 0;
      let t1 = tEnd;
      for (let axis = 0; axis < 3; axis++) {
        const o = axis === 0 ? ox : axis === 1 ? oy : oz;
        const d = axis === 0 ? dx : axis === 1 ? dy : dz;
        const lo = b[axis] as number;
        const hi = b[axis + 3] as number;
        if (Math.abs(d) < 1e-12) {
          if (o < lo || o > hi) {
            t0 = 1;
            t1 = 0;
          }
        } else {
          let a = (lo - o) / d;
          let c = (hi - o) / d;
          if (a > c) [a, c] = [c, a];
          if (a > t0) t0 = a;
          if (c < t1) t1 = c;
        }
        if (t0 >= t1) break;
      }
      if (t0 >= t1) continue;
      const steps = 12;
      const dt = (t1 - t0) / steps;
      for (let i = 0; i < steps; i++) {
        const t = t0 + (i + jitter) * dt;
        const px = ox + t * dx - pl.sx;
        const py = oy + t * dy - pl.sy;
        const pz = oz + t * dz - pl.sz;
        const s = px * pl.wx + py * pl.wy;
        if (s < -2 * pl.sigma0 || s > pl.lengthM) continue;
        const q = -px * pl.wy + py * pl.wx;
        const sig = pl.sigma0 + 0.2 * Math.max(0, s);
        const hc = Math.min(pl.ceilM, Math.max(0, s) * pl.rise) + sig * 0.5;
        const r2 = (q * q + (pz - hc) * (pz - hc)) / (sig * sig);
        if (r2 > 9) continue;
        const puff = 0.3 + 1.4 * valueNoise((px + py) / 9, (pz - s * 0.3) / 7, pl.seed + 8);
        const dens =
          pl.beta * (pl.sigma0 / sig) * Math.exp(-0.5 * r2) * Math.exp(-1.5 * (Math.max(0, s) / pl.lengthM)) * puff;
        tau += dens * dt * len;
      }
    }
    return tau > 0 ? 1 - Math.exp(-tau) : 0;
  }
}
