/**
 * A bare ground station for comparing vehicles message by message: it speaks the mission protocol by hand over one
 * TCP connection (no retries, no verification, items sent exactly as given, NaN included) and records every
 * mission message and STATUSTEXT the vehicle sends. The same code talks to the real ArduPilot SITL and to the
 * project's simulator, so their answers can be compared field by field.
 */
import net from 'node:net';
import { FrameDecoder, FrameEncoder, type DecodedFrame } from '../../../mission-service/src/link/mavlink/codec.ts';
import { MavMissionResult } from '../../../mission-service/src/link/mavlink/enums.ts';
import { common, minimal, type MavLinkData } from '../../../mission-service/src/link/mavlink/messages.ts';
import type { MissionItem } from '../../../mission-service/src/link/plugins/mission/mission-items.ts';

/** One message of the vehicle, reduced to what a comparison needs. */
export interface Heard {
  type: string;
  fields: Record<string, unknown>;
}

export interface RawGcs {
  /** Everything mission-related and every STATUSTEXT heard, in order. */
  readonly heard: Heard[];
  upload(items: readonly MissionItem[], missionType: number): Promise<{ ack: number; requests: string[] }>;
  download(missionType: number): Promise<MissionItem[]>;
  close(): void;
}

const MISSION_MSGS = new Set([
  'MissionRequest',
  'MissionRequestInt',
  'MissionAck',
  'MissionCount',
  'MissionItemInt',
  'MissionItem',
  'StatusText',
]);

function plain(d: MavLinkData): Record<string, unknown> {
  return JSON.parse(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<
    string,
    unknown
  >;
}

/** Connect to `tcp://127.0.0.1:port` as GCS 255/190 and wait for the vehicle's heartbeat. */
export async function connectRawGcs(port: number, timeoutMs = 20_000): Promise<RawGcs> {
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  const enc = new FrameEncoder(255, 190);
  const heard: Heard[] = [];
  let waiters: Array<(f: DecodedFrame) => boolean> = [];
  let sysId = 1;
  const dec = new FrameDecoder((f) => {
    const type = f.data.constructor.name;
    if (MISSION_MSGS.has(type)) heard.push({ type, fields: plain(f.data) });
    waiters = waiters.filter((w) => !w(f));
  });
  sock.on('data', (b) => dec.push(b));
  sock.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve());
    sock.once('error', reject);
  });
  const wait = (pred: (f: DecodedFrame) => boolean, ms = 5000): Promise<DecodedFrame> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('raw GCS: no answer from the vehicle')), ms);
      waiters.push((f) => {
        if (!pred(f)) return false;
        clearTimeout(t);
        resolve(f);
        return true;
      });
    });
  const send = (m: MavLinkData & { targetSystem?: number; targetComponent?: number }): void => {
    m.targetSystem = sysId;
    m.targetComponent = 1;
    sock.write(enc.encode(m));
  };
  const heartbeat = (): void => {
    const hb = new minimal.Heartbeat();
    hb.type = minimal.MavType.GCS;
    hb.autopilot = minimal.MavAutopilot.INVALID;
    hb.mavlinkVersion = 3;
    sock.write(enc.encode(hb));
  };
  const hbTimer = setInterval(heartbeat, 1000);
  heartbeat();
  const hb = await wait((f) => f.msgId === minimal.Heartbeat.MSG_ID && f.compId === 1, timeoutMs);
  sysId = hb.sysId;
  const isMission = (f: DecodedFrame, t: number): boolean => (f.data as { missionType?: number }).missionType === t;

  return {
    heard,
    async upload(items, missionType) {
      const count = new common.MissionCount();
      count.count = items.length;
      count.missionType = missionType;
      send(count);
      const requests: string[] = [];
      for (;;) {
        const f = await wait(
          (x) =>
            (x.msgId === common.MissionRequest.MSG_ID ||
              x.msgId === common.MissionRequestInt.MSG_ID ||
              x.msgId === common.MissionAck.MSG_ID) &&
            isMission(x, missionType),
        );
        if (f.msgId === common.MissionAck.MSG_ID) return { ack: (f.data as common.MissionAck).type, requests };
        const seq = (f.data as common.MissionRequest).seq;
        requests.push(`${f.data.constructor.name}:${seq}`);
        const it = items[seq]!;
        const m = new common.MissionItemInt();
        Object.assign(m, { ...it, current: 0, seq, missionType });
        send(m);
      }
    },
    async download(missionType) {
      const list = new common.MissionRequestList();
      list.missionType = missionType;
      send(list);
      const c = await wait(
        (x) =>
          (x.msgId === common.MissionCount.MSG_ID || x.msgId === common.MissionAck.MSG_ID) && isMission(x, missionType),
      );
      if (c.msgId === common.MissionAck.MSG_ID)
        throw new Error(`download refused: ${(c.data as common.MissionAck).type}`);
      const n = (c.data as common.MissionCount).count;
      const out: MissionItem[] = [];
      for (let seq = 0; seq < n; seq++) {
        const r = new common.MissionRequestInt();
        r.seq = seq;
        r.missionType = missionType;
        send(r);
        const f = await wait(
          (x) => x.msgId === common.MissionItemInt.MSG_ID && (x.data as common.MissionItemInt).seq === seq,
        );
        const d = f.data as common.MissionItemInt;
        out.push({
          frame: d.frame,
          command: d.command,
          current: d.current,
          autocontinue: d.autocontinue,
          param1: d.param1,
          param2: d.param2,
          param3: d.param3,
          param4: d.param4,
          x: d.x,
          y: d.y,
          z: d.z,
        });
      }
      const ack = new common.MissionAck();
      ack.type = MavMissionResult.ACCEPTED;
      ack.missionType = missionType;
      send(ack);
      return out;
    },
    close() {
      clearInterval(hbTimer);
      sock.destroy();
    },
  };
}
