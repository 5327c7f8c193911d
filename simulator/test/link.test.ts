/**
 * The vehicle's link: fault injection both ways, malformed bytes, MAVLink 2 signing, UDP out.
 */
import dgram from 'node:dgram';
import { expect, test } from 'vitest';
import { MavLinkPacketSignature, MavLinkPacketSplitter, MavLinkProtocolV2, common, minimal } from 'node-mavlink';
import type { StartSimulationOptions } from '../src/runner/start-simulation.ts';
import { MAV_RESULT } from '../src/vehicle/mav.ts';
import { useSimHarness } from './helpers/sim-harness.ts';
import { until, type TestGcs } from './helpers/test-gcs.ts';

const harness = useSimHarness(10);

function setup(opts: StartSimulationOptions = {}, gcsOpts: { signingKey?: Buffer } = {}) {
  return harness.setup(opts, gcsOpts);
}

/** Sequence numbers of vehicle packets received since `since`. */
function seqs(g: TestGcs, since: number): number[] {
  return g.received.slice(since).map((r) => r.packet.header.seq);
}

async function simSeconds(v: { state(): { timeS: number } }, s: number): Promise<void> {
  const t0 = v.state().timeS;
  await until(() => v.state().timeS >= t0 + s, 10_000, 'sim time');
}

test('packet loss drops about the configured share, both ways', async () => {
  const { v, g } = await setup();
  expect(await g.command(511, [33, 50_000])).toBe(0);
  v.setFaults({ packetLossPct: 30 });
  const since = g.received.length;
  await simSeconds(v, 15);
  const s = seqs(g, since);
  let span = 0;
  for (let i = 1; i < s.length; i++) span += (s[i]! - s[i - 1]! + 256) % 256;
  const lossShare = 1 - (s.length - 1) / span;
  expect(lossShare).toBeGreaterThan(0.2);
  expect(lossShare).toBeLessThan(0.4);
  // Incoming too: some of many commands never arrive (and get no ack).
  const before = v.state().link.packetsIn;
  for (let i = 0; i < 100; i++) {
    const m = new common.CommandLong();
    m.targetSystem = 1;
    m.command = 178;
    m._param2 = -1;
    g.send(m);
  }
  await until(() => v.state().link.packetsIn >= before + 55, 5000, 'commands in');
  await simSeconds(v, 5);
  const arrived = v.state().link.packetsIn - before;
  expect(arrived).toBeGreaterThan(55);
  expect(arrived).toBeLessThan(90);
});

test('duplication sends packets twice; reordering breaks the order; latency delays them', async () => {
  const { v, g } = await setup();
  v.setFaults({ duplicatePct: 100 });
  let since = g.received.length;
  await simSeconds(v, 3);
  const d = seqs(g, since);
  const pairs = d.filter((x, i) => i > 0 && x === d[i - 1]).length;
  expect(pairs).toBeGreaterThan(d.length / 2 - 2);

  v.setFaults({ duplicatePct: 0, reorderPct: 50 });
  since = g.received.length;
  expect(await g.command(511, [33, 20_000])).toBe(0);
  await simSeconds(v, 5);
  const r = seqs(g, since);
  const backwards = r.filter((x, i) => i > 0 && (x - r[i - 1]! + 256) % 256 > 128).length;
  expect(backwards).toBeGreaterThan(0);

  v.setFaults({ reorderPct: 0, latencyMs: 150 });
  const t0 = performance.now();
  expect(await g.command(178, [1, -1])).toBe(0);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
});

test('a link cut silences the link both ways, then it comes back', async () => {
  const { v, g } = await setup();
  expect(v.state().link.clients).toBe(1);
  await g.waitFor(minimal.Heartbeat, () => true, 3000);
  const before = g.received.length - 1; // the sequence is followed from a packet sent before the cut
  v.setFaults({ linkCutForS: 60 }); // link clock at 10×: six seconds of wall time
  const cut = v.state().link;
  const cmd = new common.CommandLong();
  cmd.targetSystem = 1;
  cmd.command = 31001;
  g.send(cmd);
  // The vehicle keeps talking into the cut; once it has sent a dozen packets, lift it. Counters are read in the
  // same turn as setFaults, so `dropped` is exactly what the vehicle sent while cut.
  await until(() => v.state().link.packetsOut >= cut.packetsOut + 12, 10_000, 'packets sent into the cut');
  const during = v.state().link;
  v.setFaults({ linkCutForS: 0 });
  const dropped = during.packetsOut - cut.packetsOut;
  expect(dropped).toBeLessThan(256);
  // Nothing came in while cut: neither the command nor the ground station's heartbeats.
  expect(during.packetsIn).toBe(cut.packetsIn);
  // What went out before the cut arrives in order (TCP); the first packet after it jumps the sequence by exactly
  // the dropped ones: none of them got through.
  const jump = () => {
    const s = seqs(g, before);
    const i = s.findIndex((x, k) => k > 0 && x !== ((s[k - 1]! + 1) & 255));
    return i < 0 ? null : (s[i]! - s[i - 1]! - 1 + 256) % 256;
  };
  await until(() => jump() !== null, 5000, 'the first packet after the cut');
  expect(jump()).toBe(dropped);
  await g.waitFor(minimal.Heartbeat, () => true, 3000);
  expect(g.all(common.CommandAck, before)).toHaveLength(0);
});

