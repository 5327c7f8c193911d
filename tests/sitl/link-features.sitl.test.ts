/**
 * The drone link on real ArduCopters beyond one clean connection: two vehicles at once, mission transfer through
 * the lossy proxy at 10 % and 30 % frame loss in both directions, and MAVLink signing (a vehicle given a key by
 * SETUP_SIGNING ignores our unsigned commands and obeys signed ones).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { MavlinkLink } from '../../mission-service/src/link/core/link.ts';
import { LinkError } from '../../mission-service/src/link/errors.ts';
import { startLossyProxy } from '../../mission-service/src/link/testing/lossy-proxy.ts';
import type { SitlVehicle } from '../../simulator/src/runner/ardupilot-sitl.ts';
import { connectSitlClient } from '../../simulator/src/runner/sitl-client.ts';
import { MavType } from '../../simulator/src/vehicle/mav.ts';
import { missionItems } from './support/items.ts';
import { DEMO_HOME, startSitl } from './support/sitl.ts';

let a: SitlVehicle;
let b: SitlVehicle;
const links: MavlinkLink[] = [];
const open = async (url: string, opts: Parameters<typeof MavlinkLink.connect>[1] = {}): Promise<MavlinkLink> => {
  const link = await MavlinkLink.connect(url, opts);
  links.push(link);
  return link;
};
afterAll(async () => {
  for (const l of links) await l.close();
});

beforeAll(async () => {
  // b runs in real time: a signed frame older than a minute by the vehicle's clock is refused, and a SITL at
  // speed-up 10 runs its clock ahead of ours.
  [a, b] = await Promise.all([startSitl({ instance: 4 }), startSitl({ instance: 5, speedup: 1 })]);
});

describe('two real vehicles at once', () => {
  it('each link finds its own vehicle and both take different missions at the same time', async () => {
    const [la, lb] = await Promise.all([open(a.connection), open(b.connection)]);
    // SERIAL0 serves one client at a time: free them for the tests below whatever happens here.
    onTestFinished(() => Promise.all([la.close(), lb.close()]).then(() => undefined));
    const [va, vb] = await Promise.all([
      la.waitForVehicle({ deadlineMs: 30_000 }),
      lb.waitForVehicle({ deadlineMs: 30_000 }),
    ]);
    expect([va.sysId, vb.sysId]).toEqual([a.sysId, b.sysId]);
    expect(a.sysId).not.toBe(b.sysId);
    const there = { lat: DEMO_HOME.lat + 0.001, lon: DEMO_HOME.lon };
    const [ra, rb] = await Promise.all([
      va.mission.upload(missionItems(100, DEMO_HOME), { skipIfUnchanged: false }),
      vb.mission.upload(missionItems(80, there), { skipIfUnchanged: false }),
    ]);
    expect(ra).toMatchObject({ itemCount: 100, verified: true });
    expect(rb).toMatchObject({ itemCount: 80, verified: true });
    const [ha, hb] = await Promise.all([va.mission.download(), vb.mission.download()]);
    expect(ha.length - hb.length).toBe(20);
    expect(hb[2]!.x).not.toBe(ha[2]!.x);
  });
});

describe('mission transfer through the lossy proxy (real ArduCopter, both directions)', () => {
  it.each([10, 30])('loss %i percent: 100 items uploaded and verified', async (lossPct) => {
    // SERIAL1: a port of its own, so this test does not wait for another client to leave SERIAL0.
    const proxy = await startLossyProxy({ listen: 'tcp', target: `tcp://127.0.0.1:${a.cameraPort}`, lossPct, seed: 7 });
    try {
      const link = await open(proxy.connection, { missionTiming: { timeoutMs: 150, retries: 200 } });
      const v = await link.waitForVehicle({ deadlineMs: 30_000 });
      const r = await v.mission.upload(missionItems(100, DEMO_HOME, 40 + lossPct), {
        skipIfUnchanged: false,
        deadlineMs: 240_000,
      });
      expect(r).toMatchObject({ itemCount: 100, verified: true });
      expect(proxy.stats.up.dropped + proxy.stats.down.dropped).toBeGreaterThan(0);
      expect(r.stats.resends).toBeGreaterThan(0);
      process.stdout.write(
        `SITL ${lossPct}% loss: 100 items in ${r.durationMs} ms, resends ${r.stats.resends}, dropped ${proxy.stats.up.dropped} up / ${proxy.stats.down.dropped} down\n`,
      );
      await link.close();
    } finally {
      await proxy.close();
    }
  });
});

describe('signing on a real ArduCopter', () => {
  it('after SETUP_SIGNING the vehicle ignores unsigned commands on SERIAL1 and obeys signed ones', async () => {
    const key = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) key[i] = (i * 37 + 11) & 0xff;
    // Before the key, the same unsigned link on SERIAL1 is obeyed: what follows is signing's doing.
    const before = await open(`tcp://127.0.0.1:${b.cameraPort}`);
    const vb = await before.waitForVehicle({ deadlineMs: 30_000 });
    await vb.action.setFlightMode('stabilize', { deadlineMs: 10_000 });
    await before.close();

    // SERIAL0 is ArduPilot's trusted channel (it accepts unsigned frames there): hand the key over on it.
    const gcs = await connectSitlClient({
      port: b.port,
      sysId: b.sysId,
      compId: 190,
      mavType: MavType.GCS,
      ownSysId: 255,
    });
    try {
      await gcs.waitFor(minimal.Heartbeat, () => true, 20_000);
      const setup = new common.SetupSigning();
      setup.targetSystem = b.sysId;
      setup.targetComponent = 1;
      setup.secretKey = [...key];
      setup.initialTimestamp = BigInt(Math.round((Date.now() - Date.UTC(2015, 0, 1)) * 100));
      gcs.send(setup);
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      gcs.close();
    }

    const unsigned = await open(`tcp://127.0.0.1:${b.cameraPort}`, { commandTiming: { timeoutMs: 500, retries: 2 } });
    const vu = await unsigned.waitForVehicle({ deadlineMs: 30_000 });
    const refused = await vu.action.setFlightMode('alt_hold').then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(LinkError);
    expect((refused as LinkError).result).toBe('timeout');
    await unsigned.close();

    const signed = await open(`tcp://127.0.0.1:${b.cameraPort}`, { signing: { key } });
    const vs = await signed.waitForVehicle({ deadlineMs: 30_000 });
    await vs.action.setFlightMode('alt_hold', { deadlineMs: 10_000 });
    await vs.telemetry.flightMode.waitFor((m) => m === 'alt_hold', AbortSignal.timeout(10_000));
  });
});
