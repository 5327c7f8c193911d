/**
 * `render:dataset -- --aim none`: only the negative photos of a split, each the photo its index has in the
 * full split (extra hard negatives for a head, and a held-out set of them).
 */
import { describe, expect, it } from 'vitest';
import { photoSpec } from './photo-spec.ts';
import { parseArgs, photoIndices, renderDataset } from './render-dataset.ts';

const spec = { widthPx: 320, heightPx: 240, photosPerPlace: 8 };

describe('render:dataset --aim', () => {
  it('takes the first indices whose photo is aimed so, in order', () => {
    const aimed = photoIndices(11, 'train', 12, spec, 'none');
    expect(aimed).toHaveLength(12);
    const all = Array.from({ length: aimed.at(-1)! + 1 }, (_, i) => i);
    expect(aimed).toEqual(all.filter((i) => photoSpec(11, 'train', i, spec).aim === 'none'));
    // negatives are a fifth of the photos: the filter did skip some
    expect(aimed.at(-1)!).toBeGreaterThan(12);
    expect(photoIndices(11, 'train', 3, spec)).toEqual([0, 1, 2]);
  });

  it('refuses an aim that is not a class or none', async () => {
    expect(parseArgs(['--aim', 'none', '--count', '1', '--out', 'x'])).toMatchObject({ aim: 'none' });
    await expect(renderDataset({ count: 1, out: '/nonexistent/x', aim: 'fog' as 'none' })).rejects.toThrow(
      /--aim 须为 .*--aim must be straw_burning, sewage_outfall, exposed_slope or none/,
    );
  });

  it('with --focus keeps only the negatives aimed at those patches, each the photo of its index', () => {
    const focused = photoIndices(11, 'train', 6, spec, 'none', ['sparse_canopy', 'dark_forest']);
    expect(focused).toHaveLength(6);
    const negatives = photoIndices(11, 'train', focused.at(-1)! + 1, spec, 'none').filter((i) => i <= focused.at(-1)!);
    const expected = negatives.filter((i) => {
      const s = photoSpec(11, 'train', i, spec);
      return s.focus === 'sparse_canopy' || s.focus === 'dark_forest';
    });
    expect(focused).toEqual(expected);
    // most negatives look elsewhere: the filter skipped some
    expect(negatives.length).toBeGreaterThan(focused.length);
    for (const i of focused) {
      const s = photoSpec(11, 'train', i, spec);
      // the patch aimed at is the first hard negative planted, and it is in the scene
      expect(s.distractors[0]?.kind).toBe(s.focus);
    }
  });

  it('refuses a focus that is not a patch kind, or without --aim none', async () => {
    expect(
      parseArgs(['--aim', 'none', '--focus', 'dark_forest,sparse_canopy', '--count', '1', '--out', 'x']),
    ).toMatchObject({
      focus: 'dark_forest,sparse_canopy',
    });
    await expect(renderDataset({ count: 1, out: '/nonexistent/x', aim: 'none', focus: 'pine_forest' })).rejects.toThrow(
      /--focus 须为 .*--focus must be dark_forest, town_roofs, dirt_lanes, sparse_canopy, dry_scrub/,
    );
    await expect(renderDataset({ count: 1, out: '/nonexistent/x', focus: 'dark_forest' })).rejects.toThrow(
      /--focus needs --aim none/,
    );
  });
});
