/**
 * A small MAVLink client over TCP for talking to a real SITL from the simulator's side: it is how our camera
 * attaches to SERIAL1 and how a SITL gets parameters that only take effect after a reboot. It speaks as one
 * component (a camera, or a ground station), sends its heartbeat each second and never throws on bad bytes.
 */
import net from 'node:net';
import { MavLinkPacketSplitter, common, minimal, type MavLinkData } from 'node-mavlink';
import { MavEncoder, decodeFrame } from '../link/codec.ts';
import { MavAutopilot, MavCmd, MavResult } from '../vehicle/mav.ts';

type Ctor<T extends MavLinkData> = (new () => T) & { MSG_ID: number };

export interface SitlClient {
  send(msg: MavLinkData): void;
  /** Listen for a message type from `sysId`; returns the unsubscribe function. */
  on<T extends MavLinkData>(clazz: Ctor<T>, fn: (msg: T, compId: number) => void): () => void;
  waitFor<T extends MavLinkData>(clazz: Ctor<T>, pred?: (m: T) => boolean, timeoutMs?: number): Promise<T>;
  readonly closed: Promise<void>;
  close(): void;
}

export interface SitlClientOptions {
  port: number;
  /** The vehicle's system id (we answer as a component of it, or as a GCS). */
  sysId: number;
  /** Our component id (e.g. 100 for a camera, 190 for a GCS). */
  compId: number;
  /** MAV_TYPE of our heartbeat. */
  mavType: number;
  /** System id we send as (default `sysId`: a component of the vehicle; 255 for a ground station). */
  ownSysId?: number;
}

/** Connect and start the heartbeat. Rejects when the port does not accept the connection. */
export function connectSitlClient(o: SitlClientOptions): Promise<SitlClient> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(o.port, '127.0.0.1');
    sock.setNoDelay(true);
    const enc = new MavEncoder(o.ownSysId ?? o.sysId, o.compId, null);
    let seq = 0;
    const handlers = new Map<number, Set<(m: MavLinkData, compId: number) => void>>();
    const splitter = new MavLinkPacketSplitter();
    splitter.on('error', () => undefined);
    splitter.on('data', (chunk: { buffer: Buffer }) => {
      const p = decodeFrame(chunk.buffer);
      if (p === null || p === 'malformed' || p.header.sysid !== o.sysId) return;
      for (const h of [...(handlers.get(p.header.msgid) ?? [])]) h(p.data, p.header.compid);
    });
    sock.on('data', (b) => splitter.write(b));
    const send = (msg: MavLinkData): void => {
      if (!sock.destroyed) sock.write(enc.encode(msg, seq++));
    };
    const beat = (): void => {
      const hb = new minimal.Heartbeat();
      hb.type = o.mavType;
      hb.autopilot = MavAutopilot.INVALID;
      hb.mavlinkVersion = 3;
      send(hb);
    };
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    void closed.then(() => clearInterval(timer));
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      sock.on('error', () => undefined);
      beat();
      timer = setInterval(beat, 1000);
      const on = <T extends MavLinkData>(clazz: Ctor<T>, fn: (msg: T, compId: number) => void): (() => void) => {
        let set = handlers.get(clazz.MSG_ID);
        if (!set) handlers.set(clazz.MSG_ID, (set = new Set()));
        const h = fn as (m: MavLinkData, c: number) => void;
        set.add(h);
        return () => set.delete(h);
      };
      resolve({
        send,
        on,
        waitFor: (clazz, pred = () => true, timeoutMs = 10_000) =>
          new Promise((res, rej) => {
            const t = setTimeout(() => {
              off();
              rej(new Error(`SITL: no ${clazz.name} within ${timeoutMs} ms`));
            }, timeoutMs);
            const off = on(clazz, (m) => {
              if (!pred(m)) return;
              clearTimeout(t);
              off();
              res(m);
            });
          }),
        closed,
        close: () => sock.destroy(),
      });
    });
  });
}

/**
 * Set parameters that ArduPilot reads only at boot (CAM1_TYPE and friends; a defaults file does not reach
 * them), then reboot the SITL and wait until its GCS port answers again. A SITL reboots in place (same process).
 */
export async function configureSitlAndReboot(
  port: number,
  sysId: number,
  params: Record<string, number>,
  timeoutMs = 60_000,
): Promise<void> {
  const gcs = await connectSitlClient({ port, sysId, compId: 190, mavType: 6, ownSysId: 255 });
  try {
    await gcs.waitFor(minimal.Heartbeat, () => true, timeoutMs);
    for (const [id, value] of Object.entries(params)) {
      const set = new common.ParamSet();
      set.targetSystem = sysId;
      set.targetComponent = 1;
      set.paramId = id;
      set.paramValue = value;
      set.paramType = common.MavParamType.REAL32;
      const echo = gcs.waitFor(common.ParamValue, (m) => m.paramId === id, 5000);
      gcs.send(set);
      const v = await echo;
      if (v.paramValue !== value) throw new Error(`SITL refused ${id}=${value} (holds ${v.paramValue})`);
    }
    const reboot = new common.CommandLong();
    reboot.targetSystem = sysId;
    reboot.targetComponent = 1;
    reboot.command = MavCmd.PREFLIGHT_REBOOT_SHUTDOWN;
    reboot._param1 = 1;
    const ack = gcs.waitFor(common.CommandAck, (a) => a.command === MavCmd.PREFLIGHT_REBOOT_SHUTDOWN, 5000);
    gcs.send(reboot);
    if ((await ack).result !== MavResult.ACCEPTED) throw new Error('SITL refused to reboot');
    // The rebooting process drops its connections.
    await Promise.race([gcs.closed, new Promise((r) => setTimeout(r, 15_000))]);
  } finally {
    gcs.close();
  }
  // The port comes back with the rebooted autopilot.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const again = await connectSitlClient({ port, sysId, compId: 190, mavType: 6, ownSysId: 255 });
      try {
        await again.waitFor(minimal.Heartbeat, () => true, 5000);
        return;
      } finally {
        again.close();
      }
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`SITL did not come back after reboot: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
