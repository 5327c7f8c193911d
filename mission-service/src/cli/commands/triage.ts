/**
 * `xuncha triage <files|dir>`: triage photos locally, without the service — per photo its camera
 * pose, ground centre and footprint, detections on the ground, and per-photo errors.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { openDem } from '@xuncha/geodata';
import type { ElevationSource } from '@xuncha/geodata';
import {
  assertTimeZone,
  DEFAULT_MODEL_MANIFEST,
  DEFAULT_PHOTO_TIME_ZONE,
  Detector,
  incidentReport,
  photoReport,
  triageBatch,
} from '@xuncha/triage';
import type { PhotoInput, TriageProgress } from '@xuncha/triage';

const NO_MODEL_NOTE =
  '未加载模型（--no-model），只做元数据与地理定位，不做检测 / no model (--no-model): metadata and georeferencing only, detections are empty';

/** Files of a directory that are not photos for sure (sidecars); everything else is judged by its bytes. */
const SIDECAR = /\.(json|txt|md|csv|log|xml)$/i;

async function expandInputs(args: string[]): Promise<PhotoInput[]> {
  const out: PhotoInput[] = [];
  for (const arg of args) {
    const st = await stat(arg).catch(() => null);
    if (st?.isDirectory()) {
      const entries = (await readdir(arg, { withFileTypes: true, recursive: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.') && !SIDECAR.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      for (const f of entries) out.push({ source: f, read: () => readFile(f) });
    } else {
      // A missing file is reported per photo, like any other unreadable one.
      out.push({ source: arg, read: () => readFile(arg) });
    }
  }
  return out;
}

function progressBar(p: TriageProgress): void {
  const width = 30;
  const filled = Math.round((p.done / Math.max(1, p.total)) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} 照片 photos, ${p.detections} 检测 detections`,
  );
  if (p.done === p.total) process.stderr.write('\n');
}

interface TriageOptions {
  /** A manifest path, false for --no-model, undefined for the default (XUNCHA_MODEL, else the shipped model). */
  model?: string | false;
  dem?: string;
  json?: boolean;
  concurrency?: string;
  mergeDistance?: string;
  timeZone: string;
}

/** Registers `xuncha triage`. */
export function registerTriageCommand(program: Command): void {
  program
    .command('triage')
    .description('研判照片（本地，无需服务）/ triage photos locally: pose, ground footprint, detections')
    .argument('<paths...>', 'photo files or directories')
    .option('--model <manifest>', 'model manifest JSON (default: XUNCHA_MODEL, else the shipped model)')
    .option('--no-model', 'no detection: metadata and georeferencing only')
    .option('--dem <file>', 'DEM GeoTIFF for ray–terrain intersection (default: takeoff plane)')
    .option('--json', 'print the full result as JSON on stdout')
    .option('--concurrency <n>', 'photos in flight at once')
    .option('--merge-distance <m>', 'merge same-class detections within this many metres', '25')
    .option(
      '--time-zone <iana>',
      'zone of photo times without an EXIF offset (default XUNCHA_PHOTO_TIMEZONE or Asia/Shanghai)',
      process.env.XUNCHA_PHOTO_TIMEZONE || DEFAULT_PHOTO_TIME_ZONE,
    )
    .action(async (paths: string[], opts: TriageOptions) => {
      assertTimeZone(opts.timeZone);
      const manifest = opts.model === false ? null : (opts.model ?? process.env.XUNCHA_MODEL ?? DEFAULT_MODEL_MANIFEST);
      const detector = manifest ? await Detector.fromManifestFile(manifest) : null;
      try {
        const dem: ElevationSource | null = opts.dem ? await openDem(opts.dem) : null;
        const inputs = await expandInputs(paths);
        const concurrency = opts.concurrency ? Number(opts.concurrency) : undefined;
        const distanceM = Number(opts.mergeDistance ?? 25);
        if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
          throw new Error(
            `--concurrency 必须是正整数 / --concurrency must be a positive integer, got ${opts.concurrency}`,
          );
        if (!(distanceM > 0))
          throw new Error(`--merge-distance 必须为正 / --merge-distance must be positive, got ${opts.mergeDistance}`);
        const showBar = process.stderr.isTTY === true;
        const result = await triageBatch(inputs, {
          detector,
          dem,
          concurrency,
          merge: { distanceM },
          photoTimeZone: opts.timeZone,
          onProgress: showBar ? progressBar : undefined,
        });
        const photos = result.photos.map(photoReport);
        const incidents = result.incidents.map((i) => incidentReport(i, result.photos));
        const summary = {
          photos: result.photos.length,
          ok: result.photos.filter((p) => p.status === 'ok').length,
          unlocated: result.photos.filter((p) => p.status === 'unlocated').length,
          errors: result.photos.filter((p) => p.status === 'error').length,
          detections: result.photos.reduce((n, p) => n + p.detections.length, 0),
          incidents: incidents.length,
          wallMs: Math.round(result.wallMs),
        };
        if (opts.json) {
          const out = {
            model: detector ? detector.manifest.name : null,
            ...(detector ? {} : { note: NO_MODEL_NOTE }),
            dem: opts.dem ?? null,
            summary,
            photos,
            incidents,
          };
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        if (!detector) process.stdout.write(`${NO_MODEL_NOTE}\n`);
        for (const p of result.photos) {
          const c = p.ground.centerGround;
          const where = c ? `${c.lat.toFixed(6)}, ${c.lon.toFixed(6)} ±${c.errorM.toFixed(1)} m` : '—';
          const errs = p.issues.filter((i) => i.severity === 'error').map((i) => i.message);
          process.stdout.write(
            `${p.status.padEnd(9)} ${p.source}  centre ${where}  detections ${p.detections.length}${errs.length ? `  ${errs.join('; ')}` : ''}\n`,
          );
        }
        for (const i of incidents)
          process.stdout.write(
            `incident ${String(i.id)} ${String(i.class)} at ${JSON.stringify(i.lonLat)} (${(i.photos as string[]).length} photos)\n`,
          );
        process.stdout.write(
          `${summary.photos} 照片 photos: ${summary.ok} ok, ${summary.unlocated} unlocated, ${summary.errors} errors; ${summary.detections} detections, ${summary.incidents} incidents\n`,
        );
      } finally {
        await detector?.close();
      }
    });
}
