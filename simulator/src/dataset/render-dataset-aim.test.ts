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
});
