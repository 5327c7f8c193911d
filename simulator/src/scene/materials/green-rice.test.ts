/**
 * Summer paddies (issue 15): neighbouring green-rice plots are at different growth stages, so each has its own
 * tint (young yellow-green with water between the rows, the most fed a deep blue-green). Before, every plot
 * was the one saturated green, brighter or darker by ±10 %, and summer farmland read as a lawn.
 */
import { describe, expect, it } from 'vitest';
import { demoShader } from '../demo-shader.ts';
import { CROP } from '../look.ts';
import { Surface } from '../surface.ts';
import { plotGrid, shadeCrop } from './fields.ts';

describe('green rice', () => {
  it('is tinted plot by plot, not only brighter or darker', () => {
    const sh = demoShader({ weather: { sunElevationDeg: 60, sunAzimuthDeg: 150, haze: 0.2, season: 'summer' } });
    const grid = plotGrid(sh, undefined);
    const detail = new Float64Array([0.5, 0.5, 0.5, 0.5]);
    const s = new Surface();
    // One point, one texture: only the plot's random value changes. At 0.5 m pixels the rows are not resolved.
    const redOverGreen: number[] = [];
    for (let i = 0; i < 64; i++) {
      shadeCrop(sh, s, 10, 20, 0.5, 10, 20, CROP.green_rice, (i + 0.5) / 64, 5, grid, detail);
      redOverGreen.push(s.r / s.g);
    }
    const spread = Math.max(...redOverGreen) - Math.min(...redOverGreen);
    // Measured 0.21 (red / green 0.58 to 0.79); the old plots all had the one ratio (spread 0).
    expect(spread).toBeGreaterThan(0.12);
  });
});
