/**
 * Planner benchmark: `npm run bench:planner`. One JSON line per case: compute time, route length,
 * turns, coveredFraction and — for single blocks — the best single-heading lawnmower reference.
 * Times: `computeMs` is the median wall time of 5 runs (3 for the 1,000 blocks) after a warm-up run,
 * `computeMsMin` the fastest, `cpuMs` the median CPU time, `firstRunMs` the cold warm-up run.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { openDem } from '../dem/index.ts';
import { sampleDataDir, sampleDemPath } from '../sample-data.ts';
import type { Plan } from '../plan-schema.ts';
import { normalizeOrientation } from '../planning/clip.ts';
import { planCorridor } from '../planning/corridor.ts';
import { openRing } from '../planning/geom.ts';
import { planHillside } from '../planning/hillside.ts';
import { MAV_CMD } from '../planning/mavlink.ts';
import { makeProjection } from '../planning/projection.ts';
import { referenceLawnmower } from '../planning/reference.ts';
import { planSurvey } from '../planning/survey.ts';

const read = (n: string) =>
  JSON.parse(fs.readFileSync(path.join(sampleDataDir, `${n}.geojson`), 'utf8')) as FeatureCollection;

function turns(plan: Plan): number {
  const lanes = plan.sorties
    .flatMap((s) => s.items)
    .filter((i) => i.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST && (i.param1 ?? 0) > 0).length;
  return Math.max(0, lanes - plan.sorties.length);
}

/** Length without the transits launch → first photo and last photo → launch. */
function workLengthM(plan: Plan): number {
  const f = plan.photos[0];
  const l = plan.photos[plan.photos.length - 1];
  if (!f || !l || plan.sorties.length !== 1) return plan.stats.lengthM;
  const d = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
    turf.distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' });
  return plan.stats.lengthM - d(plan.launch, f) - d(l, plan.launch);
}

function reference(block: Feature<Polygon>, spacingM: number, marginM: number): number {
  const c = block.geometry.coordinates[0]![0]!;
  const proj = makeProjection(c[0]!, c[1]!);
  const poly = normalizeOrientation(block.geometry.coordinates.map((r) => openRing(r.map((p) => proj.forward(p)))));
  return referenceLawnmower(poly, spacingM, marginM).lengthM;
}

interface Timing {
  /** Median wall time of the timed runs (ms). */
  ms: number;
  /** Fastest timed run (ms). */
  minMs: number;
  /** Median CPU time of the timed runs (ms): less sensitive than wall time to a busy machine. */
  cpuMs: number;
  /** The first (cold) run, JIT compilation included (ms). */
  firstMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * One warm-up run (its time is reported as `firstRunMs`) so the figures are the steady state, not
 * the JIT, then `runs` timed runs: the median is robust to a busy machine's hiccups.
 */
function timed<T>(fn: () => T, runs = 5): Timing & { value: T } {
  let t = performance.now();
  let value = fn();
  const firstMs = performance.now() - t;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    t = performance.now();
    value = fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { value, ms: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu), firstMs };
}

function line(name: string, plan: Plan, tm: Timing, extra: Record<string, unknown> = {}) {
  console.log(
    JSON.stringify({
      case: name,
      computeMs: Number(tm.ms.toFixed(1)),
      computeMsMin: Number(tm.minMs.toFixed(1)),
      cpuMs: Number(tm.cpuMs.toFixed(1)),
      firstRunMs: Number(tm.firstMs.toFixed(1)),
      lengthM: plan.stats.lengthM,
      turns: turns(plan),
      coveredFraction: plan.stats.coveredFraction,
      sortieCount: plan.stats.sortieCount,
      photoCount: plan.stats.photoCount,
      areaM2: plan.stats.areaM2,
      warnings: plan.warnings.map((w) => w.code),
      ...extra,
    }),
  );
}

const m = (o: [number, number], x: number, y: number): [number, number] => [
  o[0] + x / (111_320 * Math.cos((o[1] * Math.PI) / 180)),
  o[1] + y / 110_950,
];

