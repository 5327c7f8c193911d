/**
 * The forest, town and dirt-lane hard negatives (issue 15) end up in rendered photos: tagged in the
 * manifest entry, never labelled as incidents, the same bytes for the same spec, and drawn by the
 * dataset sampler for negative photos.
 */
import { describe, expect, it } from 'vitest';
import { PATCH_KINDS } from '../scene/distractor-schema.ts';
import { DatasetPhotoSchema, emptyManifest } from './dataset-format.ts';
import { gallerySpec } from './gallery-spec.ts';
import { photoSpec } from './photo-spec.ts';
import { renderSample } from './render-sample.ts';

describe('patch hard negatives', () => {
  it.each(PATCH_KINDS)('%s shows in the manifest entry with no incident labels, deterministically', async (kind) => {
    const spec = gallerySpec({
      subject: kind,
      season: 'autumn',
      weather: 'clear',
      pitchDeg: -45,
      widthPx: 192,
      heightPx: 144,
      seed: 7,
    });
    expect(spec.distractors.map((d) => d.kind)).toEqual([kind]);
    const a = await renderSample(spec, 'images/test/a.jpg', 'labels/test/a.txt');
    const entry = DatasetPhotoSchema.parse(a.entry);
    expect(entry.hardNegatives).toContain(kind);
    expect(entry.objects).toEqual([]);
    expect(entry.aim).toBe('none');
    const b = await renderSample(spec, 'images/test/a.jpg', 'labels/test/a.txt');
    expect(b.jpeg.equals(a.jpeg)).toBe(true);
    expect(b.entry).toEqual(a.entry);
  });

  it('the manifest lists the kinds', () => {
    const kinds = emptyManifest('test').hardNegativeKinds;
    for (const k of PATCH_KINDS) expect(kinds).toContain(k);
  });

  it('negative photos are often aimed at a patch, and every kind is drawn', () => {
    const seen = new Map<string, number>();
    let negatives = 0;
    let aimedAtPatch = 0;
    for (let i = 0; i < 240; i++) {
      const spec = photoSpec(3, 'train', i, { widthPx: 320, heightPx: 240, photosPerPlace: 12 });
      for (const d of spec.distractors)
        if ((PATCH_KINDS as readonly string[]).includes(d.kind)) seen.set(d.kind, (seen.get(d.kind) ?? 0) + 1);
      if (spec.aim !== 'none') continue;
      negatives++;
      expect(spec.incidents).toEqual([]);
      if ((PATCH_KINDS as readonly string[]).includes(spec.distractors[0]?.kind ?? '')) aimedAtPatch++;
    }
    for (const k of PATCH_KINDS) expect(seen.get(k) ?? 0, k).toBeGreaterThan(5);
    expect(aimedAtPatch).toBeGreaterThan(negatives * 0.25);
    expect(photoSpec(3, 'train', 17, { widthPx: 320, heightPx: 240, photosPerPlace: 8 })).toEqual(
      photoSpec(3, 'train', 17, { widthPx: 320, heightPx: 240, photosPerPlace: 8 }),
    );
  });
});
