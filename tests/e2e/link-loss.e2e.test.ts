/**
 * Bad input: a drone loses its link mid-patrol. The autopilot's GCS failsafe brings it home; the service marks the
 * mission interrupted at its last reached item; the photos it took so far are delivered by the dock and triaged;
 * the schedule's next occurrence starts a new mission from that item, which completes the patrol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeStack, type ServeStack } from '../support/service-stack.ts';
import { until } from '../support/until.ts';
import {
  flightTriaged,
  missionEnded,
  nextMinute,
  nextScheduledFlight,
  registerDrone,
  scheduleNow,
  squareAround,
  squareKm2,
  surveyPlan,
} from './patrol.ts';
import { filedCases, scoreCases } from './score.ts';
import { plantedIncidents, scarDetectorScenario, startPatrolWorld, type PatrolWorld } from './world.ts';

const FIRE_ID = 'burn-dasha-1';
const SIDE_M = 200;

describe('a drone that loses its link mid-patrol', () => {
  let stack: ServeStack;
  let world: PatrolWorld;

  beforeAll(async () => {
    stack = await startServeStack({ model: 'scar' });
    const scenario = await scarDetectorScenario();
    world = await startPatrolWorld({
      scenario,
      ingestUrl: `${stack.base}/api/images`,
      token: await stack.token('demo-operator'),
      drones: 1,
      speedup: 20,
      // The link clock runs at up to 10× (the service hears a GCS heartbeat every 10 link-seconds at most).
      autopilot: { gcsFailsafeS: 30 },
    });
  });
  afterAll(async () => {
    await world?.stop();
    await stack?.stop();
  });

  it('is marked interrupted, its photos are triaged, and the next occurrence resumes from the last reached item', async () => {
    expect(
      (await stack.api('demo-admin', 'PUT', '/api/categories/straw_burning', { autoFileMinScore: 0.2 })).status,
    ).toBe(200);
    const vehicle = world.sim.vehicles[0]!;
    const home = world.scenario.drones[0]!.home;
    const droneId = await registerDrone(stack, 'uav-dasha', vehicle.connection);
    const fire = world.scenario.incidents.find((i) => i.id === FIRE_ID)!;
    const ring = squareAround(fire.lon, fire.lat, SIDE_M);
    const { planId } = await surveyPlan(stack, {
      name: '断链测试',
      rings: [ring],
      droneId,
      launch: [home.lon, home.lat],
    });
    // Occurrences every two minutes for a while: the first flies, the next ones find the drone busy (skipped) or
    // back on the ground after the failsafe (they resume).
    const first = nextMinute().getUTCMinutes();
    const minutes = Array.from({ length: 8 }, (_, i) => (first + 2 * i) % 60).sort((a, b) => a - b);
    const scheduleId = await scheduleNow(stack, planId, droneId, `FREQ=HOURLY;BYMINUTE=${minutes.join(',')}`);

    const m1 = await nextScheduledFlight(stack, world, { scheduleId, droneId, sysId: vehicle.sysId });
    const get = async (id: string) => (await stack.api('demo-operator', 'GET', `/api/missions/${id}`)).body;
    // Well into the survey, past the fire, the link goes silent (nothing in or out) for a while.
    const half = Math.floor(m1.itemCount / 2);
    await until(
      () => get(m1.id),
      (m) => (m.lastReachedSeq ?? -1) >= half,
      `item ${half} reached`,
      240_000,
    );
    vehicle.setFaults({ linkCutForS: 200 });
    const cut = await missionEnded(stack, m1.id);
    expect(cut.state, JSON.stringify(cut)).toBe('interrupted');
    expect(cut.progress).toMatchObject({ interruptedBy: 'link' });
    expect(cut.error).toMatch(/link lost/);
    const reachedAtCut = cut.lastReachedSeq as number;
    expect(reachedAtCut).toBeGreaterThanOrEqual(half);
    expect(reachedAtCut).toBeLessThan(m1.itemCount - 1);

    // The failsafe brought it home; once it landed, the dock delivered what it shot, and all of it is triaged.
    const p1 = await flightTriaged(stack, world, { flightId: m1.flightId, deliveries: 1 });
    expect(p1.photos.received).toBe(world.deliveries[0]!.report.delivered.length);
    expect(p1.photos.received).toBeGreaterThan(0);
    expect(p1.photos.failed).toBe(0);

    // The next occurrence (once the link is back and the drone passes pre-flight) resumes from the last reached item.
    const m2 = await nextScheduledFlight(stack, world, {
      scheduleId,
      droneId,
      sysId: vehicle.sysId,
      known: [m1.id],
      timeoutMs: 420_000,
    });
    expect(m2.progress).toMatchObject({ resumeFrom: reachedAtCut, resumesMissionId: m1.id });
    expect((await get(m1.id)).progress).toMatchObject({ resumedBy: m2.id });
    const done = await missionEnded(stack, m2.id);
    expect(done.state, JSON.stringify(done)).toBe('completed');
    const p2 = await flightTriaged(stack, world, { flightId: m2.flightId, deliveries: 2 });
    expect(p2.photos.failed).toBe(0);
    // The resumed flight did not fly the first part again: together the two flights took about the planned shots.
    expect(p2.photos.received).toBeLessThan(p2.photos.expected);
    expect(p1.photos.received + p2.photos.received).toBeGreaterThanOrEqual(p2.photos.expected);

    // The fire seen on either flight is one case.
    const cases = await until(
      () => stack.api('demo-dispatcher', 'GET', '/api/cases?source=drone'),
      (r) => r.body?.items?.length > 0,
      'a case',
    );
    const inside = plantedIncidents(world.scenario).filter((p) => p.id === FIRE_ID);
    const score = scoreCases(inside, filedCases(cases.body.items), { flownKm2: squareKm2(SIDE_M) });
    expect(score.incidents[0]!.cases, JSON.stringify(score)).toBe(1);
    expect(score.falseCases).toEqual([]);
  });
});
