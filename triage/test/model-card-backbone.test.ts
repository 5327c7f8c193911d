/** The model card names the backbone its training report says, and refuses a report naming one it does not know. */
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeModelCard } from '../src/training/model-card.ts';

const root = await mkdtemp(path.join(os.tmpdir(), 'xuncha-card-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function modelDir(name: string, backbone?: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  const spec = backbone === undefined ? {} : { backbone };
  await writeFile(path.join(dir, 'training-report.json'), JSON.stringify({ options: { spec } }));
  return dir;
}

describe('writeModelCard backbone provenance', () => {
  it('names InceptionV3 when the report says so, MobileNetV2 when it says none', async () => {
    const inception = await modelDir('inception', 'inception_v3');
    await writeModelCard(inception);
    expect(await readFile(path.join(inception, 'MODEL_CARD.md'), 'utf8')).toMatch(/Backbone provenance: InceptionV3/);
    const older = await modelDir('older');
    await writeModelCard(older);
    expect(await readFile(path.join(older, 'MODEL_CARD.md'), 'utf8')).toMatch(/Backbone provenance: MobileNetV2/);
  });

  it.each(['resnet50', 'toString'])('refuses a report naming the backbone %s, writing no card', async (name) => {
    const dir = await modelDir(`unknown-${name}`, name);
    await expect(writeModelCard(dir)).rejects.toThrow(
      new RegExp(`training-report\\.json names an unknown backbone "${name}".*mobilenet_v2, inception_v3`),
    );
    await expect(access(path.join(dir, 'MODEL_CARD.md'))).rejects.toThrow();
  });
});
