import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlan } from './plan.ts';
import { runExport } from './export.ts';
import { runImport } from './import.ts';

const area = {
  type: 'Feature',
  properties: { id: 'field-1' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [119.13, 28.06],
        [119.134, 28.06],
        [119.134, 28.063],
        [119.13, 28.063],
        [119.13, 28.06],
      ],
    ],
  },
};

describe('plan → export → import commands', () => {
  it('plans, exports a QGC .plan and imports it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-plan-'));
    const areas = path.join(dir, 'areas.geojson');
    fs.writeFileSync(areas, JSON.stringify(area));
    const plan = await runPlan({
      areas,
      pattern: 'survey',
      altAgl: '70',
      launch: '119.1298,28.0598',
      out: path.join(dir, 'plan.json'),
    });
    expect(plan.stats.coveredFraction).toBeGreaterThanOrEqual(0.995);
    const files = runExport({ plan: path.join(dir, 'plan.json'), format: 'qgc', out: path.join(dir, 'x.plan') });
    expect(files).toEqual([path.join(dir, 'x.plan')]);
    const back = await runImport(path.join(dir, 'x.plan'), { out: path.join(dir, 'back.json') });
    expect(back.kind === 'plan' && back.plan.sorties[0]!.items.length).toBe(plan.sorties[0]!.items.length);
  });

  it('fails with one clear line on bad options', async () => {
    await expect(runPlan({ areas: '/nope.geojson', out: 'x' })).rejects.toThrow(/cannot read/);
    await expect(runPlan({ areas: 'a', out: 'b', pattern: 'spiral' })).rejects.toThrow(/--pattern must be/);
    expect(() => runExport({ plan: 'p', out: 'x', format: 'dji' })).toThrow(/unsupported --format/);
  });
});
