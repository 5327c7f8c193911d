import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from './demo-shader.ts';
import { demoRiverY } from './demo-world.ts';
import type { Incident } from './incident-schema.ts';
import { Rng } from './random.ts';
import { density, fireFineDetail, plumeMidT, sample, withBox, type Volume } from './volumes.ts';

/** A straw fire's plume blowing toward +x, as the shader would build it. */
function firePlume(seed: number): Volume {
  return withBox({
    kind: 'fire',
    incident: 1,
    tag: null,
    sx: 0,
    sy: 0,
    sz: 100,
    wx: 1,
    wy: 0,
    sigmaQ0: 4,
    sigmaZ0: 2.4,
    growth: 0.12,
    ceilM: 60,
    rise: 1.2,
    lengthM: 200,
    beta: 0.5,
    colour: [0.8, 0.83, 0.88],
    coreColour: [0.56, 0.46, 0.32],
    ageM: 50,
    glow: 0.5,
    glowColour: [1, 0.48, 0.15],
    breakup: 0.8,
    darkening: 0.45,
    columnM: 14,
    seed,
  });
}

// The sun high in the south-east (toward the sun, unit vector).
const SUN = [0.5, -0.3, 0.81] as const;
const sunN = Math.hypot(...SUN);
const [ux, uy, uz] = SUN.map((c) => c / sunN) as [number, number, number];

/** Centreline height of the plume at downwind distance s (as `density` places it). */
function centreZ(v: Volume, s: number): number {
  const sigZ = v.sigmaZ0 + v.growth * s;
  return v.sz + v.ceilM * (1 - Math.exp((-s * v.rise) / v.ceilM)) + sigZ * 0.6;
}

/** Samples over the plume's cross-section (q, z) at downwind distance s, within its core radius. */
function crossSection(
  v: Volume,
  s: number,
  n = 24,
): { density: number; core: number; glow: number; light: number; q: number }[] {
  const sig = v.sigmaZ0 + v.growth * s;
  const sigQ = v.sigmaQ0 + v.growth * s;
  const zc = centreZ(v, s);
  const out: { density: number; core: number; glow: number; light: number; q: number }[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const q = ((i + 0.5) / n - 0.5) * 2 * sigQ;
      const z = zc + ((j + 0.5) / n - 0.5) * 2 * sig;
      density(v, s, q, z, ux, uy, uz);
      out.push({ density: sample.density, core: sample.core, glow: sample.glow, light: sample.light, q });
    }
  return out;
}

/** Density-weighted brownness (red minus blue) of the smoke's colour over a cross-section. */
function brownness(v: Volume, s: number): number {
  let sum = 0;
  let w = 0;
  for (const p of crossSection(v, s)) {
    if (p.density <= 0) continue;
    const r = v.colour[0] + (v.coreColour[0] - v.colour[0]) * p.core;
    const b = v.colour[2] + (v.coreColour[2] - v.colour[2]) * p.core;
    sum += p.density * (r - b);
    w += p.density;
  }
  return sum / w;
}

