/**
 * Steps of a patrol as a person (or an outside system) drives them over the HTTP API, shared by the end-to-end
 * tests and the evaluation: a drone registered and connected, areas drawn, a survey plan, a schedule that fires
 * now, the flight followed to landing, its photos delivered by the dock and triaged.
 */
import type { ServiceApi as ServiceStack } from '../support/service-stack.ts';
import { until } from '../support/until.ts';
import type { PatrolWorld } from './world.ts';

export type LonLat = [number, number];

/** A square `sideM` wide centred on a point (a field drawn around a spot). */
export function squareAround(lon: number, lat: number, sideM: number): LonLat[] {
  const dLat = sideM / 2 / 110_574;
  const dLon = sideM / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  return [
    [lon - dLon, lat - dLat],
    [lon + dLon, lat - dLat],
    [lon + dLon, lat + dLat],
    [lon - dLon, lat + dLat],
    [lon - dLon, lat - dLat],
  ];
}

/** Area of a square of `sideM`, km². */
export const squareKm2 = (sideM: number) => (sideM * sideM) / 1e6;

export async function registerDrone(stack: ServiceStack, name: string, connection: string): Promise<string> {
  const d = await stack.api('demo-operator', 'POST', '/api/drones', {
    name,
    model: 'm3e',
    camera: 'm3e-wide',
    connection,
  });
  if (d.status !== 201) throw new Error(`drone not registered: ${JSON.stringify(d.body)}`);
  const id = d.body.id as string;
  const c = await stack.api('demo-operator', 'POST', `/api/drones/${id}/connect`);
  if (c.status !== 200) throw new Error(`drone not connected: ${JSON.stringify(c.body)}`);
  await until(
    () => stack.api('demo-operator', 'GET', `/api/drones/${id}`),
    (r) => Boolean(r.body?.status?.connected && r.body.status.position),
    `${name} position`,
  );
  return id;
}

/** Farmland areas (one per ring) and a survey plan over them for the drone. */
export async function surveyPlan(
  stack: ServiceStack,
  o: { name: string; rings: LonLat[][]; droneId: string; launch: LonLat; altAglM?: number },
): Promise<{ planId: string; sortieCount: number; plan: Record<string, unknown> }> {
  const areaIds: string[] = [];
  for (const [i, ring] of o.rings.entries()) {
    const a = await stack.api('demo-operator', 'POST', '/api/areas', {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { kind: 'farmland', name: `${o.name} ${i + 1}` },
    });
    if (a.status !== 201) throw new Error(`area not created: ${JSON.stringify(a.body)}`);
    areaIds.push(a.body.id as string);
  }
  const p = await stack.api('demo-operator', 'POST', '/api/plans', {
    name: o.name,
    pattern: 'survey',
    areaIds,
    params: { altAglM: o.altAglM ?? 60, launch: o.launch },
    droneId: o.droneId,
  });
  if (p.status !== 201) throw new Error(`plan not created: ${JSON.stringify(p.body)}`);
  return { planId: p.body.id as string, sortieCount: p.body.sortieCount as number, plan: p.body };
}

/** Wall-clock minute `at` in Asia/Shanghai (UTC+8 all year), `YYYY-MM-DDTHH:mm`, as a schedule's dtstart. */
export function shanghaiMinute(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}

/** The next whole minute from now, at least `leadS` seconds away. */
export function nextMinute(leadS = 5): Date {
  return new Date(Math.ceil((Date.now() + leadS * 1000) / 60_000) * 60_000);
}

/**
 * A patrol schedule whose first occurrence is the next whole minute (a schedule fires only occurrences after it was
 * made); hourly unless `rrule` says otherwise.
 */
export async function scheduleNow(
  stack: ServiceStack,
  planId: string,
  droneId: string,
  rrule = 'FREQ=HOURLY',
): Promise<string> {
  const s = await stack.api('demo-operator', 'POST', '/api/schedules', {
    name: `patrol ${planId}`,
    planId,
    rrule,
    dtstart: shanghaiMinute(nextMinute()),
    droneIds: [droneId],
  });
  if (s.status !== 201) throw new Error(`schedule not created: ${JSON.stringify(s.body)}`);
  return s.body.id as string;
}

