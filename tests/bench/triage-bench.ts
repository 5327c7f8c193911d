/**
 * Triage benchmark: N simulator photos (default 200 at 4000×3000) through the whole pipeline on this
 * machine with the shipped default model (or the manifest --model or XUNCHA_MODEL names), with the stage
 * breakdown, next to the decode-only rate of the same files; and the georeferencing accuracy against the
 * simulator's ground truth.
 *
 *   npm run bench:triage -- [--photos 200] [--width 4000] [--height 3000] [--concurrency n] [--model MANIFEST]
 *
 * Photos are rendered once (at about 1 MP, upscaled to the camera size) and made real-like before they
 * are cached under bench-out/triage-<w>x<h>/ (git-ignored): sensor noise at full resolution and JPEG
 * quality 92, so that a photo is as costly to decode as a real 12 MP drone JPEG (several MB), with the
 * render's EXIF/XMP kept. One JSON line per case on stdout.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { localFrame, toLocal } from '@xuncha/geodata';
import {
  decodeRgb,
  Detector,
  groundModelFor,
  groundPointAt,
  IncidentMerger,
  inspectImage,
  triageBatch,
} from '@xuncha/triage';
import type { PhotoInput } from '@xuncha/triage';
import sharp from 'sharp';
import { DEFAULT_MODEL_MANIFEST } from '@xuncha/triage';
// The simulator has no public index yet: import its camera directly (tests/ may import everything).
import { createCamera } from '../../simulator/src/camera/camera.ts';
import type { GroundTruth } from '../../simulator/src/camera/ground-truth.ts';
import { DEMO_ORIGIN, demoLayers } from '../../simulator/src/scene/demo-world.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg('photos', 200);
const W = arg('width', 4000);
const H = arg('height', 3000);
const CONCURRENCY = arg('concurrency', os.availableParallelism() + 1);
const dir = path.resolve('bench-out', `triage-${W}x${H}`);
const [LON0, LAT0] = DEMO_ORIGIN;

const incidents = [
  { id: 'burn-1', class: 'straw_burning' as const, lon: LON0 + 0.0006, lat: LAT0 + 0.0012 },
  { id: 'burn-2', class: 'straw_burning' as const, lon: LON0 + 0.0016, lat: LAT0 - 0.001 },
  { id: 'slope-1', class: 'exposed_slope' as const, lon: LON0 - 0.0008, lat: LAT0 - 0.0012 },
  { id: 'sewage-1', class: 'sewage_outfall' as const, lon: LON0 - 0.0003, lat: LAT0 },
];

/** Photo i: half nadir at 100 m, half at 45° pitch, along a lawnmower over ~300 m × 300 m. */
function poseOf(i: number): { lon: number; lat: number; pitch: number; heading: number } {
  const f = localFrame(LON0, LAT0);
  const half = Math.ceil(N / 2);
  const k = i % half;
  const cols = Math.max(1, Math.round(Math.sqrt(half)));
  const row = Math.floor(k / cols);
  const col = row % 2 === 0 ? k % cols : cols - 1 - (k % cols);
  const eastM = -150 + (300 * col) / Math.max(1, cols - 1);
  const northM = -150 + (300 * row) / Math.max(1, Math.ceil(half / cols) - 1);
  const oblique = i >= half;
  return {
    lon: LON0 + eastM / f.mPerDegLon,
    lat: LAT0 + (northM - (oblique ? 100 : 0)) / f.mPerDegLat,
    pitch: oblique ? -45 : -90,
    heading: row % 2 === 0 ? 90 : 270,
  };
}

