/** Choosing each class's box growth from AP@0.5 measured with one factor for every class. */
import { describe, expect, it } from 'vitest';
import { pickBoxGrow } from '../src/evaluation/region-grow.ts';

describe('pickBoxGrow', () => {
  it("takes per class the factor with the highest AP@0.5 when it beats the region's own box by 0.05", () => {
    const trials = [
      { grow: 0.5, ap50: { straw_burning: 0.13, sewage_outfall: 0.07, exposed_slope: 0.48 } },
      { grow: 0.4, ap50: { straw_burning: 0.17, sewage_outfall: 0.13, exposed_slope: 0.5 } },
      { grow: 0.2, ap50: { straw_burning: 0.15, sewage_outfall: 0.06, exposed_slope: 0.6 } },
      { grow: 0.1, ap50: { straw_burning: 0.11, sewage_outfall: 0.01, exposed_slope: 0.6 } },
    ];
    // Straw gains 0.04 (kept as it was: none), outfalls 0.06, slopes 0.12 at 0.2 and 0.1 (the tighter wins).
    expect(pickBoxGrow(trials, {})).toEqual({ sewage_outfall: 0.4, exposed_slope: 0.2 });
    expect(pickBoxGrow(trials, { straw_burning: 0.3 })).toEqual({
      straw_burning: 0.3,
      sewage_outfall: 0.4,
      exposed_slope: 0.2,
    });
    expect(pickBoxGrow(trials, {}, 0)).toEqual({ straw_burning: 0.4, sewage_outfall: 0.4, exposed_slope: 0.2 });
  });

  it('keeps the current factor of a class without box labels (AP null), and gives none where there was none', () => {
    const trials = [
      { grow: 0.5, ap50: { straw_burning: 0.1, sewage_outfall: null } },
      { grow: 0.3, ap50: { straw_burning: 0.2, sewage_outfall: null } },
    ];
    expect(pickBoxGrow(trials, { sewage_outfall: 0.4 })).toEqual({ straw_burning: 0.3, sewage_outfall: 0.4 });
    expect(pickBoxGrow(trials, {})).toEqual({ straw_burning: 0.3 });
  });
});
