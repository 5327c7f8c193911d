/**
 * Writes a file the trainer or an evaluation leaves in the repository (model manifest, reports, model card)
 * as Prettier would format it, so `npm run lint` passes on what `train:model` and `eval:real --write` wrote.
 */
import { rename, writeFile } from 'node:fs/promises';

export async function writeFormatted(file: string, text: string): Promise<void> {
  // Prettier is a development tool: loaded only when the training and evaluation scripts write.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  const formatted = await prettier.format(text, { ...config, filepath: file });
  // Written beside it and renamed over it: a run stopped half-way leaves the old file whole (a model manifest
  // cut short would refuse to load), never half of the new one.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, formatted);
  await rename(tmp, file);
}