async function ensurePhotos(): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const have = new Set(await readdir(dir));
  const names = Array.from({ length: N }, (_, i) => `photo-${String(i).padStart(4, '0')}.JPG`);
  const missing = names.filter((n) => !have.has(n) || !have.has(n.replace('.JPG', '.json')));
  if (missing.length) {
    const camera = {
      name: 'm3e-4k',
      sensorWidthMm: 17.3,
      sensorHeightMm: 13.0,
      focalLengthMm: 12.29,
      imageWidthPx: W,
      imageHeightPx: H,
    };
    const sim = createCamera({ layers: demoLayers() as never, incidents, camera, renderPixelBudget: 1_000_000 });
    const t0 = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        const name = missing[next++]!;
        const i = Number(name.slice(6, 10));
        const p = poseOf(i);
        const req = {
          sysId: 1,
          index: i,
          time: new Date(Date.UTC(2026, 9, 20, 3, 0, i)),
          lon: p.lon,
          lat: p.lat,
          altAmslM: 290,
          altRelM: 100,
          headingDeg: p.heading,
          gimbalPitchDeg: p.pitch,
        };
        const rec = await sim.capture(req);
        // keep our own names so the cache is keyed by index
        await writeFile(path.join(dir, name), await realLike(rec.jpeg, i));
        await writeFile(path.join(dir, name.replace('.JPG', '.json')), JSON.stringify(rec.groundTruth));
      }
    };
    await Promise.all(Array.from({ length: 2 }, worker));
    process.stderr.write(`rendered ${missing.length} photos in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return names.map((n) => path.join(dir, n));
}

/** APPn segments (EXIF, XMP) of a JPEG, to carry them over to a re-encoded one. */
function appSegments(jpeg: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff && jpeg[o + 1]! >= 0xe1 && jpeg[o + 1]! <= 0xef) {
    const len = jpeg.readUInt16BE(o + 2);
    out.push(jpeg.subarray(o, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

/** A smooth render → a real-like JPEG: seeded noise at full resolution, quality 92, metadata kept. */
async function realLike(render: Buffer, seed: number): Promise<Buffer> {
  const { data, info } = await sharp(render).raw().toBuffer({ resolveWithObject: true });
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const v = data[i]! + (((s >>> 0) & 0xff) / 255 + ((s >>> 8) & 0xff) / 255 - 1) * 14;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  const body = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
  // our JPEG starts SOI + APP0 (JFIF): put the render's EXIF/XMP right after SOI
  return Buffer.concat([body.subarray(0, 2), ...appSegments(render), body.subarray(2)]);
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const r2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);
function metres(a: readonly number[], b: readonly number[]): number {
  const p = toLocal(localFrame(a[0]!, a[1]!), b[0]!, b[1]!);
  return Math.hypot(p.eastM, p.northM);
}

const files = await ensurePhotos();
const bytes = await Promise.all(files.map((f) => readFile(f)));
const inputs: PhotoInput[] = files.map((f, i) => ({ source: f, read: async () => bytes[i]! }));
const modelAt = process.argv.indexOf('--model');
const modelArg = modelAt > 0 ? process.argv[modelAt + 1] : undefined;
if (modelAt > 0 && (!modelArg || modelArg.startsWith('--'))) {
  process.stderr.write('--model 需要模型清单路径 / --model needs the path of a model manifest (.json)\n');
  process.exit(2);
}
const detector = await Detector.fromManifestFile(modelArg ?? process.env.XUNCHA_MODEL ?? DEFAULT_MODEL_MANIFEST);
const { widthPx: IW, heightPx: IH } = detector.manifest.input;
const meanBytes = bytes.reduce((n, b) => n + b.length, 0) / bytes.length;

// Decode-only: the same decode the model needs (letterbox to its input with shrink-on-load), same concurrency.
{
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bytes.length) {
      const b = bytes[next++]!;
      const info = await inspectImage(b);
      await decodeRgb(b, info, { widthPx: IW, heightPx: IH, fit: 'letterbox' });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      case: 'decode-only',
      photos: N,
      widthPx: W,
      heightPx: H,
      meanFileMB: r2(meanBytes / 1e6),
      seconds: r2(s),
      photosPerS: r2(N / s),
    }),
  );
  (globalThis as Record<string, unknown>).decodeRate = N / s;
}

const result = await triageBatch(inputs, { detector, concurrency: CONCURRENCY });
const e2eRate = N / (result.wallMs / 1000);
const decodeRate = (globalThis as Record<string, unknown>).decodeRate as number;
const t = result.timings;
console.log(
  JSON.stringify({
    case: 'end-to-end',
    model: detector.manifest.name,
    photos: N,
    cores: os.availableParallelism(),
    concurrency: CONCURRENCY,
    seconds: r2(result.wallMs / 1000),
    photosPerS: r2(e2eRate),
    shareOfDecodeOnly: r2(e2eRate / decodeRate),
    // stage times are summed over concurrent photos (CPU-ish ms per photo)
    msPerPhoto: {
      metadata: r2(t.metadataMs / N),
      decode: r2(t.decodeMs / N),
      inference: r2(t.inferenceMs / N),
      georeference: r2(t.georeferenceMs / N),
      merge: r2(t.mergeMs / N),
    },
    errors: result.photos.filter((p) => p.status !== 'ok').length,
    detections: result.photos.reduce((n, p) => n + p.detections.length, 0),
    incidents: result.incidents.length,
    flight1000EstimateS: r2(1000 / e2eRate),
  }),
);

// Accuracy with ground truth: the truth box of each fully visible incident stands in for a perfect
// detector; its centre is georeferenced from the JPEG's own metadata and compared with the planted point.
const errs: Record<string, number[]> = { nadir: [], pitch45: [] };
const oracle = new IncidentMerger({ distanceM: 25 });
for (let i = 0; i < files.length; i++) {
  const gt = JSON.parse(await readFile(files[i]!.replace('.JPG', '.json'), 'utf8')) as GroundTruth;
  const p = result.photos[i]!;
  const ground = p.camera && groundModelFor(p.camera, null);
  if (!p.camera?.pose || !ground) continue;
  for (const inc of gt.incidents) {
    const [x0, y0, x1, y1] = inc.bboxPx;
    if (inc.visibleFraction < 0.99 || x0 <= 0 || y0 <= 0 || x1 >= W || y1 >= H) continue;
    if (inc.class === 'sewage_outfall') continue; // its anchor is the outfall at one end, not the box centre
    const g = groundPointAt(p.camera.camera, p.camera.pose, p.camera.sigma, ground, (x0 + x1) / 2, (y0 + y1) / 2);
    if (!g) continue;
    errs[gt.pose.gimbalPitchDeg === -90 ? 'nadir' : 'pitch45']!.push(metres(inc.groundLonLat, [g.lon, g.lat]));
    oracle.add(inc.class, {
      photoId: p.id,
      score: 1,
      box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 },
      lon: g.lon,
      lat: g.lat,
      errorM: g.errorM,
    });
  }
}
const perPlanted = incidents.map(
  (inc) => oracle.list().filter((o) => o.cls === inc.class && metres([inc.lon, inc.lat], [o.lon, o.lat]) < 25).length,
);
console.log(
  JSON.stringify({
    case: 'accuracy-truth-boxes',
    note: 'truth boxes stand in for a trained detector; error = box centre georeferenced from JPEG metadata vs planted point',
    nadir100m: { n: errs.nadir!.length, medianM: r2(median(errs.nadir!)) },
    pitch45: { n: errs.pitch45!.length, medianM: r2(median(errs.pitch45!)) },
    mergedIncidents: oracle.list().length,
    incidentsPerPlanted: Object.fromEntries(
      incidents.filter((i) => i.class !== 'sewage_outfall').map((inc) => [inc.id, perPlanted[incidents.indexOf(inc)]]),
    ),
  }),
);
await detector.close();
