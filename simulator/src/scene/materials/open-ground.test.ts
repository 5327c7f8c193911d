/**
 * Open woodland and dry scrub (round 16): pale bare ground between round crowns, shrubs, snags, logs
 * and boulders that stand up and cast shadows, drawn from the patch seed.
 */
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from '../demo-shader.ts';
import { demoRiverY } from '../demo-world.ts';
import { Shader } from '../shade.ts';
import { Surface } from '../surface.ts';
import { drawOpenLook, type OpenLook, openGroundHeight, shadeOpenGround } from './open-ground.ts';
import { canopyHeight } from './vegetation.ts';

const KINDS = ['sparse_canopy', 'dry_scrub'] as const;

/** The whole crown's height at (x, y), its gaps included (the shadow heights leave a pine's gaps out). */
const crownHeight = (sh: Shader, x: number, y: number, look: OpenLook): number =>
  canopyHeight(sh, x, y, look.density, look.crownScale, look.heightM);

function shaderWith(kind: OpenLook['kind']): Shader {
  const [lon, lat] = demoLonLat(0, demoRiverY(0) + 150);
  return demoShader({ distractors: [{ id: 'p', kind, lon, lat, lengthM: 200, widthM: 200, headingDeg: 0 }], seed: 9 });
}

describe('open woodland and dry scrub', () => {
  it('draw their look from the seed, inside the ranges that make them what they are', () => {
    for (const kind of KINDS)
      for (let seed = 0; seed < 200; seed++) {
        const look = drawOpenLook(kind, seed);
        expect(drawOpenLook(kind, seed)).toEqual(look);
        // Pale, nearly grey bare soil (sand, dry earth); green crowns and shrubs.
        expect(Math.min(...look.soil)).toBeGreaterThan(0.45);
        expect(Math.max(...look.soil) - Math.min(...look.soil)).toBeLessThan(0.2);
        expect(look.crown[1]).toBeGreaterThan(look.crown[0]);
        expect(look.crown[1]).toBeGreaterThan(look.crown[2]);
        // Open: most crown cells empty, the ground shows.
        expect(look.density).toBeLessThanOrEqual(0.6);
        expect(look.heightM).toBeLessThanOrEqual(kind === 'sparse_canopy' ? 13 : 2.5);
      }
    expect(drawOpenLook('sparse_canopy', 1)).not.toEqual(drawOpenLook('sparse_canopy', 2));
  });

  it('draw bare soil, logs and boulders neutral to warm grey, never lilac, pink or green (OSBS, SJER)', () => {
    let lightest = 0;
    let darkest = 1;
    for (const kind of KINDS)
      for (let seed = 0; seed < 500; seed++) {
        const look = drawOpenLook(kind, seed);
        for (const [r, g, b] of [look.soil, look.itemColour]) {
          // Red first, then green, then blue: no channel lifts the grey toward lilac (B over G), pink
          // (G well below R) or green (G over R); a channel-wise jitter did so in about a quarter of patches.
          expect(g).toBeLessThanOrEqual(r);
          expect(b).toBeLessThan(g);
          expect(g / r).toBeGreaterThan(0.94);
        }
        lightest = Math.max(lightest, look.soil[0]);
        darkest = Math.min(darkest, look.soil[0]);
      }
    // Patches still differ in brightness (±6 %).
    expect(lightest - darkest).toBeGreaterThan(0.08);
  });

  it('draw open-woodland pines a muted olive, not lime (OSBS sunlit crowns: G/R 1.08, B/R 0.77)', () => {
    for (let seed = 0; seed < 500; seed++) {
      const [r, g, b] = drawOpenLook('sparse_canopy', seed).crown;
      // The lime green before (G/R 1.25-1.33, B/R 0.56) rendered far more saturated than the real needles.
      expect(g / r).toBeGreaterThan(1.05);
      expect(g / r).toBeLessThan(1.2);
      expect(b / r).toBeGreaterThan(0.75);
      expect(b).toBeLessThan(g);
    }
  });

  it.each(KINDS)('%s shows pale bare ground and things standing on it with heights (shadows)', (kind) => {
    const sh = shaderWith(kind);
    const y0 = demoRiverY(0) + 150;
    const s = new Surface();
    let tagged = 0;
    let pale = 0;
    let standing = 0;
    let n = 0;
    for (let x = -60; x <= 60; x += 1.7)
      for (let y = y0 - 60; y <= y0 + 60; y += 1.9) {
        s.reset();
        sh.surface(x, y, 0, 0, 0, 0.1, s);
        n++;
        if (s.tag !== Shader.tagOf[kind]) continue;
        tagged++;
        // Bare soil: the blue channel sets it apart from dry grass and litter.
        if (s.r > 0.45 && s.g > 0.45 && s.b > 0.48) pale++;
        if (sh.objectHeight(x, y) > 0.2) standing++;
      }
    expect(tagged / n).toBeGreaterThan(0.8);
    expect(pale / tagged).toBeGreaterThan(0.1);
    expect(standing / tagged).toBeGreaterThan(0.05);
    expect(standing / tagged).toBeLessThan(0.8);
  });

  it.each(KINDS)('%s drops the tilt and height of the ground class it lies over', (kind) => {
    // A patch over forest or fields kept their crown tilts and furrows: soft light and dark blots
    // (camouflage) on the grass and sand, and the forest's height kept the ground out of every shadow.
    const sh = shaderWith(kind);
    const look = drawOpenLook(kind, 5);
    const s = new Surface();
    let ground = 0;
    for (let x = 0; x < 40; x += 0.37)
      for (let y = 0; y < 40; y += 0.41) {
        s.reset();
        s.gx = 0.8;
        s.gy = -0.6;
        s.objH = 15;
        shadeOpenGround(sh, s, x, y, 0.05, look, 77);
        if (openGroundHeight(sh, x, y, look, 77) > 0 || crownHeight(sh, x, y, look) > 0) continue;
        ground++;
        expect([s.gx, s.gy, s.objH]).toEqual([0, 0, 0]);
      }
    expect(ground).toBeGreaterThan(1000);
  });

  it('draws pines as stars of needle tufts: gaps between the branches, more of them towards the rim', () => {
    const sh = shaderWith('sparse_canopy');
    const look = { ...drawOpenLook('sparse_canopy', 5), snagShare: 0, itemShare: 0 };
    const s = new Surface();
    const top = { n: 0, gap: 0 };
    const rim = { n: 0, gap: 0 };
    for (let x = 0; x < 60; x += 0.13)
      for (let y = 0; y < 60; y += 0.17) {
        const h = crownHeight(sh, x, y, look) / look.heightM;
        if (h === 0) continue;
        s.reset();
        shadeOpenGround(sh, s, x, y, 0.05, look, 77);
        // A gap shows the ground: nothing stands there.
        const part = h > 0.85 ? top : h < 0.75 ? rim : undefined;
        if (!part) continue;
        part.n++;
        if (s.objH === 0) part.gap++;
      }
    expect(top.n).toBeGreaterThan(500);
    expect(rim.n).toBeGreaterThan(500);
    expect(rim.gap / rim.n).toBeGreaterThan(0.35);
    expect(top.gap / top.n).toBeLessThan(rim.gap / rim.n - 0.15);
  });

  it('draws no pine gaps where a pixel is wider than a tuft (far crowns keep their mean colour)', () => {
    const sh = shaderWith('sparse_canopy');
    const look = { ...drawOpenLook('sparse_canopy', 5), snagShare: 0, itemShare: 0 };
    const s = new Surface();
    let crowns = 0;
    for (let x = 0; x < 60; x += 0.31)
      for (let y = 0; y < 60; y += 0.29) {
        if (openGroundHeight(sh, x, y, look, 77) === 0) continue;
        s.reset();
        shadeOpenGround(sh, s, x, y, 0.5, look, 77);
        if (s.objH > 0) crowns++;
        else expect(openGroundHeight(sh, x, y, look, 77)).toBeLessThan(look.heightM);
      }
    expect(crowns).toBeGreaterThan(500);
  });
});