async function main() {
  const nofly = read('nofly');
  const altAglM = 80;
  const marginM = 10;
  for (const f of read('farmland').features as Feature<Polygon>[]) {
    const c = f.geometry.coordinates[0]![0]!;
    const launch: [number, number] = [c[0]!, c[1]!];
    const { value: plan, ...tm } = timed(() => planSurvey(f, { altAglM, launch, nofly, turnaroundM: marginM }));
    const ref = reference(f, plan.stats.laneSpacingM, marginM);
    const work = workLengthM(plan);
    line(`farmland/${String(f.properties?.id)}`, plan, tm, {
      workLengthM: Number(work.toFixed(1)),
      referenceLengthM: Number(ref.toFixed(1)),
      vsReference: Number((work / ref).toFixed(3)),
    });
  }
  for (const f of read('rivers').features) {
    const ls = turf.lineString((f.geometry as { coordinates: number[][] }).coordinates);
    const len = turf.length(ls, { units: 'meters' });
    // Launch sites on the bank every 8 km: one battery cannot reach the far end of a county river.
    const sites = Array.from(
      { length: Math.max(1, Math.ceil(len / 8000)) },
      (_, k) =>
        turf.along(ls, Math.min(len, k * 8000 + 2000), { units: 'meters' }).geometry.coordinates as [number, number],
    );
    try {
      const { value: plan, ...tm } = timed(() =>
        planCorridor(f, { altAglM, launch: sites[0], launchSites: sites.slice(1), nofly, drone: 'm350' }),
      );
      line(`river/${String(f.properties?.id)}`, plan, tm, { lineLengthM: Number(len.toFixed(0)) });
    } catch (e) {
      console.log(JSON.stringify({ case: `river/${String(f.properties?.id)}`, error: (e as Error).message }));
    }
  }
  if (fs.existsSync(sampleDemPath)) {
    const dem = await openDem(sampleDemPath);
    for (const f of read('hillsides').features as Feature<Polygon>[]) {
      const c = f.geometry.coordinates[0]![0]!;
      try {
        const { value: plan, ...tm } = timed(() =>
          planHillside(f, { dem, altAglM, launch: [c[0]!, c[1]!], nofly, drone: 'm350' }),
        );
        line(`hillside/${String(f.properties?.id)}`, plan, tm);
      } catch (e) {
        console.log(JSON.stringify({ case: `hillside/${String(f.properties?.id)}`, error: (e as Error).message }));
      }
    }
  }
  // Stress set.
  const o: [number, number] = [119.13, 28.06];
  const ring = (pts: Array<[number, number]>) => [...pts, pts[0]!].map(([x, y]) => m(o, x, y));
  const big = turf.polygon([
    ring([
      [0, 0],
      [1400, 0],
      [1400, 900],
      [900, 900],
      [900, 400],
      [500, 400],
      [500, 900],
      [0, 900],
    ]),
    ring([
      [150, 150],
      [150, 300],
      [300, 300],
      [300, 150],
    ]),
    ring([
      [1100, 500],
      [1200, 700],
      [1250, 500],
    ]),
  ]) as Feature<Polygon>;
  {
    const { value: plan, ...tm } = timed(() =>
      planSurvey(big, { altAglM, launch: m(o, -50, -50), turnaroundM: marginM, drone: 'm350' }),
    );
    const ref = reference(big, plan.stats.laneSpacingM, marginM);
    line('stress/100ha-concave-2-holes', plan, tm, {
      referenceLengthM: Number(ref.toFixed(1)),
      vsReference: Number((plan.stats.lengthM / ref).toFixed(3)),
    });
  }
  {
    const coords = Array.from({ length: 301 }, (_, i) => m(o, i * 100, 300 * Math.sin(i / 15)));
    const sites = [0, 8000, 16000, 24000].map((x) => m(o, x, -200));
    const { value: plan, ...tm } = timed(() =>
      planCorridor(
        { type: 'LineString', coordinates: coords },
        { halfWidthM: 40, altAglM, launch: sites[0]!, launchSites: sites.slice(1), drone: 'm350' },
      ),
    );
    line('stress/river-30km', plan, tm, {
      lineLengthM: Number(turf.length(turf.lineString(coords), { units: 'meters' }).toFixed(0)),
    });
  }
  {
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const blocks: Feature[] = [];
    for (let i = 0; i < 1000; i++) {
      const x = (i % 40) * 220;
      const y = Math.floor(i / 40) * 220;
      const w = 80 + rnd() * 100;
      const h = 60 + rnd() * 100;
      const sk = (rnd() - 0.5) * 40;
      blocks.push(
        turf.polygon(
          [
            ring([
              [x, y],
              [x + w, y + sk],
              [x + w + sk, y + h],
              [x - sk, y + h],
            ]),
          ],
          { id: `b${i}` },
        ),
      );
    }
    const fc: FeatureCollection = { type: 'FeatureCollection', features: blocks };
    const { value: plan, ...tm } = timed(
      () =>
        planSurvey(fc, {
          altAglM,
          launch: m(o, -50, -50),
          turnaroundM: marginM,
          drone: {
            name: 'endless',
            cruiseSpeedMps: 10,
            maxSpeedMps: 15,
            flightTimeS: 1e6,
            reserveFraction: 0,
            ascentMps: 6,
            descentMps: 6,
            turnPenaltyS: 4,
            maxAltRelM: 120,
            minAltRelM: 10,
          },
          camera: 'm3e-wide',
        }),
      3,
    );
    line('stress/1000-blocks', plan, tm);
  }
}

await main();
