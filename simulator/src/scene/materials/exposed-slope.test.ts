/**
 * Exposed slopes drawn as real slides are: long tracks down the fall line that narrow into a chute and
 * spread at the toe, in soil paled by drying, the same for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { demoShader } from '../demo-shader.ts';
import type { IncidentShape } from '../incident-shape.ts';
import { Rng } from '../random.ts';
import { drawSlopeForm, slopeOutline, SOIL_COLOURS, type SlopeForm } from './exposed-slope.ts';
import type { PreparedIncident } from './incidents.ts';

const sh = demoShader({ seed: 5 });

function prepared(form: SlopeForm, lengthM: number, widthM: number): PreparedIncident {
  const shape: IncidentShape = {
    id: 's',
    cls: 'exposed_slope',
    lon: 0,
    lat: 0,
    shape: 'rect',
    headingDeg: 0,
    radiusM: 0,
    lengthM,
    widthM,
    side: 0,
    intensity: 0.7,
  };
  return {
    index: 0,
    shape,
    cx: 0,
    cy: 0,
    sinH: 0,
    cosH: 1,
    boundM: lengthM,
    seed: 17,
    scarAge: 0.5,
    soil: SOIL_COLOURS.red as [number, number, number],
    terraced: false,
    benchM: 3,
    rillM: 2,
    culvert: 'round',
    pipeM: 0.5,
    discharge: [0, 0, 0],
    foam: false,
    slope: form,
    crew: null,
  };
}

/** Share of points across the slope (|q| ≤ width) inside the outline at along-slope position sl. */
function widthShare(p: PreparedIncident, sl: number): number {
  let inside = 0;
  let n = 0;
  for (let q = -p.shape.widthM; q <= p.shape.widthM; q += 0.25) {
    n++;
    // Incident-local (sl, q) with heading 0: x = q, y = sl.
    if (slopeOutline(sh, p, sl, q, q, sl, 0.05) <= 1) inside++;
  }
  return inside / n;
}

function saturation(c: readonly number[]): number {
  return Math.max(...c) - Math.min(...c);
}

describe('exposed slope form', () => {
  it('draws the same form for the same seed', () => {
    const a = drawSlopeForm(new Rng(3), SOIL_COLOURS.red as [number, number, number], false, 80, 20);
    const b = drawSlopeForm(new Rng(3), SOIL_COLOURS.red as [number, number, number], false, 80, 20);
    expect(b).toEqual(a);
  });

  it('pales the soil as it dries (less saturated, lighter than the wet base colour)', () => {
    const base = SOIL_COLOURS.red as [number, number, number];
    for (let seed = 1; seed <= 20; seed++) {
      const f = drawSlopeForm(new Rng(seed), base, false, 80, 20);
      expect(saturation(f.soil)).toBeLessThan(saturation(base));
      expect(f.soil[1] + f.soil[2]).toBeGreaterThan(base[1] + base[2]);
    }
  });

  it('narrows a slide into a chute and spreads it again at the toe', () => {
    let narrower = 0;
    let tried = 0;
    for (let seed = 1; tried < 6; seed++) {
      const f = drawSlopeForm(new Rng(seed), SOIL_COLOURS.tan as [number, number, number], false, 90, 24);
      if (f.kind !== 'slide') continue;
      tried++;
      const p = prepared(f, 90, 24);
      // Chute at the drawn narrowest point, toe 85 % of the way down (sl = +L/2 is the toe).
      const chute = widthShare(p, -45 + 90 * f.chuteAt);
      const toe = widthShare(p, -45 + 90 * 0.85);
      expect(toe).toBeGreaterThan(0);
      if (chute < toe) narrower++;
    }
    expect(narrower).toBeGreaterThanOrEqual(5);
  });

  it('keeps a cut (terraced earthwork) nearly as wide as its outline along its whole length', () => {
    const f = drawSlopeForm(new Rng(4), SOIL_COLOURS.grey as [number, number, number], true, 40, 30);
    expect(f.kind).toBe('cut');
    const p = prepared(f, 40, 30);
    for (const sl of [-12, 0, 12]) expect(widthShare(p, sl)).toBeGreaterThan(0.3);
  });
});
