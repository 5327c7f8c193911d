import { startSimulation } from '@xuncha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLinkConnection } from '../../src/drones/link-adapter.ts';
import { SimpleLinkManager } from '../../src/drones/link-port.ts';
import { startHarness, type Harness } from './harness.ts';

type Sim = Awaited<ReturnType<typeof startSimulation>>;

/** Polls `fn` until it returns a value for which `ok` holds (the simulator flies in real time, sped up). */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a mission flown end to end against the simulator', () => {
  let sim: Sim;
  let h: Harness;
  const links = new SimpleLinkManager(openLinkConnection);

  beforeAll(async () => {
    sim = await startSimulation({
      drones: 1,
      speedup: 10,
      basePort: 0,
      host: '127.0.0.1',
      personality: 'ardupilot',
      seed: 7,
      bootDelayS: 0,
    });
    h = await startHarness(undefined, { links });
  });
  afterAll(async () => {
    await links.closeAll();
    await h?.close();
    await sim?.stop();
  });

  it('uploads, flies, returns to launch, resumes from the last reached item and completes, with a stored track', async () => {
    const op = h.tokens.operator;
    const drone = await h.call('POST', '/api/drones', {
      token: op,
      body: { name: 'SIM-1', model: 'm3e', camera: 'm3e-wide', connection: sim.vehicles[0]!.connection },
    });
    expect(drone.status, JSON.stringify(drone.body)).toBe(201);
    const droneId = drone.body.id as string;
    const conn = await h.call('POST', `/api/drones/${droneId}/connect`, { token: op });
    expect(conn.status, JSON.stringify(conn.body)).toBe(200);
    await until(
      () => h.call('GET', `/api/drones/${droneId}`, { token: op }),
      (r) => r.body.status.connected && r.body.status.position,
      'position',
    );

    const [lon, lat] = [119.1405, 28.0705];
    const d = 0.0012;
    const area = await h.call('POST', '/api/areas', {
      token: op,
      body: {
        type: 'Feature',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [lon, lat],
              [lon + d, lat],
              [lon + d, lat + d],
              [lon, lat + d],
              [lon, lat],
            ],
          ],
        },
        properties: { kind: 'farmland', name: '仿真田' },
      },
    });
    const plan = await h.call('POST', '/api/plans', {
      token: op,
      body: {
        name: 'sim',
        pattern: 'survey',
        areaIds: [area.body.id],
        params: { altAglM: 40, launch: [119.14, 28.07] },
        droneId,
      },
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);

    const m = await h.call('POST', '/api/missions', { token: op, body: { planId: plan.body.id, droneId } });
    const id = m.body.id as string;
    const act = (a: string) => h.call('POST', `/api/missions/${id}/${a}`, { token: op });
    const get = () => h.call('GET', `/api/missions/${id}`, { token: op });

    const up = await act('upload');
    expect(up.body.state, JSON.stringify(up.body)).toBe('uploaded');
    const start = await act('start');
    expect(start.body.state, JSON.stringify(start.body)).toBe('flying');
    expect(start.body.flightId).toBeTruthy();

    const reached = await until(get, (r) => (r.body.lastReachedSeq ?? -1) >= 2, 'item 2 reached');
    const rtl = await act('rtl');
    expect(rtl.body).toMatchObject({ state: 'interrupted' });
    const cont = await act('continue');
    expect(cont.body.state, JSON.stringify(cont.body)).toBe('flying');
    expect(cont.body.progress.resumedFrom).toBeGreaterThanOrEqual(reached.body.lastReachedSeq);

    const done = await until(
      get,
      (r) => r.body.state === 'completed' || r.body.state === 'failed',
      'completion',
      150_000,
    );
    expect(done.body.state, JSON.stringify(done.body)).toBe('completed');

    const flights = await h.call('GET', `/api/drones/${droneId}/flights`, { token: op });
    expect(flights.body.items.length).toBeGreaterThanOrEqual(1);
    const track = await h.call('GET', `/api/flights/${done.body.flightId}/track`, { token: h.tokens.officer });
    expect(track.status).toBe(200);
    expect(track.body.geometry.type).toBe('LineString');
    expect(track.body.geometry.coordinates.length).toBeGreaterThan(2);
    expect(track.body.properties.coordTimes).toHaveLength(track.body.geometry.coordinates.length);

    // Live telemetry over SSE.
    const ac = new AbortController();
    const res = await fetch(`${h.base}/api/drones/${droneId}/telemetry`, {
      headers: { authorization: `Bearer ${op}` },
      signal: ac.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: status')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    const data = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: status')))![1]!) as {
      connected: boolean;
      droneId: string;
    };
    expect(data).toMatchObject({ droneId, connected: true });

    const fleetAc = new AbortController();
    const fleetRes = await fetch(`${h.base}/api/fleet/telemetry`, {
      headers: { authorization: `Bearer ${h.tokens.officer}` },
      signal: fleetAc.signal,
    });
    const fleetReader = fleetRes.body!.getReader();
    let fleetText = '';
    while (!/event: fleet\ndata: .*\n/.test(fleetText))
      fleetText += new TextDecoder().decode((await fleetReader.read()).value);
    fleetAc.abort();
    const fleet = JSON.parse(/event: fleet\ndata: (.*)\n/.exec(fleetText)![1]!) as {
      drones: { droneId: string; connected: boolean }[];
    };
    expect(fleet.drones.find((x) => x.droneId === droneId)).toMatchObject({ connected: true });

    // The drone landed at the end of its mission and stays in AUTO, where ArduCopter refuses to arm ("Mode not
    // armable"): the next mission still starts (the link arms it in GUIDED).
    await until(
      () => h.call('GET', `/api/drones/${droneId}`, { token: op }),
      (r) => r.body.status.armed === false && r.body.status.flightMode === 'mission',
      'landed and disarmed in AUTO',
    );
    const next = await h.call('POST', '/api/missions', { token: op, body: { planId: plan.body.id, droneId } });
    const up2 = await h.call('POST', `/api/missions/${next.body.id}/upload`, { token: op });
    expect(up2.body.state, JSON.stringify(up2.body)).toBe('uploaded');
    const start2 = await h.call('POST', `/api/missions/${next.body.id}/start`, { token: op });
    expect(start2.body.state, JSON.stringify(start2.body)).toBe('flying');
    await until(
      () => h.call('GET', `/api/drones/${droneId}`, { token: op }),
      (r) => r.body.status.armed === true && r.body.status.flightMode === 'mission',
      'armed and flying the next mission',
    );
  }, 200_000);
});
