/**
 * npx tsx triage/scripts/extract-head.ts MODEL.onnx OUT.json
 *
 * Writes the head of a single-head detector exported by `train:model` to a head file
 * (`triage/src/training/kept-head.ts`) that `train:model -- --keep-head OUT.json` keeps as it is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { headFromOnnx } from '../src/training/kept-head.ts';

const [model, out] = process.argv.slice(2);
if (!model || !out) {
  console.error('用法 / usage: npx tsx triage/scripts/extract-head.ts MODEL.onnx OUT.json');
  process.exit(2);
}
try {
  const head = headFromOnnx(await readFile(model), path.basename(model));
  await writeFile(out, `${JSON.stringify(head, null, 2)}\n`);
  console.log(
    `${out}: ${head.inputSize} → ${head.hiddenSize} → ${head.outputSize} (from ${model}, ${head.source.sha256})`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
