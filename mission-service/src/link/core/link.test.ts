import { afterEach, describe, expect, it } from 'vitest';
import { MavlinkLink } from './link.ts';
import { LinkError } from '../errors.ts';
import { MavMissionResult } from '../mavlink/enums.ts';
import { common, type minimal } from '../mavlink/messages.ts';
import { tcpPeerServer, udpPeer, vehicleHeartbeat, type RawPeer } from '../testing/raw-peer.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function udpLink(opts: Parameters<typeof MavlinkLink.connect>[1] = {}): Promise<MavlinkLink> {
  const link = await MavlinkLink.connect('udpin://127.0.0.1:0', { heartbeatIntervalMs: 50, ...opts });
  cleanups.push(() => link.close());
  return link;
}

async function peerFor(link: MavlinkLink): Promise<RawPeer> {
  const peer = await udpPeer({ host: '127.0.0.1', port: link.localAddress()!.port });
  cleanups.push(() => peer.close());
  return peer;
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('MavlinkLink over UDP', () => {
  it('discovers a vehicle by heartbeat (autopilot, type) and sends its own GCS heartbeat back', async () => {
    const link = await udpLink();
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat('ardupilot', 2), { sysId: 7 });
    const v = await link.waitForVehicle({ deadlineMs: 3000 });
    expect(v.sysId).toBe(7);
    expect(v.compId).toBe(1);
    expect(v.autopilot).toBe('ardupilot');
    expect(v.vehicleType).toBe('copter');
    expect(v.connected.value).toBe(true);
    const hb = await peer.waitFor((f) => f.msgId === 0);
    expect(hb.sysId).toBe(255);
    expect((hb.data as minimal.Heartbeat).type).toBe(6);
  });

  it('keeps several vehicles on one connection apart and routes each message to its own system', async () => {
    const link = await udpLink();
    const a = await peerFor(link);
    const b = await peerFor(link);
    a.send(vehicleHeartbeat('px4', 1), { sysId: 1 });
    b.send(vehicleHeartbeat('ardupilot', 2), { sysId: 2 });
    const v1 = await link.waitForVehicle({ sysId: 1 });
    const v2 = await link.waitForVehicle({ sysId: 2 });
    expect([v1.autopilot, v1.vehicleType]).toEqual(['px4', 'fixed_wing']);
    expect([v2.autopilot, v2.vehicleType]).toEqual(['ardupilot', 'copter']);
    const pos = new common.GlobalPositionInt();
    pos.lat = 281_234_567;
    pos.lon = 1_191_234_567;
    pos.alt = 300_000;
    pos.relativeAlt = 50_000;
    b.send(pos, { sysId: 2 });
    await v2.telemetry.position.waitFor(() => true);
    expect(v2.telemetry.position.value).toMatchObject({ latDeg: 28.1234567, altRelM: 50, altAmslM: 300 });
    expect(v1.telemetry.position.value).toBeUndefined();
    // Replies go to the vehicle's own address only.
    const before = a.received.length;
    v2.send(new common.MissionRequestList());
    await b.waitFor((f) => f.msgId === common.MissionRequestList.MSG_ID);
    expect(a.received.slice(before).some((f) => f.msgId === common.MissionRequestList.MSG_ID)).toBe(false);
  });

  it('counts and drops garbage, truncated frames, bad CRC, unknown ids and unknown systems without throwing', async () => {
    const link = await udpLink();
    const peer = await peerFor(link);
    peer.sendBytes(Buffer.from('not mavlink at all'));
    const good = peer.send(vehicleHeartbeat(), { sysId: 3 });
    await link.waitForVehicle({ sysId: 3 });
    peer.sendBytes(good.subarray(0, good.length - 4)); // truncated
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1]! ^= 0xff;
    peer.sendBytes(badCrc);
    const unknownId = Buffer.from(good);
    unknownId.writeUIntLE(0xfffff0, 7, 3);
    peer.sendBytes(unknownId);
    peer.send(new common.GlobalPositionInt(), { sysId: 99 }); // no heartbeat from 99
    peer.sendBytes(Buffer.from([0xfd, 0xff, 0, 0, 0, 1, 1])); // header claiming 255 bytes
    peer.send(vehicleHeartbeat(), { sysId: 4 });
    await link.waitForVehicle({ sysId: 4 });
    const s = link.stats;
    expect(s.truncated).toBeGreaterThanOrEqual(2);
    expect(s.badCrc).toBeGreaterThanOrEqual(1);
    expect(s.unknownMessage).toBeGreaterThanOrEqual(1);
    expect(s.unknownSystem).toBe(1);
    expect(link.vehicles.has(99)).toBe(false);
  });

  it('counts unsolicited mission acks and requests while no transfer runs, and stays usable', async () => {
    const link = await udpLink();
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat(), { sysId: 6 });
    const v = await link.waitForVehicle({ sysId: 6 });
    const ack = new common.MissionAck();
    ack.targetSystem = 255;
    ack.type = MavMissionResult.ACCEPTED;
    peer.send(ack, { sysId: 6 });
    const req = new common.MissionRequestInt();
    req.seq = 3;
    peer.send(req, { sysId: 6 });
    await until(() => v.mission.unsolicited === 2);
    const clear = v.mission.clear({ deadlineMs: 3000 });
    await peer.waitFor((f) => f.msgId === common.MissionClearAll.MSG_ID);
    peer.send(ack, { sysId: 6 });
    await expect(clear).resolves.toBeUndefined();
  });

  it('marks a vehicle lost when heartbeats stop and connected again when they come back', async () => {
    const link = await udpLink({ vehicleTimeoutMs: 200 });
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat(), { sysId: 5 });
    const v = await link.waitForVehicle({ sysId: 5 });
    await v.connected.waitFor((c) => c === false);
    peer.send(vehicleHeartbeat(), { sysId: 5 });
    await v.connected.waitFor((c) => c === true);
    expect(link.vehicles.get(5)).toBe(v);
  });

  it('keeps a vehicle whose heartbeats are lost while its other messages arrive (a lossy radio), and loses it when silent', async () => {
    const link = await udpLink({ vehicleTimeoutMs: 1000 });
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat(), { sysId: 6 });
    const v = await link.waitForVehicle({ sysId: 6 });
    // 3 s without a heartbeat, three timeouts' worth, but a position every 100 ms (margin for a busy machine).
    for (let i = 0; i < 30; i++) {
      peer.send(new common.GlobalPositionInt(), { sysId: 6 });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(v.connected.value).toBe(true);
    await v.connected.waitFor((c) => c === false);
  });

  it('rejects with no_vehicle when nobody shows up before the deadline, and cancelled on abort', async () => {
    const link = await udpLink();
    await expect(link.waitForVehicle({ deadlineMs: 100 })).rejects.toMatchObject({ result: 'no_vehicle' });
    const ac = new AbortController();
    const p = link.waitForVehicle({ signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ result: 'cancelled' });
  });
});

