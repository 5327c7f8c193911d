/**
 * Exposed slopes in the dataset have the shapes of real ones: slides are long tracks down the fall
 * line (2–6× longer than wide, 30–240 m long), benched cuts are squat (wider across the slope than long).
 */
import { describe, expect, it } from 'vitest';
import { mixSeed, Rng } from '../scene/random.ts';
import { generatePlace } from './place.ts';
import { plantIncident } from './photo-spec.ts';

describe('exposed-slope sizes', () => {
  const places = [1, 2, 3, 4, 5, 6].map((s) => generatePlace(`slopes-${s}`, mixSeed(0x51e, s)));

  it('slide sites are 40–200 m long and 2–6× longer than wide', () => {
    const sites = places.flatMap((p) => p.sites.slopes);
    expect(sites.length).toBeGreaterThan(20);
    for (const s of sites) {
      expect(s.lengthM).toBeGreaterThanOrEqual(40);
      expect(s.lengthM).toBeLessThanOrEqual(200);
      expect(s.lengthM / s.widthM).toBeGreaterThanOrEqual(2);
      expect(s.lengthM / s.widthM).toBeLessThanOrEqual(6);
    }
  });

  it('planted slides stay long, benched cuts are squat', () => {
    let slides = 0;
    let cuts = 0;
    for (const [i, p] of places.entries())
      for (let k = 0; k < 12; k++) {
        const inc = plantIncident(new Rng(mixSeed(i, k)), p, 'exposed_slope', `e${k}`);
        if (!inc) continue;
        const l = inc.lengthM as number;
        const w = inc.widthM as number;
        if (inc.terraced) {
          cuts++;
          expect(w).toBeGreaterThanOrEqual(l);
        } else {
          slides++;
          expect(l / w).toBeGreaterThan(1.4);
          expect(l).toBeGreaterThanOrEqual(25);
        }
      }
    expect(slides).toBeGreaterThan(20);
    expect(cuts).toBeGreaterThan(5);
  });
});