/** Missions of a schedule (newest last). */
export async function scheduleMissions(stack: ServiceStack, scheduleId: string, droneId: string) {
  const r = await stack.api('demo-operator', 'GET', `/api/missions?droneId=${droneId}&limit=100`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const items = (r.body?.items ?? []) as any[];
  return items
    .filter((m) => m.scheduleId === scheduleId)
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
}

/**
 * Waits for a mission of the schedule other than `known` to fly, tells the dock its flight (as the cloud tells a
 * dock its flight task), and returns it.
 */
export async function nextScheduledFlight(
  stack: ServiceStack,
  world: PatrolWorld,
  o: { scheduleId: string; droneId: string; sysId: number; known?: string[]; timeoutMs?: number },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const known = new Set(o.known ?? []);
  const missions = await until(
    () => scheduleMissions(stack, o.scheduleId, o.droneId),
    (ms) => ms.some((m) => !known.has(m.id) && m.flightId),
    'the scheduled mission to take off',
    o.timeoutMs ?? 150_000,
  ).catch(async (err: Error) => {
    const occ = await stack.api('demo-operator', 'GET', `/api/schedules/${o.scheduleId}/occurrences`);
    const s = await stack.api('demo-operator', 'GET', `/api/schedules/${o.scheduleId}`);
    throw new Error(`${err.message}; schedule ${JSON.stringify(s.body)}; occurrences ${JSON.stringify(occ.body)}`);
  });
  const m = missions.find((x) => !known.has(x.id) && x.flightId)!;
  world.flights.tell(o.sysId, { flightId: m.flightId as string });
  return m;
}

/** Waits for a mission to end (completed, failed or interrupted). */
export async function missionEnded(stack: ServiceStack, missionId: string, timeoutMs = 240_000) {
  const r = await until(
    () => stack.api('demo-operator', 'GET', `/api/missions/${missionId}`),
    (x) => ['completed', 'failed', 'interrupted'].includes(x.body?.state),
    `mission ${missionId} to end`,
    timeoutMs,
  );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return r.body as any;
}

/** Waits until the dock has delivered `count` batches in all, then until every photo of the flight is triaged. */
export async function flightTriaged(
  stack: ServiceStack,
  world: PatrolWorld,
  o: { flightId: string; deliveries: number; timeoutMs?: number },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  await until(
    () => world.deliveries.length,
    (n) => n >= o.deliveries,
    'the dock delivery',
    900_000,
  );
  const p = await until(
    () => stack.api('demo-officer', 'GET', `/api/flights/${o.flightId}/progress`),
    (r) => r.body?.photos?.received > 0 && r.body.photos.triaged === r.body.photos.received,
    `flight ${o.flightId} triaged`,
    o.timeoutMs ?? 240_000,
  );
  return p.body;
}

/**
 * Flies one sortie of a plan by hand (create, upload, start), tells the dock its flight, and waits until it landed
 * and the dock delivered `deliveries` batches in all and every photo of it is triaged. Returns the flight progress.
 */
export async function flySortie(
  stack: ServiceStack,
  world: PatrolWorld,
  o: { planId: string; sortieIndex?: number; droneId: string; sysId: number; deliveries: number },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ mission: any; progress: any }> {
  const m = await stack.api('demo-operator', 'POST', '/api/missions', {
    planId: o.planId,
    droneId: o.droneId,
    sortieIndex: o.sortieIndex ?? 0,
  });
  if (m.status !== 201) throw new Error(`mission not created: ${JSON.stringify(m.body)}`);
  const up = await stack.api('demo-operator', 'POST', `/api/missions/${m.body.id}/upload`);
  if (up.body?.state !== 'uploaded') throw new Error(`upload: ${JSON.stringify(up.body)}`);
  const start = await stack.api('demo-operator', 'POST', `/api/missions/${m.body.id}/start`);
  if (start.body?.state !== 'flying') throw new Error(`start: ${JSON.stringify(start.body)}`);
  world.flights.tell(o.sysId, { flightId: start.body.flightId as string });
  const done = await missionEnded(stack, m.body.id as string, 600_000);
  if (done.state !== 'completed') throw new Error(`mission ended ${done.state}: ${JSON.stringify(done)}`);
  const progress = await flightTriaged(stack, world, {
    flightId: start.body.flightId as string,
    deliveries: o.deliveries,
    timeoutMs: 1_800_000,
  });
  return { mission: done, progress };
}

/**
 * Waits for the drone-found cases of a flight; when none comes, the error says what triage made of the flight (its
 * incidents with their confidence and review state), which is what a person debugging the loop looks at first.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function droneCases(stack: ServiceStack, flightId: string, timeoutMs = 120_000): Promise<any[]> {
  try {
    const r = await until(
      () => stack.api('demo-dispatcher', 'GET', '/api/cases?source=drone'),
      (x) => x.body?.items?.length > 0,
      'a case filed from the flight',
      timeoutMs,
    );
    return r.body.items;
  } catch (err) {
    const inc = await stack.api('demo-officer', 'GET', `/api/incidents?flightId=${flightId}&limit=50`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const seen = ((inc.body?.items ?? []) as any[]).map((i) => ({
      id: i.id,
      class: i.class,
      confidence: i.confidence,
      reviewState: i.reviewState,
      photos: i.photoCount,
    }));
    throw new Error(`${(err as Error).message}; incidents of flight ${flightId}: ${JSON.stringify(seen)}`);
  }
}
