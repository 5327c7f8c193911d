/**
 * Construction sites (issue 15): what a Chinese building site is drawn with (netting, hoarding, offices,
 * concrete, machines), drawn per site from its seed, and no phantom shadows: a pad painted over woodland
 * hides the crowns, so they cast no shadow on it.
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from '../demo-shader.ts';
import { demoLayers, demoRiverY } from '../demo-world.ts';
import { buildScene } from '../scene.ts';
import type { Distractor } from '../distractor-schema.ts';
import { Shader } from '../shade.ts';
import { Surface } from '../surface.ts';
import { shadeConstruction, siteHeight, sitePlan } from './construction.ts';

const Y0 = demoRiverY(0) + 150;
const HIGH_SUN = { sunElevationDeg: 80, sunAzimuthDeg: 150, haze: 0.2, season: 'summer' as const };

function distractor(id: string, kind: Distractor['kind'], lengthM: number, widthM: number): Distractor {
  const [lon, lat] = demoLonLat(0, Y0);
  return { id, kind, lon, lat, lengthM, widthM, headingDeg: 0 };
}

/** A site of 60 × 40 m painted over (after) a sparse-canopy patch that covers it, as in val-000106. */
function siteOverWoodland(seed: number): Shader {
  return demoShader({
    distractors: [distractor('w', 'sparse_canopy', 200, 200), distractor('c', 'construction_site', 60, 40)],
    weather: HIGH_SUN,
    seed,
  });
}

/** The demo world with a construction layer polygon of l × w m (east × north) centred at (0, Y0). */
function layerShader(l: number, w: number): Shader {
  const ring = [
    [-l / 2, Y0 - w / 2],
    [l / 2, Y0 - w / 2],
    [l / 2, Y0 + w / 2],
    [-l / 2, Y0 + w / 2],
    [-l / 2, Y0 - w / 2],
  ].map(([x, y]) => demoLonLat(x as number, y as number));
  const site = {
    type: 'Feature' as const,
    id: 'site',
    properties: {},
    geometry: { type: 'Polygon' as const, coordinates: [ring] },
  };
  const layers = { ...demoLayers(), construction: { type: 'FeatureCollection' as const, features: [site] } };
  return new Shader(buildScene({ layers, weather: HIGH_SUN, seed: 4 }), [], () => 0);
}

