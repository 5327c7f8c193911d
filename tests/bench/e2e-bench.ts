/**
 * End-to-end benchmark (`npm run bench:e2e`): the real service (startService, embedded database, the shipped
 * default model unless `--model scar`) receives a whole flight's photos from the simulator's dock after landing
 * (HTTP multipart to `/api/images?flightId=…`, in the dock's batches) and triages, merges and files them.
 *
 *   npm run bench:e2e -- [--photos 1000] [--distinct 40] [--width 1600] [--height 1200] [--model default|scar]
 *
 * Photos: `--distinct` shots rendered once by the simulator camera over the evaluation scenario's planted incidents
 * (its weather, its DEM), each copy re-tagged with a JPEG comment of its own so that every one of the `--photos` is
 * a new photo to the service (same pixels and pose as its original). Figures, one JSON line each:
 * - `single`: one photo landed alone on an idle service → its case ready for dispatch (filed, routed, SLA set), or
 *   its triage done when it shows nothing; p50/p95 over the distinct shots;
 * - `flight`: the same per-photo figure inside a flight of `--photos` landed at once (from landing, and from the
 *   photo's arrival at the service: the dock uploads a flight one batch after another), and the whole flight from
 *   landing to every photo triaged and every case filed.
 * No assertions: the targets (p95 < 10 s a photo, a 1,000-photo flight filed within 3 min on 2 cores) are read off.
 */
import os from 'node:os';
import { loadSampleLayers, openDem, sampleDemPath } from '@xuncha/geodata';
import { createCamera } from '../../simulator/src/camera/camera.ts';
import { deliverPhotos, DockFlights, scenarioWeather } from '../../simulator/src/index.ts';
import { percentile } from '../../mission-service/src/bench/latency.ts';
import { startServiceStack } from '../support/service-stack.ts';
import { until } from '../support/until.ts';
import { evaluationScenario } from '../e2e/world.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}
const N = Number(arg('photos', '1000'));
const DISTINCT = Number(arg('distinct', '40'));
const W = Number(arg('width', '1600'));
const H = Number(arg('height', '1200'));
const MODEL = arg('model', 'default') as 'default' | 'scar';
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The JPEG with a comment segment (COM) inserted after its leading APPn segments: new bytes, same image. */
function retag(jpeg: Buffer, tag: string): Buffer {
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1]! >= 0xe0 && jpeg[at + 1]! <= 0xef)
    at += 2 + jpeg.readUInt16BE(at + 2);
  const text = Buffer.from(tag, 'utf8');
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, at), com, text, jpeg.subarray(at)]);
}

// Shots: a few over each planted incident (nadir, 80 m above ground), the rest over the fields between them.
const scenario = await evaluationScenario();
const dem = await openDem(sampleDemPath);
const camera = createCamera({
  layers: await loadSampleLayers(),
  dem,
  incidents: scenario.incidents,
  weather: scenarioWeather(scenario),
  camera: {
    name: 'bench',
    sensorWidthMm: 17.3,
    sensorHeightMm: 13.0,
    focalLengthMm: 12.29,
    imageWidthPx: W,
    imageHeightPx: H,
  },
  seed: 7,
});
const t0Render = performance.now();
const shots: Buffer[] = [];
const start = new Date(scenario.startTime ?? '2025-11-05T06:00:00Z');
for (let i = 0; i < DISTINCT; i++) {
  const inc = scenario.incidents[i % scenario.incidents.length]!;
  const ring = Math.floor(i / scenario.incidents.length);
  const lon = inc.lon + (ring % 2 ? 0.0004 : -0.0002) * ring;
  const lat = inc.lat + (ring % 3 ? 0.0003 : -0.0001) * ring;
  const rec = await camera.capture({
    sysId: 1,
    index: i,
    time: new Date(start.getTime() + i * 2000),
    lon,
    lat,
    altAmslM: (dem.elevationAt(lon, lat) ?? 0) + 80,
    altRelM: 80,
    headingDeg: 90,
    gimbalPitchDeg: -90,
  });
  shots.push(rec.jpeg as Buffer);
}
process.stderr.write(`rendered ${DISTINCT} shots at ${W}×${H} in ${r1((performance.now() - t0Render) / 1000)} s\n`);