test('malformed bytes are counted and never stop the vehicle', async () => {
  const { v, g } = await setup();
  const proto = new MavLinkProtocolV2(255, 190);
  const m = new common.CommandLong();
  m.targetSystem = 1;
  m.command = 178;
  const good = proto.serialize(m, 1);
  const badCrc = Buffer.from(good);
  badCrc.writeUInt8(badCrc.readUInt8(badCrc.length - 1) ^ 0xff, badCrc.length - 1);
  const unknownId = Buffer.from(good);
  unknownId.writeUIntLE(0xfffff0, 7, 3);
  g.writeRaw(
    Buffer.concat([
      Buffer.from('garbage '),
      Buffer.from([0xfd, 0x05]), // a start byte with a length, then no frame
      Buffer.from(' more garbage, and more'),
      badCrc,
      unknownId,
      Buffer.from([0xfe, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), // MAVLink 1 frame with a bad CRC
    ]),
  );
  // Valid traffic afterwards is still understood.
  const res = await g.command(176, [1, 4]);
  expect(res).toBe(MAV_RESULT.ACCEPTED);
  expect(v.state().mode).toBe('GUIDED');
  expect(v.state().link.malformedIn).toBeGreaterThan(0);
});

test('a signed vehicle ignores unsigned, wrongly signed and replayed packets; it signs its own', async () => {
  const key = Buffer.alloc(32, 7);
  const { v, g } = await setup({ signingKey: key });
  // Vehicle → GCS: every packet signed with the key.
  const hb = await g.waitFor(minimal.Heartbeat);
  expect(hb).toBeDefined();
  const last = g.received.at(-1)!;
  expect(last.packet.header.incompatibilityFlags & 1).toBe(1);
  expect(new MavLinkPacketSignature(last.packet.buffer).matches(key)).toBe(true);
  expect(new MavLinkPacketSignature(last.packet.buffer).linkId).toBe(0);

  // Unsigned: no answer.
  const unsigned = await g.command(176, [1, 4], 1, 400).catch(() => 'timeout');
  expect(unsigned).toBe('timeout');
  // Wrong key: no answer.
  const wrong = await harness.connect(v, { signingKey: Buffer.alloc(32, 9), heartbeatMs: 0 });
  expect(await wrong.command(176, [1, 4], 1, 400).catch(() => 'timeout')).toBe('timeout');
  expect(v.state().mode).toBe('STABILIZE');
  expect(v.state().link.rejectedSignature).toBeGreaterThanOrEqual(2);

  // Right key: accepted.
  const right = await harness.connect(v, { signingKey: key, heartbeatMs: 0 });
  expect(await right.command(176, [1, 4])).toBe(MAV_RESULT.ACCEPTED);
  expect(v.state().mode).toBe('GUIDED');

  // Replay of a captured signed frame (old timestamp on a known stream) is rejected.
  const proto = new MavLinkProtocolV2(255, 190, MavLinkProtocolV2.IFLAG_SIGNED);
  const m = new common.CommandLong();
  m.targetSystem = 1;
  m.command = 176;
  m._param1 = 1;
  m._param2 = 5;
  const frame = right.signing!.sign(proto.serialize(m, 9));
  right.writeRaw(frame);
  await until(() => v.state().mode === 'LOITER', 2000, 'first copy');
  const rejected = v.state().link.rejectedSignature;
  expect(await right.command(176, [1, 4])).toBe(0);
  right.writeRaw(frame);
  await until(() => v.state().link.rejectedSignature === rejected + 1, 2000, 'replay rejected');
  expect(v.state().mode).toBe('GUIDED');
});

test('UDP out: the vehicle sends to the GCS port and accepts replies from it', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const heartbeat = new Promise<{ sysid: number; from: number }>((resolve) => {
    const splitter = new MavLinkPacketSplitter();
    sock.on('message', (msg, rinfo) => {
      splitter.write(msg);
      resolve({ sysid: msg[5] ?? -1, from: rinfo.port });
    });
  });
  try {
    const v = (await harness.start({ udpOutBasePort: port })).vehicles[0]!;
    const first = await heartbeat;
    expect(first.sysid).toBe(1);
    const proto = new MavLinkProtocolV2(255, 190);
    const m = new common.CommandLong();
    m.targetSystem = 1;
    m.command = 176;
    m._param1 = 1;
    m._param2 = 5;
    sock.send(proto.serialize(m, 0), first.from, '127.0.0.1');
    await until(() => v.state().mode === 'LOITER', 3000, 'mode over UDP');
  } finally {
    sock.close();
  }
});

test('UDP out and the connection string work on an IPv6 host', async () => {
  const sock = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => sock.bind(0, '::1', () => resolve()));
  const heartbeat = new Promise<number>((resolve) => sock.once('message', (msg) => resolve(msg[5] ?? -1)));
  try {
    const v = (await harness.start({ host: '::1', udpOutBasePort: sock.address().port })).vehicles[0]!;
    expect(v.connection).toBe(`tcp://[::1]:${v.port}`);
    expect(await heartbeat).toBe(1);
  } finally {
    sock.close();
  }
});