describe('construction site', () => {
  it('casts no shadow of the woodland it paints over: its flat ground is in full sun', () => {
    for (const seed of [3, 8, 21]) {
      const sh = siteOverWoodland(seed);
      const s = new Surface();
      let flat = 0;
      let sun = 0;
      // Heading 0: the site's length runs north (y), its width east (x).
      for (let x = -17; x <= 17; x += 0.8)
        for (let y = Y0 - 27; y <= Y0 + 27; y += 0.9) {
          sh.surface(x, y, 0, 0, 0, 0.05, s);
          expect(s.tag).toBe(Shader.tagOf.construction_site);
          if (s.objH > 0) continue;
          flat++;
          sun += sh.sunVisibility(x, y, 0, 0.05);
        }
      // A high sun: only the hoarding, offices, machines, stacks and heaps (each a few metres tall) shade
      // the pad, a narrow strip beside each; the crowns under the pad shaded about half of it before.
      expect(flat).toBeGreaterThan(1000);
      expect(sun / flat).toBeGreaterThan(0.93);
    }
  });

  it('a stream painted over a forest patch hides its trees too: no tree stands in the water', () => {
    const [lon, lat] = demoLonLat(0, Y0);
    const sh = demoShader({
      distractors: [
        distractor('f', 'dark_forest', 200, 200),
        { id: 't', kind: 'clean_tributary', lon, lat, lengthM: 80, widthM: 4, headingDeg: 90 },
      ],
      weather: HIGH_SUN,
      seed: 3,
    });
    const s = new Surface();
    let water = 0;
    for (let x = 2; x <= 78; x += 0.7)
      for (let y = Y0 - 6; y <= Y0 + 6; y += 0.3) {
        // At the shadow lattice's own footprint, so the stream's wiggle is read as objectHeight reads it.
        sh.surface(x, y, 0, 0, 0, 0.25, s);
        if (s.tag !== Shader.tagOf.clean_tributary) continue;
        water++;
        expect(sh.objectHeight(x, y)).toBe(0);
      }
    expect(water).toBeGreaterThan(300);
  });

  it('casts shadows of what it draws standing: heights where the surface stands, none where it is flat', () => {
    const sh = siteOverWoodland(3);
    const s = new Surface();
    let standing = 0;
    for (let x = -19.5; x <= 19.5; x += 0.5)
      for (let y = Y0 - 29.5; y <= Y0 + 29.5; y += 0.5) {
        sh.surface(x, y, 0, 0, 0, 0.05, s);
        const h = sh.objectHeight(x, y);
        if (s.objH === 0) expect(h).toBe(0);
        else {
          standing++;
          expect(h).toBeGreaterThan(0);
        }
      }
    expect(standing).toBeGreaterThan(100);
  });

  it('draws each site from its seed: netting over 0–90 % of the ground, most sites mostly netted', () => {
    const sh = siteOverWoodland(3);
    let netted = 0;
    const panels = new Set<string>();
    for (let salt = 0; salt < 200; salt++) {
      const p = sitePlan(sh, salt, 60, 40);
      expect(sitePlan(sh, salt, 60, 40)).toBe(p);
      expect(p.netShare).toBeGreaterThanOrEqual(0);
      expect(p.netShare).toBeLessThanOrEqual(0.9);
      if (p.netShare >= 0.35) netted++;
      panels.add(String(p.panel));
      expect(p.heaps.length).toBeGreaterThanOrEqual(2);
      expect(p.trucks.length).toBeGreaterThanOrEqual(1);
      // A hoarding all round, 2.5 m, with one gate in it.
      let wall = 0;
      for (let t = -0.45; t <= 0.45; t += 0.05)
        for (const [u, v] of [
          [t * 60, 19.5],
          [t * 60, -19.5],
          [29.5, t * 40],
          [-29.5, t * 40],
        ] as const)
          if (siteHeight(p, u, v) === 2.5) wall++;
      expect(wall).toBeGreaterThan(66);
      expect(wall).toBeLessThan(76);
    }
    expect(netted / 200).toBeGreaterThan(0.7);
    expect(panels.size).toBe(2);
    expect(sitePlan(sh, 1, 60, 40).heaps).not.toEqual(sitePlan(sh, 2, 60, 40).heaps);
    // The geodata layer's lots have no hoarding of their own.
    expect(sitePlan(sh, 1, 60, 40, false).panel).toBeNull();
  });

  it('shows green netting, concrete grey and site offices, not an even earth-coloured pad', () => {
    const s = new Surface();
    let n = 0;
    let green = 0;
    let grey = 0;
    let roof = 0;
    for (const seed of [3, 8, 21, 34, 55]) {
      const sh = siteOverWoodland(seed);
      for (let x = -19; x <= 19; x += 0.7)
        for (let y = Y0 - 29; y <= Y0 + 29; y += 0.7) {
          sh.surface(x, y, 0, 0, 0, 0.05, s);
          n++;
          if (s.g > s.r * 1.15 && s.g > s.b * 1.15) green++;
          else if (Math.abs(s.r - s.b) < 0.05 && s.r > 0.5) grey++;
          else if (s.b > s.r * 1.5 && s.objH > 2) roof++;
        }
    }
    expect(green / n).toBeGreaterThan(0.15);
    expect(grey / n).toBeGreaterThan(0.03);
    expect(roof / n).toBeGreaterThan(0.005);
  });

  it('draws slab joints and hoarding posts as their share of a coarse pixel, not as dashes', () => {
    const sh = siteOverWoodland(3);
    const s = new Surface();
    // A site with a plain slab (kind 0) inside a hoarding.
    let p = sitePlan(sh, 0, 60, 40);
    for (let salt = 1; p.concreteKind !== 0 || !p.panel; salt++) p = sitePlan(sh, salt, 60, 40);
    const c = p.concrete;
    const brightness = (u: number, v: number, gsd: number): number => {
      shadeConstruction(sh, s, u, v, gsd, u, v, p, 1, 0, 0, 1);
      return s.r + s.g + s.b;
    };
    // Across the slab's bays (mid-bay in v) and along the hoarding's north side, 5 cm at a time.
    const vMid = c.v0 + 3;
    const wallV = p.w / 2 - 0.8;
    for (const [v, u0, u1, dark] of [
      [vMid, c.u0 + 1, c.u1 - 1, 0.3],
      [wallV, -p.l / 4, p.l / 4, 0.25],
    ] as const) {
      // At 1 cm pixels the lines are there: samples darker by their whole darkening.
      const fine: number[] = [];
      for (let u = u0; u <= u1; u += 0.01) fine.push(brightness(u, v, 0.01));
      const median = [...fine].sort((a, b) => a - b)[fine.length >> 1]!;
      expect(fine.filter((b) => b < median * (1 - dark * 0.8)).length).toBeGreaterThan(10);
      // At half-metre pixels stepping 5 cm moves a pixel by a tenth of a line's share at most: no jump from
      // a pixel on a line to one beside it, and no pixel as dark as the line itself.
      let prev = Number.NaN;
      let jump = 0;
      for (let u = u0; u <= u1; u += 0.05) {
        const b = brightness(u, v, 0.5);
        expect(b).toBeGreaterThan(median * (1 - dark * 0.6));
        if (prev === prev) jump = Math.max(jump, Math.abs(b - prev) / prev);
        prev = b;
      }
      expect(jump).toBeLessThan(dark * 0.25);
    }
  });

  it('draws a geodata construction layer as lots of 60 × 40 m, each its own site without hoarding', () => {
    const sh = layerShader(200, 200);
    const s = new Surface();
    let n = 0;
    let green = 0;
    let standing = 0;
    for (let x = -90; x <= 90; x += 1.3)
      for (let y = Y0 - 90; y <= Y0 + 90; y += 1.1) {
        sh.surface(x, y, 0, 0, 0, 0.05, s);
        expect(s.tag).toBe(Shader.tagOf.construction_site);
        n++;
        if (s.g > s.r * 1.15 && s.g > s.b * 1.15) green++;
        if (sh.objectHeight(x, y) > 0) standing++;
      }
    expect(green / n).toBeGreaterThan(0.1);
    // Offices, machines and heaps stand (and cast shadows); no hoarding rings every lot.
    expect(standing / n).toBeGreaterThan(0.03);
    expect(standing / n).toBeLessThan(0.3);
  });

  it('draws a construction layer polygon the size of a site as one site inside a hoarding', () => {
    const sh = layerShader(90, 60);
    // Along the polygon's edges, 1.2–1.6 m inside (the hoarding stands 1.4 m in): mostly wall, one gate.
    let wall = 0;
    let n = 0;
    for (let t = -40; t <= 40; t += 0.5)
      for (const [x, y] of [
        [t, Y0 + 28.5],
        [t, Y0 - 28.5],
      ]) {
        n++;
        if (sh.objectHeight(x as number, y as number) === 2.5) wall++;
      }
    expect(wall / n).toBeGreaterThan(0.6);
  });
});
