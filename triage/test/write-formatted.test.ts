/** Files the trainer and `eval:real --write` leave in the repository pass `npm run lint` (Prettier) as written. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFormatted } from '../src/training/write-formatted.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-formatted-'));
// the repository's Prettier settings, as `npm run lint` applies them
const config = (await prettier.resolveConfig(path.resolve('triage/model/MODEL_CARD.md'))) ?? {};
const check = (text: string, filepath: string) => prettier.check(text, { ...config, filepath });
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeFormatted', () => {
  it('writes JSON and Markdown that Prettier accepts, where JSON.stringify alone is not', async () => {
    const report = { thresholds: { straw_burning: 0.8 }, grid: [1, 2, 3, 4, 6, 8], note: 'x' };
    const raw = `${JSON.stringify(report, null, 2)}\n`;
    const json = path.join(dir, 'report.json');
    // the plain dump spreads the short array over six lines: what the lint refused after a training
    expect(await check(raw, json)).toBe(false);
    await writeFormatted(json, raw);
    const written = await readFile(json, 'utf8');
    expect(await check(written, json)).toBe(true);
    expect(JSON.parse(written)).toEqual(report);
    const md = path.join(dir, 'CARD.md');
    await writeFormatted(md, '# Card\n\n| a | b |\n|---|---|\n| 1 | 22 |\n');
    const card = await readFile(md, 'utf8');
    expect(await check(card, md)).toBe(true);
    expect(card).toContain('| 1   | 22  |');
  });
});