describe('straw-fire smoke', () => {
  it('is browner near the source than downwind, where it thins to a bluish haze', () => {
    for (const seed of [1, 2, 3]) {
      const v = firePlume(seed);
      const near = brownness(v, 5);
      const far = brownness(v, 150);
      expect(near).toBeGreaterThan(0.12);
      expect(far).toBeLessThan(0.02);
    }
  });

  it('billows: its density is not a smooth Gaussian but has fine structure inside the plume', () => {
    const v = firePlume(4);
    // Along the centreline, in steps much smaller than the plume: second differences (a high-pass)
    // against the mean. A smooth plume (Gaussian times a slow decay) gives almost none.
    const d: number[] = [];
    for (let s = 2; s < 80; s += 0.25) {
      density(v, s, 0, centreZ(v, s), ux, uy, uz);
      d.push(sample.density);
    }
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    let hp = 0;
    for (let i = 1; i + 1 < d.length; i++) hp += (d[i]! - (d[i - 1]! + d[i + 1]!) / 2) ** 2;
    hp /= d.length - 2;
    expect(Math.sqrt(hp) / mean).toBeGreaterThan(0.01);
    // And on a coarser scale, puffs: the density along the axis swings well away from its mean.
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    expect(sd / mean).toBeGreaterThan(0.3);
  });

  it('breaks into puffs downwind: clear gaps open inside its outline, the more the more it breaks up', () => {
    const gaps = (s: number, breakup: number): number => {
      const pts = crossSection(withBox({ ...firePlume(5), breakup }), s, 16);
      return pts.filter((p) => p.density === 0).length / pts.length;
    };
    expect(gaps(150, 1)).toBeGreaterThan(gaps(150, 0) + 0.1);
    expect(gaps(150, 1)).toBeGreaterThan(gaps(10, 1) + 0.1);
  });

  it('glows orange from below over the flame line, not high up or downwind', () => {
    const v = firePlume(6);
    const glowAt = (s: number, dzLo: number, dzHi: number): number => {
      let sum = 0;
      let n = 0;
      for (let q = -6; q <= 6; q += 0.5)
        for (let dz = dzLo; dz <= dzHi; dz += 0.25) {
          density(v, s, q, v.sz + dz, ux, uy, uz);
          if (sample.density <= 0) continue;
          sum += sample.glow;
          n++;
        }
      expect(n).toBeGreaterThan(5);
      return sum / n;
    };
    const low = glowAt(1, 0, 2);
    expect(low).toBeGreaterThan(0.15);
    // The same column higher up, and the plume 60 m downwind.
    expect(glowAt(8, 8, 14)).toBeLessThan(low * 0.2);
    const zc = centreZ(v, 60) - v.sz;
    expect(glowAt(60, zc - 3, zc + 3)).toBeLessThan(low * 0.01);
  });

  it('is brighter on its sun side than on its shaded side', () => {
    const pts = crossSection(firePlume(7), 30).filter((p) => p.density > 0);
    // The sun is toward −y, which for a plume blowing toward +x is its −q side.
    const sunSide = pts.filter((p) => p.q < 0);
    const shade = pts.filter((p) => p.q > 0);
    const mean = (xs: typeof pts): number => xs.reduce((a, p) => a + p.light, 0) / xs.length;
    expect(mean(sunSide)).toBeGreaterThan(mean(shade) + 0.1);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const at = (seed: number): number[] => crossSection(firePlume(seed), 40, 6).map((p) => p.density);
    expect(at(9)).toEqual(at(9));
    expect(at(9)).not.toEqual(at(10));
  });

  it('keeps all its smoke inside its tighter part boxes (rays skip nothing)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: -0.05, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        (seed, fs, fq, fz, rise) => {
          const v = withBox({ ...firePlume(seed), rise, wx: 0.6, wy: 0.8 });
          const s = fs * v.lengthM;
          const sig = v.sigmaZ0 + v.growth * Math.max(0, s);
          const sigQ = v.sigmaQ0 + v.growth * Math.max(0, s);
          const q = fq * 3 * sigQ;
          const x = v.sx + s * v.wx - q * v.wy;
          const y = v.sy + s * v.wy + q * v.wx;
          const z = centreZ(v, Math.max(0, s)) + fz * 3 * sig;
          density(v, x, y, z, ux, uy, uz);
          fc.pre(sample.density > 0);
          const inside = (v.parts ?? [v.box]).some(
            (b) => x >= b[0]! && x <= b[3]! && y >= b[1]! && y <= b[4]! && z >= b[2]! && z <= b[5]!,
          );
          expect(inside).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Shader fire plumes', () => {
  const [lon, lat] = demoLonLat(0, demoRiverY(0) + 100);
  const incidents: Incident[] = [
    { id: 'fire', class: 'straw_burning', lon, lat, radiusM: 12, intensity: 0.9, smoke: 'brown' },
  ];
  const plume = (seed: number): Volume => {
    return demoShader({ incidents, seed }).volumes.find((v) => v.kind === 'fire') as Volume;
  };

  it('draws a grey-brown core, a bluish haze and an orange glow from the seed', () => {
    const a = plume(3);
    const [cr, , cb] = a.coreColour;
    const [hr, , hb] = a.colour;
    expect(cr).toBeGreaterThan(cb + 0.1);
    expect(hb).toBeGreaterThan(hr);
    expect(a.glow).toBeGreaterThan(0);
    expect(a.glowColour[0]).toBeGreaterThan(a.glowColour[2] + 0.5);
    expect(plume(3)).toEqual(a);
    expect(plume(4).coreColour).not.toEqual(a.coreColour);
  });
});

describe('fireFineDetail', () => {
  it('averages about zero, with sub-metre structure', () => {
    const r = new Rng(3);
    let sum = 0;
    let sum2 = 0;
    let step = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const [x, y, z] = [r.range(-200, 200), r.range(-200, 200), r.range(0, 80)];
      const d = fireFineDetail(x, y, z);
      sum += d;
      sum2 += d * d;
      step += Math.abs(fireFineDetail(x + 0.35, y, z) - d);
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(sum2 / n - mean * mean)).toBeGreaterThan(0.1);
    // A third of a metre apart the smoke differs: structure finer than the volume grid's cells.
    expect(step / n).toBeGreaterThan(0.05);
  });
});

