import { describe, expect, it } from 'vitest';
import { renderRaw } from '../camera/render.ts';
import { gallerySpec, type GallerySubject } from './gallery-spec.ts';
import { sceneOf } from './render-sample.ts';

describe('joints in adaptive shading', () => {
  // Measured with the joints marked (thinLineShare) and, in brackets, before: pixels lost 74 (436) and 384 (676).
  it.each([
    ['construction_site', 'a slab’s formwork joints, netting seams and hoarding posts', 200],
    ['vehicle_dust', 'a concrete road’s joints', 530],
  ] as [GallerySubject, string, number][])('stay whole in %s: %s', (subject, _what, most) => {
    // The gallery's photo straight down at 640 px: joints of 8–24 cm are a pixel or two wide, narrower than
    // the shading lattices' spacing; interpolated across, they came out as dashes and crosses.
    const w = 640;
    const h = 480;
    const spec = gallerySpec({
      subject,
      season: 'summer',
      weather: 'clear',
      pitchDeg: -90,
      widthPx: w,
      heightPx: h,
      seed: 7,
    });
    const scene = sceneOf(spec);
    const req = { ...spec.request, index: 0, sysId: 1 };
    const full = renderRaw(scene, spec.camera, req, [], w, h, { adaptive: false });
    const fast = renderRaw(scene, spec.camera, req, [], w, h);
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
