/**
 * A dense conifer stand (dark_forest) beside real frames of conifer forest (DeepForest SOAP, YELL): ours was
 * one dark olive, its gaps near-black holes, and it held no dead wood. Real stands have lighter and darker
 * crowns side by side, some of them a blue-grey green; the floor between them shows litter and grass in the
 * shade; pale grey dead snags stand among the crowns and grey logs lie on the floor.
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from '../demo-shader.ts';
import { demoRiverY } from '../demo-world.ts';
import { Shader } from '../shade.ts';
import { Surface } from '../surface.ts';

const Y0 = demoRiverY(0) + 150;

function forest(seed: number): Shader {
  const [lon, lat] = demoLonLat(0, Y0);
  return demoShader({
    distractors: [{ id: 'p', kind: 'dark_forest', lon, lat, lengthM: 200, widthM: 150, headingDeg: 0 }],
    weather: { sunElevationDeg: 60, sunAzimuthDeg: 150, haze: 0.2, season: 'summer' },
    seed,
  });
}

interface Point {
  x: number;
  y: number;
  r: number;
  g: number;
  b: number;
  objH: number;
  leaves: boolean;
  crownX: number;
  crownY: number;
  /** Lit grey level seen from straight above. */
  grey: number;
}

/** The patch's points over a 60 m square, seen from straight above with 5 cm pixels. */
function points(seed: number, step = 0.37): Point[] {
  const sh = forest(seed);
  const s = new Surface();
  const out = new Float64Array(3);
  const pts: Point[] = [];
  for (let x = -30; x <= 30; x += step)
    for (let y = Y0 - 30; y <= Y0 + 30; y += step * 1.1) {
      s.reset();
      sh.surface(x, y, 0, 0, 0, 0.05, s);
      if (s.tag !== Shader.tagOf.dark_forest) continue;
      const vis = sh.sunVisibility(x, y, s.objH, 0.05);
      sh.light(s, 0, 0, vis, 1, 0, 0, -1, out);
      pts.push({
        x,
        y,
        r: s.r,
        g: s.g,
        b: s.b,
        objH: s.objH,
        leaves: s.translucent > 0,
        crownX: sh.crownX,
        crownY: sh.crownY,
        grey: 0.299 * out[0]! + 0.587 * out[1]! + 0.114 * out[2]!,
      });
    }
  return pts;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** What the points show: floor, grey wood, crowns one by one. */
function figures(seed: number) {
  const pts = points(seed);
  const floor = pts.filter((p) => p.objH === 0);
  const crowns = pts.filter((p) => p.leaves);
  // Pale grey wood: no channel far from the others, and light.
  const wood = pts.filter(
    (p) => !p.leaves && p.objH > 0 && Math.max(p.r, p.g, p.b) - Math.min(p.r, p.g, p.b) < 0.04 && p.g > 0.15,
  );
  // Crowns one by one: each crown's mean green, and its blue over green.
  const byCrown = new Map<string, { g: number; b: number; n: number }>();
  for (const p of crowns) {
    const k = `${Math.round(p.crownX)},${Math.round(p.crownY)}`;
    const c = byCrown.get(k) ?? { g: 0, b: 0, n: 0 };
    c.g += p.g;
    c.b += p.b;
    c.n++;
    byCrown.set(k, c);
  }
  const big = [...byCrown.values()].filter((c) => c.n >= 15);
  const gs = big.map((c) => c.g / c.n);
  const mg = mean(gs);
  const cv = Math.sqrt(mean(gs.map((g) => (g - mg) ** 2))) / mg;
  const bluish = big.filter((c) => c.b / c.g > 0.75).length / big.length;
  return {
    floorShare: floor.length / pts.length,
    floorGreen: mean(floor.map((p) => p.g)),
    floorBlack: floor.filter((p) => p.grey < 0.03).length / floor.length,
    woodShare: wood.length / pts.length,
    crownCv: cv,
    bluish,
    crowns: big.length,
  };
}

/**
 * Painted against standing, over a finer grid: logs painted on the floor, a snag's grey wood at crown height,
 * and the floor, each with the height the sun and camera rays meet there (Shader.objectHeight).
 */
function agreement(seed: number) {
  const sh = forest(seed);
  const s = new Surface();
  let logs = 0;
  let logsStand = 0;
  let wood = 0;
  let woodStands = 0;
  let floor = 0;
  let floorFlat = 0;
  for (let x = -30; x <= 30; x += 0.11)
    for (let y = Y0 - 30; y <= Y0 + 30; y += 0.53) {
      s.reset();
      sh.surface(x, y, 0, 0, 0, 0.05, s);
      if (s.tag !== Shader.tagOf.dark_forest || s.translucent > 0) continue;
      const grey = Math.max(s.r, s.g, s.b) - Math.min(s.r, s.g, s.b) < 0.04 && s.g > 0.1;
      const h = sh.objectHeight(x, y);
      if (grey && s.objH > 0 && s.objH <= 0.2) {
        logs++;
        if (h > 0 && h <= 0.2) logsStand++;
      } else if (grey && s.objH > 2) {
        wood++;
        if (h > 2) woodStands++;
      } else if (s.objH === 0) {
        floor++;
        if (h === 0) floorFlat++;
      }
    }
  return {
    logs,
    logsStand: logsStand / logs,
    wood,
    woodStands: woodStands / wood,
    floor,
    floorFlat: floorFlat / floor,
  };
}

const SEEDS = [3, 8];
const seen = new Map(SEEDS.map((seed) => [seed, figures(seed)]));

describe('a dark conifer stand from straight above, in a summer sun', () => {
  it('shows its floor in the gaps, dark but not black: litter and grass in the shade', () => {
    for (const seed of SEEDS) {
      const f = seen.get(seed)!;
      expect(f.floorShare).toBeGreaterThan(0.03);
      // seed 3: 0.97 of the floor's points under grey 0.03 before (a near-black floor, shut in), 0.29 now
      expect(f.floorBlack).toBeLessThan(0.6);
      // Albedo (green): 0.08 before, 0.14 now
      expect(f.floorGreen).toBeGreaterThan(0.1);
    }
  });

  it('has lighter and darker crowns side by side, some of them a blue-grey green', () => {
    for (const seed of SEEDS) {
      const f = seen.get(seed)!;
      expect(f.crowns).toBeGreaterThan(100);
      // Spread of the crowns' mean green over its mean; seed 3: 0.09 before, 0.15 now
      expect(f.crownCv).toBeGreaterThan(0.13);
      // Crowns with blue over green above 0.75: none before, 0.2 now
      expect(f.bluish).toBeGreaterThan(0.1);
    }
  });

  it('holds pale grey dead snags among the crowns', () => {
    // Points of grey wood standing or lying: none before, 0.03 now
    for (const seed of SEEDS) expect(seen.get(seed)!.woodShare).toBeGreaterThan(0.01);
  });

  it('stands what it paints: a snag’s wood and a log on the floor stand for the sun, the floor between nothing', () => {
    for (const seed of SEEDS) {
      const a = agreement(seed);
      expect(a.logs).toBeGreaterThan(10);
      expect(a.logsStand).toBe(1);
      // A snag's sparse rim stands nothing (its branches are painted in the light at the crown's height).
      expect(a.wood).toBeGreaterThan(500);
      expect(a.woodStands).toBeGreaterThan(0.9);
      expect(a.floorFlat).toBeGreaterThan(0.98);
    }
  });
});
