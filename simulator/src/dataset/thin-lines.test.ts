/**
 * Lines narrower than the adaptive shading's lattices (camera/adaptive-shading.ts) stay whole: the shader
 * marks the samples near them (`Surface.nearThin`), so the renderer shades round them rather than
 * interpolating across them, which left them in dashes and crosses.
 */
import { describe, expect, it } from 'vitest';
import { renderRaw, type RawImage } from '../camera/render.ts';
import { gallerySpec, type GallerySubject } from './gallery-spec.ts';
import { sceneOf } from './render-sample.ts';

/** A gallery photo (seed 7, clear) rendered with every sample shaded (`full`) and adaptively (`fast`). */
function fullAndFast(
  subject: GallerySubject,
  season: 'summer' | 'autumn',
  pitchDeg: number,
  w: number,
  h: number,
): { full: RawImage; fast: RawImage } {
  const spec = gallerySpec({ subject, season, weather: 'clear', pitchDeg, widthPx: w, heightPx: h, seed: 7 });
  const scene = sceneOf(spec);
  const req = { ...spec.request, index: 0, sysId: 1 };
  return {
    full: renderRaw(scene, spec.camera, req, [], w, h, { adaptive: false }),
    fast: renderRaw(scene, spec.camera, req, [], w, h),
  };
}

describe('thin lines in adaptive shading', () => {
  it('keep field ridges whole', () => {
    // The gallery's countryside at 30°, 480 px: ridges between far plots are a pixel or two wide, narrower
    // than the coarse lattice's 4 samples and the next one's 2. Interpolated across, they came out dashed.
    const { full, fast } = fullAndFast('countryside', 'autumn', -30, 480, 360);
    // Pixels green in the photo shaded sample by sample (a ridge's grass, G over R) and not in the adaptive
    // one (the ploughed or stubble plot interpolated over it).
    let lost = 0;
    for (let k = 0; k < full.data.length; k += 3)
      if (full.data[k + 1]! - full.data[k]! > 15 && fast.data[k + 1]! - fast.data[k]! < -5) lost++;
    // Measured 46 (the lattices unmarked: 230).
    expect(lost).toBeLessThan(120);
    // It still interpolates most of the ground (measured 0.76 shaded; 0.63 unmarked).
    expect(fast.stats.shadedShare).toBeLessThan(0.85);
  });

  // Measured with the joints marked (thinLineShare) and, in brackets, before: pixels lost 74 (436) and 384 (676).
  it.each([
    ['construction_site', 'a slab’s formwork joints, netting seams and hoarding posts', 200],
    ['vehicle_dust', 'a concrete road’s joints', 530],
  ] as [GallerySubject, string, number][])('keep joints whole in %s: %s', (subject, _what, most) => {
    // The gallery's photo straight down at 640 px: joints of 8–24 cm are a pixel or two wide, narrower than
    // the shading lattices' spacing; interpolated across, they came out as dashes and crosses.
    const { full, fast } = fullAndFast(subject, 'summer', -90, 640, 480);
    // Pixels much darker in the photo shaded sample by sample (a joint) than in the adaptive one (a slab
    // interpolated over it): a joint darkens concrete by 30–35 %, its grey sum by ~160.
    const grey = (d: Buffer, k: number): number => d[k]! + d[k + 1]! + d[k + 2]!;
    let lost = 0;
    for (let k = 0; k < full.data.length; k += 3) if (grey(fast.data, k) - grey(full.data, k) > 120) lost++;
    expect(lost).toBeLessThan(most);
    // It still interpolates much of the ground (measured 0.44 and 0.56 shaded; 0.32 and 0.50 before).
    expect(fast.stats.shadedShare).toBeLessThan(0.7);
  });
});
