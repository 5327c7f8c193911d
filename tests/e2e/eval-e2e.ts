/**
 * `npm run eval:e2e`: the evaluation scenario as it is (its autumn haze, its planted incidents) flown by the
 * simulator and triaged by `xuncha serve` with the shipped default model, scored against the ground truth with the
 * issue's thresholds: every planted incident filed exactly once, at most one false case per 10 km² flown, median
 * ground-position error ≤ 5 m. Prints the figures (JSON lines); asserts nothing.
 *
 *   npm run eval:e2e -- [--side 200] [--alt 80] [--width 1056] [--speedup 20] [--incidents id,id,…]
 *
 * Photos are rendered after landing (a large render in flight would stall the simulated link).
 *
 * One drone (uav-dasha) flies a survey of a `--side` m square around each chosen incident (default: those within
 * 2.5 km of its home). Every incident the model reports files itself (auto-file score 0): the score is the model's.
 */
import { startServeStack } from '../support/service-stack.ts';
import { flySortie, registerDrone, squareAround, squareKm2, surveyPlan } from './patrol.ts';
import { filedCases, metresBetween, scoreCases, ISSUE_THRESHOLDS } from './score.ts';
import { evaluationScenario, plantedIncidents, smallM3e, startPatrolWorld } from './world.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}
const SIDE_M = Number(arg('side', '200'));
const ALT_M = Number(arg('alt', '80'));
const CAMERA = smallM3e(Number(arg('width', '1056')));
const SPEEDUP = Number(arg('speedup', '20'));
const t0 = Date.now();
const say = (line: string) => process.stderr.write(`[eval ${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}\n`);

const scenario = await evaluationScenario((s) => ({ ...s, camera: CAMERA }));
const home = scenario.drones[0]!.home;
const chosen = arg('incidents', '')
  ? arg('incidents', '').split(',')
  : scenario.incidents.filter((i) => metresBetween(home, i) <= 2500).map((i) => i.id);
const incidents = scenario.incidents.filter((i) => chosen.includes(i.id));
const warmAt = incidents.map((i) => [i.lon, i.lat] as [number, number]);
const stack = await startServeStack({ model: 'default' });
const world = await startPatrolWorld({
  scenario,
  ingestUrl: `${stack.base}/api/images`,
  token: await stack.token('demo-operator'),
  drones: 1,
  speedup: SPEEDUP,
  warmAt: [[home.lon, home.lat], ...warmAt],
  renderAfterLanding: true,
});
try {
  for (const c of ['straw_burning', 'sewage_outfall', 'exposed_slope'])
    await stack.api('demo-admin', 'PUT', `/api/categories/${c}`, { autoFileMinScore: 0 });
  const vehicle = world.sim.vehicles[0]!;
  const droneId = await registerDrone(stack, 'uav-dasha', vehicle.connection);
  const rings = incidents.map((i) => squareAround(i.lon, i.lat, SIDE_M));
  const { planId, sortieCount } = await surveyPlan(stack, {
    name: '评估巡查',
    rings,
    droneId,
    launch: [home.lon, home.lat],
    altAglM: ALT_M,
  });
  say(`plan over ${incidents.map((i) => i.id).join(', ')}: ${sortieCount} sortie(s)`);
  let photos = 0;
  for (let s = 0; s < sortieCount; s++) {
    const { progress } = await flySortie(stack, world, {
      planId,
      sortieIndex: s,
      droneId,
      sysId: vehicle.sysId,
      deliveries: s + 1,
    });
    photos += progress.photos.received as number;
    say(`sortie ${s + 1}/${sortieCount}: ${JSON.stringify(progress.photos)}`);
  }
  const cases = await stack.api('demo-dispatcher', 'GET', '/api/cases?source=drone&limit=200');
  const inside = plantedIncidents(scenario).filter((p) =>
    rings.some((r) => p.lon > r[0]![0] && p.lon < r[1]![0] && p.lat > r[0]![1] && p.lat < r[2]![1]),
  );
  const score = scoreCases(inside, filedCases(cases.body.items), { flownKm2: rings.length * squareKm2(SIDE_M) });
  console.log(
    JSON.stringify({
      case: 'eval-e2e',
      model: 'default',
      scenario: 'evaluation.json',
      photos,
      photoPx: `${CAMERA.imageWidthPx}x${CAMERA.imageHeightPx}`,
      altAglM: ALT_M,
      ...score,
    }),
  );
  console.log(
    JSON.stringify({
      case: 'eval-e2e-thresholds',
      everyIncidentFiledOnce: score.meets.everyIncidentOnce,
      falsePer10Km2: Math.round(score.falsePer10Km2 * 10) / 10,
      falseRateAtMost: ISSUE_THRESHOLDS.maxFalsePer10Km2,
      falseRateMet: score.meets.falseRate,
      medianErrorM: score.medianErrorM === null ? null : Math.round(score.medianErrorM * 10) / 10,
      medianErrorAtMostM: ISSUE_THRESHOLDS.maxMedianErrorM,
      medianErrorMet: score.meets.medianError,
    }),
  );
} finally {
  await world.stop();
  await stack.stop();
}