describe('a plume downwind', () => {
  it('fades to nothing at its far end instead of stopping at a plane across the wind', () => {
    // Without break-up (its puffs' gaps would make the slices' means jump on their own).
    const v = withBox({ ...firePlume(4), breakup: 0 });
    const mean = (sAt: number): number => {
      const pts = crossSection(v, sAt, 32);
      return pts.reduce((a, p) => a + p.density, 0) / pts.length;
    };
    const at = (f: number): number => mean(f * v.lengthM);
    // Its last 2 % holds almost nothing of what it had before the fade (cut at its length it kept a third).
    expect(at(0.98)).toBeLessThan(0.03 * at(0.68));
    // Smoothly: each 4 % nearer the end takes at most 30 % of what there was where the fade starts.
    for (let f = 0.7; f < 0.97; f += 0.04) expect(at(f) - at(f + 0.04)).toBeLessThan(0.3 * at(0.7));
  });
});

describe('plumeMidT (where per-pixel smoke detail is read)', () => {
  // A camera 150 m off the plume's side, 60 m up, looking across it; rays swept across the plume's image in
  // 0.0005 rad steps (about 8 cm at the plume), sideways and down.
  const v = firePlume(3);
  const o = [60, -150, 160] as const;
  const ray = (yaw: number, pitch: number): [number, number, number] => {
    const cp = Math.cos(pitch);
    return [cp * Math.sin(yaw), cp * Math.cos(yaw), -Math.sin(pitch)];
  };
  /** The ray's interval in an axis-aligned box [x0, y0, z0, x1, y1, z1], or null. */
  const inBox = (b: readonly number[], d: readonly number[]): [number, number] | null => {
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    for (let a = 0; a < 3; a++) {
      const t0 = ((b[a] as number) - (o[a] as number)) / (d[a] as number);
      const t1 = ((b[a + 3] as number) - (o[a] as number)) / (d[a] as number);
      lo = Math.max(lo, Math.min(t0, t1));
      hi = Math.min(hi, Math.max(t0, t1));
    }
    return hi > lo ? [lo, hi] : null;
  };
  /** The point plumeMidT gives, and the middle of the ray's stretch through the tighter boxes (the old rule). */
  const points = (yaw: number, pitch: number): { mid: number[]; parts: number[] } | null => {
    const d = ray(yaw, pitch);
    const whole = inBox(v.box, d);
    if (!whole) return null;
    const t = plumeMidT(v, o[0], o[1], o[2], d[0], d[1], d[2], whole[0], whole[1]);
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const b of v.parts ?? []) {
      const span = inBox(b, d);
      if (span) {
        first = Math.min(first, span[0]);
        last = Math.max(last, span[1]);
      }
    }
    if (!(last > first)) return null;
    const tp = (first + last) / 2;
    return { mid: d.map((c, a) => (o[a] as number) + t * c), parts: d.map((c, a) => (o[a] as number) + tp * c) };
  };

  it('moves smoothly across the image, where the middle of the tighter boxes jumped (straight seams in the smoke)', () => {
    let worstMid = 0;
    let worstParts = 0;
    for (const pitch of [0.28, 0.31, 0.34]) {
      let prev: { mid: number[]; parts: number[] } | null = null;
      for (let yaw = -0.9; yaw < 0.4; yaw += 0.0005) {
        const p = points(yaw, pitch);
        if (p && prev) {
          worstMid = Math.max(worstMid, Math.hypot(...p.mid.map((c, a) => c - (prev!.mid[a] as number))));
          worstParts = Math.max(worstParts, Math.hypot(...p.parts.map((c, a) => c - (prev!.parts[a] as number))));
        }
        prev = p;
      }
    }
    // Measured 0.16 m (the rays' own spacing there: about 0.1 m); the old rule jumped 18.9 m.
    expect(worstMid).toBeLessThan(1);
    expect(worstParts).toBeGreaterThan(5);
  });

  it('lies in the smoke for rays through the plume', () => {
    for (let yaw = -0.6; yaw < 0.2; yaw += 0.01) {
      const d = ray(yaw, 0.31);
      const whole = inBox(v.box, d);
      if (!whole) continue;
      const t = plumeMidT(v, o[0], o[1], o[2], d[0], d[1], d[2], whole[0], whole[1]);
      // The densest point along the ray, stepping 0.25 m: plumeMidT's point lies within the plume's reach (3 σq
      // there, where density cuts it off) of it; the puffs make the densest point wander, and near the fire
      // the column rises steeply, where the axis is taken at the height of the ray's crossing.
      let best = 0;
      let bestT = 0;
      let bestS = 0;
      for (let u = whole[0]; u < whole[1]; u += 0.25) {
        density(v, o[0] + u * d[0], o[1] + u * d[1], o[2] + u * d[2], SUN[0], SUN[1], SUN[2]);
        if (sample.density > best) {
          best = sample.density;
          bestT = u;
          bestS = sample.s;
        }
      }
      if (best > 0.05) expect(Math.abs(t - bestT)).toBeLessThan(3 * (v.sigmaQ0 + v.growth * Math.max(0, bestS)));
    }
  });
});
