import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderGallery } from './render-gallery.ts';

describe('render:gallery', () => {
  let out: string;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes the sheets and each tile’s detail figures, lowest first, agreeing with the per-class summary', async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'xuncha-gallery-'));
    const stats = await renderGallery({ out, width: 96, workers: 1, subjects: 'exposed_slope' });
    expect((await readdir(out)).filter((f) => f !== 'renders').sort()).toEqual([
      'gallery-exposed_slope.png',
      'gallery-index.png',
      'gallery-tiles.json',
    ]);
    const tiles = JSON.parse(await readFile(path.join(out, 'gallery-tiles.json'), 'utf8')) as {
      subject: string;
      season: string;
      weather: string;
      pitchDeg: number;
      laplacianVar768: number;
    }[];
    // Three seasons × two weathers × three pitches, each once.
    expect(tiles).toHaveLength(18);
    expect(new Set(tiles.map((t) => `${t.season} ${t.weather} ${t.pitchDeg}`)).size).toBe(18);
    expect(tiles.every((t) => t.subject === 'exposed_slope')).toBe(true);
    const lv = tiles.map((t) => t.laplacianVar768);
    expect(lv).toEqual([...lv].sort((a, b) => a - b));
    const perClass = stats.exposed_slope!.map((d) => Math.round(d.laplacianVar)).sort((a, b) => a - b);
    expect(lv).toEqual(perClass);
  });
});
