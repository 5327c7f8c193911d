/**
 * Writes a file the trainer or an evaluation leaves in the repository (model manifest, reports, model card)
 * as Prettier would format it, so `npm run lint` passes on what `train:model` and `eval:real --write` wrote.
 */
import { writeFile } from 'node:fs/promises';

export async function writeFormatted(file: string, text: string): Promise<void> {
  // Prettier is a development tool: loaded only when the training and evaluation scripts write.
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(text, { ...config, filepath: file }));
}