describe('MAVLink 2 signing', () => {
  const key = Buffer.alloc(32, 0x5a);
  const wrong = Buffer.alloc(32, 0x33);

  it('drops unsigned, wrongly signed and replayed frames when a key is set, and accepts correctly signed ones', async () => {
    const link = await udpLink({ signing: { keys: { 9: key } } });
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat(), { sysId: 9 });
    peer.send(vehicleHeartbeat(), { sysId: 9, key: wrong });
    await until(() => link.stats.unsigned === 1 && link.stats.badSignature === 1);
    expect(link.vehicles.has(9)).toBe(false);
    const signed = peer.send(vehicleHeartbeat(), { sysId: 9, key });
    const v = await link.waitForVehicle({ sysId: 9 });
    peer.sendBytes(signed); // replay
    await until(() => link.stats.replayed === 1);
    // Our own frames to that drone are signed with its key.
    const hb = await peer.waitFor((f) => f.msgId === 0 && f.signed);
    expect(hb.signed).toBe(true);
    v.send(new common.MissionRequestList());
    const req = await peer.waitFor((f) => f.msgId === common.MissionRequestList.MSG_ID);
    expect(req.signed).toBe(true);
  });

  it('leaves other systems unsigned when only one drone has a key', async () => {
    const link = await udpLink({ signing: { keys: { 9: key } } });
    const peer = await peerFor(link);
    peer.send(vehicleHeartbeat(), { sysId: 10 });
    await link.waitForVehicle({ sysId: 10 });
    expect(link.stats.unsigned).toBe(0);
  });
});

describe('MavlinkLink over TCP', () => {
  it('redials after the connection drops and the vehicle comes back', async () => {
    const server = await tcpPeerServer();
    cleanups.push(() => server.close());
    const link = await MavlinkLink.connect(`tcp://127.0.0.1:${server.port}`, {
      heartbeatIntervalMs: 50,
      vehicleTimeoutMs: 300,
      reconnect: { initialMs: 20, maxMs: 100 },
    });
    cleanups.push(() => link.close());
    await until(() => server.connections === 1);
    server.send(vehicleHeartbeat('px4', 2), { sysId: 1 });
    const v = await link.waitForVehicle();
    server.dropClient();
    await link.transportUp.waitFor((up) => !up);
    await until(() => server.connections === 2);
    await link.transportUp.waitFor((up) => up);
    server.send(vehicleHeartbeat('px4', 2), { sysId: 1 });
    await v.connected.waitFor((c) => c);
    await server.waitFor((f) => f.msgId === 0);
  });

  it('fails with connection_error when nothing listens', async () => {
    const server = await tcpPeerServer();
    const port = server.port;
    await server.close();
    await expect(MavlinkLink.connect(`tcp://127.0.0.1:${port}`)).rejects.toMatchObject({ result: 'connection_error' });
  });

  it('reports a serial device that does not exist as a typed error', async () => {
    const e = await MavlinkLink.connect('serial:///dev/xuncha-no-such-tty:57600').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LinkError);
    // connection_error with the native binding present, unsupported where it could not be loaded.
    expect(['connection_error', 'unsupported']).toContain((e as LinkError).result);
  });

  it('rejects a connection string with a typo as invalid_argument', async () => {
    for (const bad of [
      'tcp:/127.0.0.1:5760',
      'udpinn://0.0.0.0:14540',
      'tcp://127.0.0.1:99999',
      'tcp://127.0.0.1',
      'serial://',
    ]) {
      const e = await MavlinkLink.connect(bad).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LinkError);
      expect((e as LinkError).result).toBe('invalid_argument');
    }
  });
});
