import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildLongquanFiles } from '../scripts/longquan-generate.ts';
import { sampleDataDir } from '../src/sample-data.ts';

it('the committed Longquan sample data equals what geodata/scripts/make-longquan.ts generates', () => {
  const files = buildLongquanFiles();
  expect([...files.keys()].sort()).toEqual([
    'dem.tif',
    'departments.json',
    'farmland.geojson',
    'hillsides.geojson',
    'jurisdictions.geojson',
    'nofly.geojson',
    'rivers.geojson',
  ]);
  for (const [name, contents] of files) {
    const onDisk = readFileSync(path.join(sampleDataDir, name));
    const want = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : Buffer.from(contents);
    expect(onDisk.equals(want), `${name} is stale: run npx tsx geodata/scripts/make-longquan.ts`).toBe(true);
  }
});
