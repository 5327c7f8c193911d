/**
 * Regenerates the synthetic Longquan (龙泉) sample data set:
 *   npx tsx geodata/scripts/make-longquan.ts [--out <dir>]   (default: geodata/data/longquan)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLongquanFiles } from './longquan-generate.ts';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const outDir =
  outIdx >= 0 && args[outIdx + 1]
    ? path.resolve(args[outIdx + 1]!)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/longquan');

const files = buildLongquanFiles();
mkdirSync(outDir, { recursive: true });
for (const [name, contents] of files) writeFileSync(path.join(outDir, name), contents);
console.log(`wrote ${files.size} files to ${outDir}`);
