/**
 * `xuncha triage` as a command: photos and a model manifest in a temp dir → JSON on stdout.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Command as CommandType } from 'commander';
import { colourDetectorManifest, colourDetectorOnnx, syntheticPhoto } from '@xuncha/triage/testing';
import { registerTriageCommand } from '../mission-service/src/cli/commands/triage.ts';

// The CLI uses mission-service's commander (v14), not the root one.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Command } = createRequire(path.join(root, 'mission-service/package.json'))('commander') as {
  Command: new (name?: string) => CommandType;
};

async function run(args: string[]): Promise<string> {
  const program = new Command('xuncha').exitOverride();
  registerTriageCommand(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'xuncha', 'triage', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

async function flight(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-triage-cli-'));
  const pose = { lat: 28.08, lon: 119.14, altAmslM: 300, altRelM: 100, gimbalPitchDeg: -90, gimbalYawDeg: 0 };
  await writeFile(
    path.join(dir, 'DJI_0001.JPG'),
    await syntheticPhoto({
      widthPx: 900,
      heightPx: 600,
      focalLengthMm: 8.8,
      pose,
      rects: [{ x: 600, y: 100, width: 60, height: 60, colour: '#ff1100' }],
    }),
  );
  await writeFile(
    path.join(dir, 'DJI_0002.JPG'),
    await syntheticPhoto({ widthPx: 900, heightPx: 600, focalLengthMm: 8.8, pose: { ...pose, lat: 200 } }),
  );
  await writeFile(path.join(dir, 'DJI_0003.JPG'), 'not a jpeg');
  await writeFile(path.join(dir, 'DJI_0001.json'), '{"sidecar":true}');
  // the model sits beside the photo folder (anything inside it is taken for a photo)
  await writeFile(`${dir}-colour.onnx`, colourDetectorOnnx({ inputPx: 256, windowPx: 16, stridePx: 4 }));
  await writeFile(`${dir}-model.json`, JSON.stringify(colourDetectorManifest(`${path.basename(dir)}-colour.onnx`)));
  return dir;
}

afterEach(() => vi.restoreAllMocks());

describe('xuncha triage', () => {
  it('--json with a model: pose, centre, footprint, detections on the ground, per-photo errors', async () => {
    const dir = await flight();
    const out = JSON.parse(await run([dir, '--model', `${dir}-model.json`, '--json']));
    expect(out.model).toBe('colour-detector (test)');
    expect(out.summary).toMatchObject({ photos: 3, ok: 1, unlocated: 1, errors: 1, incidents: 1 });
    const [a, b, c] = out.photos;
    expect(a.file).toMatch(/DJI_0001\.JPG$/);
    expect(a.pose).toMatchObject({ lat: 28.08, lon: 119.14, altAmslM: 300, altRelM: 100, pitchDeg: -90 });
    expect(a.centerGround).toEqual([119.14, 28.08]);
    expect(a.footprint.type).toBe('Polygon');
    expect(a.detections).toHaveLength(1);
    expect(a.detections[0]).toMatchObject({ class: 'straw_burning' });
    expect(a.detections[0].ground[0]).toBeGreaterThan(119.14);
    expect(a.detections[0].errorM).toBeGreaterThan(0);
    expect(b.status).toBe('unlocated');
    expect(b.issues.some((i: { field?: string }) => i.field === 'latitude')).toBe(true);
    expect(c.status).toBe('error');
    expect(c.issues[0].code).toBe('unsupported_format');
  });

  it('without --model: the shipped default model', async () => {
    const dir = await flight();
    const out = JSON.parse(await run([path.join(dir, 'DJI_0001.JPG'), '--json']));
    expect(out.model).toBe('xuncha-default');
    expect(out.summary).toMatchObject({ photos: 1, ok: 1, errors: 0 });
  });

  it('--no-model: metadata and georeferencing only, with a note', async () => {
    const dir = await flight();
    const out = JSON.parse(await run([path.join(dir, 'DJI_0001.JPG'), '--no-model', '--json']));
    expect(out.model).toBeNull();
    expect(out.note).toMatch(/no model/);
    expect(out.photos[0].detections).toEqual([]);
    expect(out.photos[0].centerGround).toEqual([119.14, 28.08]);
  });

  it('a model that is not ONNX stops at startup with a clear error', async () => {
    const dir = await flight();
    await writeFile(`${dir}-bad.json`, JSON.stringify(colourDetectorManifest(`${path.basename(dir)}/DJI_0003.JPG`)));
    await expect(run([dir, '--model', `${dir}-bad.json`])).rejects.toThrow(/not a loadable ONNX model/);
  });

  it('plain output lists each photo and a summary', async () => {
    const dir = await flight();
    const out = await run([dir, '--model', `${dir}-model.json`]);
    expect(out).toMatch(/ok\s+\S*DJI_0001\.JPG\s+centre 28\.080000, 119\.140000/);
    expect(out).toMatch(/3 照片 photos: 1 ok, 1 unlocated, 1 errors; 1 detections, 1 incidents/);
  });
});
