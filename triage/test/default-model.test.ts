/**
 * The shipped model: loads as the default, fits the size budget, refuses a changed or mismatched file
 * with its path and the reason, and finds nothing on a plain field.
 */
import { copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../src/image/decode.ts';
import { TriageStartupError } from '../src/issues.ts';
import { DEFAULT_MODEL_MANIFEST } from '../src/model/default-model.ts';
import { Detector } from '../src/model/detector.ts';
import { syntheticPhoto } from '../src/testing/synthetic-photo.ts';

let detector: Detector;
let modelFile: string;
beforeAll(async () => {
  detector = await Detector.fromManifestFile(DEFAULT_MODEL_MANIFEST);
  modelFile = path.join(path.dirname(DEFAULT_MODEL_MANIFEST), detector.manifest.model);
});
afterAll(() => detector.close());

async function copyWith(edit: (manifest: Record<string, unknown>, onnx: Buffer) => Buffer | void): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-model-'));
  const manifest = JSON.parse(await readFile(DEFAULT_MODEL_MANIFEST, 'utf8')) as Record<string, unknown>;
  const onnx = await readFile(modelFile);
  const changed = edit(manifest, onnx) ?? onnx;
  await writeFile(path.join(dir, String(manifest.model)), changed);
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(manifest));
  return path.join(dir, 'model.json');
}

describe('the shipped default model', () => {
  it('is a three-class segmentation model under 30 MB whose manifest carries its checksum', async () => {
    expect(detector.manifest.name).toBe('xuncha-default');
    expect(detector.manifest.output.kind).toBe('segmentation');
    expect(Object.values(detector.manifest.classMap).sort()).toEqual([
      'exposed_slope',
      'sewage_outfall',
      'straw_burning',
    ]);
    expect(detector.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(modelFile)).size).toBeLessThan(30 * 1024 * 1024);
    expect(path.resolve(DEFAULT_MODEL_MANIFEST)).toBe(path.resolve(__dirname, '../model/xuncha-default.json'));
    // trained on 4:3 renders only: letterbox bands mirror the photo rather than being flat grey
    expect(detector.manifest.input.padding).toBe('mirror');
  });

  it('finds nothing on a plain green field photo', async () => {
    const bytes = await syntheticPhoto({ widthPx: 1200, heightPx: 900, background: '#4f7a3a' });
    expect(await detector.detect(bytes, await inspectImage(bytes))).toEqual([]);
  });

  it('a corrupted file (one byte changed) is refused at load with its path and the checksum reason', async () => {
    const file = await copyWith((_, onnx) => {
      const b = Buffer.from(onnx);
      b[b.length - 100] = b[b.length - 100]! ^ 0xff;
      return b;
    });
    const err = await Detector.fromManifestFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TriageStartupError);
    expect((err as Error).message).toMatch(/corrupted or replaced/);
    expect((err as Error).message).toContain(path.join(path.dirname(file), 'xuncha-default.onnx'));
  });

  it('a truncated file without checksum is refused as not ONNX, naming the file', async () => {
    const file = await copyWith((m, onnx) => {
      delete m.sha256;
      return onnx.subarray(0, 5000);
    });
    const err = await Detector.fromManifestFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TriageStartupError);
    expect((err as Error).message).toMatch(/not a loadable ONNX model.*xuncha-default\.onnx/s);
  });

  it('a manifest that does not match the model (two classes) is refused with the shape it found', async () => {
    const file = await copyWith((m) => {
      m.numClasses = 2;
      m.classMap = { '0': 'straw_burning', '1': 'sewage_outfall' };
    });
    const err = await Detector.fromManifestFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TriageStartupError);
    expect((err as Error).message).toMatch(
      /output does not match its manifest.*\[1, 3, 24, 32\].*xuncha-default\.onnx/s,
    );
  });
});

// keep the copy helper honest: a plain copy loads
describe('model copies', () => {
  it('an unchanged copy loads', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-model-'));
    await copyFile(modelFile, path.join(dir, 'xuncha-default.onnx'));
    await copyFile(DEFAULT_MODEL_MANIFEST, path.join(dir, 'm.json'));
    const d = await Detector.fromManifestFile(path.join(dir, 'm.json'));
    await d.close();
  });
});
