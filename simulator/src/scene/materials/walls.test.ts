/**
 * House walls (issue 15): windows framed at close range, of dark or tinted glass by house, and roller
 * shutters on half the ground floors. They were rows of the one dark pane on a plain wall.
 */
import { describe, expect, it } from 'vitest';
import { Surface } from '../surface.ts';
import { shadeWall } from './walls.ts';

/** The wall's colour at `along` m, `z` m up, of a 12 m house `hash`, seen with 2 cm pixels. */
function wallAt(hash: number, along: number, z: number): [number, number, number] {
  const s = new Surface();
  s.set([0.5, 0.5, 0.5]);
  shadeWall(s, hash, along, z, 12, 1, 0, 0, 0, 0.02);
  return [s.r, s.g, s.b];
}

const dark = (c: number[]): boolean => c[0]! + c[1]! + c[2]! < 0.8;

describe('house walls', () => {
  it('have glass of several tints, framed panes up close and shutters on about half the ground floors', () => {
    const tints = new Set<string>();
    let houses = 0;
    let framed = 0;
    let shutters = 0;
    for (let i = 0; i < 200; i++) {
      const hash = (i + 0.5) / 200;
      // The middle of a pane of the second storey (its row is 0.9–2.2 m above the floor at 3 m).
      let along = 0;
      while (along < 4 && !dark(wallAt(hash, along, 4.5))) along += 0.02;
      if (along >= 4) continue;
      along += 0.5;
      const pane = wallAt(hash, along, 4.5);
      if (!dark(pane)) continue;
      houses++;
      tints.add(`${Math.round((pane[2] - pane[0]) * 20)}:${Math.round((pane[1] - pane[0]) * 20)}`);
      // 3 cm inside the pane's lower edge: the frame, bright, where the old walls had glass.
      if (wallAt(hash, along, 3.93).every((v) => v > 0.6)) framed++;
      // The ground floor under it: a grey steel shutter, or a window as above.
      if (!dark(wallAt(hash, along, 1.5))) shutters++;
    }
    expect(houses).toBeGreaterThan(150);
    // Measured: 3 tints, every pane framed, shutters under half the panes, 84 of 168 (the old walls: 1 tint, no frame, no shutter).
    expect(tints.size).toBeGreaterThanOrEqual(3);
    expect(framed).toBe(houses);
    expect(shutters / houses).toBeGreaterThan(0.3);
    expect(shutters / houses).toBeLessThan(0.7);
  });
});