const stack = await startServiceStack({ model: MODEL });
try {
  const db = stack.service.db;
  await stack.api('demo-admin', 'PUT', '/api/categories/straw_burning', { autoFileMinScore: 0 });
  await stack.api('demo-admin', 'PUT', '/api/categories/sewage_outfall', { autoFileMinScore: 0 });
  await stack.api('demo-admin', 'PUT', '/api/categories/exposed_slope', { autoFileMinScore: 0 });
  const token = await stack.token('demo-operator');
  const url = `${stack.base}/api/images`;

  /**
   * Per photo: landed → ready (its case filed, or its triage done when it leads to no case), ms; and arrived →
   * ready, from the moment the service stored it (inside a flight, the dock's upload of the photos before it is
   * not the service's time).
   */
  const readiness = async (shas: string[], landedMs: number) => {
    const r = await db.query<{ sha256: string; ready: Date | string; arrived: Date | string }>(
      `SELECT i.sha256, i.created_at AS arrived, GREATEST(i.triaged_at, max(c.created_at)) AS ready
         FROM images i LEFT JOIN detections d ON d.image_sha256 = i.sha256
         LEFT JOIN case_reports cr ON cr.incident_id = d.incident_id LEFT JOIN cases c ON c.id = cr.case_id
        WHERE i.sha256 = ANY($1) GROUP BY i.sha256, i.triaged_at, i.created_at`,
      [shas],
    );
    const sorted = (f: (x: (typeof r.rows)[number]) => number) => r.rows.map(f).sort((a, b) => a - b);
    return {
      fromLanding: sorted((x) => new Date(x.ready).getTime() - landedMs),
      fromArrival: sorted((x) => new Date(x.ready).getTime() - new Date(x.arrived).getTime()),
    };
  };
  const settled = (shas: string[], timeoutMs: number) =>
    until(
      async () => {
        const r = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM images WHERE sha256 = ANY($1) AND status IN ('queued', 'processing')`,
          [shas],
        );
        const jobs = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active')`,
        );
        return r.rows[0]!.n + jobs.rows[0]!.n;
      },
      (n) => n === 0,
      'triage and filing to finish',
      timeoutMs,
      100,
    );
  const sha = async (b: Buffer) => (await import('node:crypto')).createHash('sha256').update(b).digest('hex');

  // One photo at a time on an idle service.
  const single: number[] = [];
  for (const [i, jpeg] of shots.entries()) {
    const flightId = `flt_bench_single_${i}`;
    await db.query(`INSERT INTO flights (id) VALUES ($1)`, [flightId]);
    const bytes = retag(jpeg, `single ${i}`);
    const landed = Date.now();
    const rep = await deliverPhotos({
      photos: [{ path: `DJI_${i}_V1.JPG`, jpeg: bytes }] as never,
      to: { url, token },
      flight: { flightId },
    });
    if (rep.failed.length) throw new Error(JSON.stringify(rep.failed));
    await settled([await sha(bytes)], 120_000);
    single.push(...(await readiness([await sha(bytes)], landed)).fromLanding);
  }
  single.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      case: 'single',
      model: MODEL,
      photoPx: `${W}x${H}`,
      photos: single.length,
      landedToReadyP50S: r1(percentile(single, 50) / 1000),
      landedToReadyP95S: r1(percentile(single, 95) / 1000),
      cpus: os.availableParallelism(),
    }),
  );

  // A whole flight landed at once.
  const flightId = 'flt_bench_flight';
  await db.query(`INSERT INTO flights (id) VALUES ($1)`, [flightId]);
  const flights = new DockFlights();
  flights.tell(1, { flightId });
  const photos = Array.from({ length: N }, (_, i) => ({
    path: `DJI_20251105140000_${String(i + 1).padStart(4, '0')}_V1.JPG`,
    jpeg: retag(shots[i % shots.length]!, `flight photo ${i}`),
  }));
  const shas = await Promise.all(photos.map((p) => sha(p.jpeg)));
  const casesBefore = Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases`)).rows[0]!.n);
  const landed = Date.now();
  const rep = await deliverPhotos({ photos: photos as never, to: { url, token, flights } });
  const deliveredS = (Date.now() - landed) / 1000;
  if (rep.failed.length) throw new Error(`${rep.failed.length} failed: ${JSON.stringify(rep.failed[0])}`);
  await settled(shas, 30 * 60_000);
  const allDoneS = (Date.now() - landed) / 1000;
  const per = await readiness(shas, landed);
  const cases =
    Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases`)).rows[0]!.n) - casesBefore;
  console.log(
    JSON.stringify({
      case: 'flight',
      model: MODEL,
      photoPx: `${W}x${H}`,
      photos: N,
      distinctShots: DISTINCT,
      uploadS: r1(deliveredS),
      landedToReadyP50S: r1(percentile(per.fromLanding, 50) / 1000),
      landedToReadyP95S: r1(percentile(per.fromLanding, 95) / 1000),
      arrivedToReadyP50S: r1(percentile(per.fromArrival, 50) / 1000),
      arrivedToReadyP95S: r1(percentile(per.fromArrival, 95) / 1000),
      landingToAllFiledS: r1(allDoneS),
      photosPerS: r1(N / allDoneS),
      newCases: cases,
      cpus: os.availableParallelism(),
    }),
  );
} finally {
  await stack.stop();
}
