/**
 * A bare MAVLink endpoint on a real socket for link tests: it sends whatever frames a test builds (heartbeats,
 * garbage, signed or unsigned) and records what the link sends back. No protocol logic of its own.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { FrameDecoder, FrameEncoder, type DecodedFrame } from '../mavlink/codec.ts';
import { minimal, type MavLinkData } from '../mavlink/messages.ts';

export interface RawPeer {
  readonly received: DecodedFrame[];
  /** Send raw bytes. */
  sendBytes(b: Buffer): void;
  /** Encode and send a message as system `sysId` (signed when `key` is given). */
  send(msg: MavLinkData, opts?: { sysId?: number; compId?: number; key?: Buffer }): Buffer;
  /** Wait until a received frame matches. */
  waitFor(pred: (f: DecodedFrame) => boolean, timeoutMs?: number): Promise<DecodedFrame>;
  close(): Promise<void>;
}

/** An ArduCopter-like or PX4-like heartbeat. */
export function vehicleHeartbeat(
  autopilot: 'ardupilot' | 'px4' = 'ardupilot',
  mavType: number = minimal.MavType.QUADROTOR,
): minimal.Heartbeat {
  const hb = new minimal.Heartbeat();
  hb.type = mavType;
  hb.autopilot = autopilot === 'px4' ? minimal.MavAutopilot.PX4 : minimal.MavAutopilot.ARDUPILOTMEGA;
  hb.baseMode = minimal.MavModeFlag.CUSTOM_MODE_ENABLED as minimal.Heartbeat['baseMode'];
  hb.customMode = 0;
  hb.systemStatus = minimal.MavState.STANDBY;
  hb.mavlinkVersion = 3;
  return hb;
}

function makePeer(write: (b: Buffer) => void, close: () => Promise<void>): RawPeer & { feed(b: Buffer): void } {
  const encoders = new Map<string, FrameEncoder>();
  const received: DecodedFrame[] = [];
  const waiters = new Set<() => void>();
  const decoder = new FrameDecoder((f) => {
    received.push(f);
    for (const w of [...waiters]) w();
  });
  return {
    received,
    feed: (b) => decoder.push(b),
    sendBytes: write,
    send(msg, opts = {}) {
      const k = `${opts.sysId ?? 1}/${opts.compId ?? 1}`;
      let enc = encoders.get(k);
      if (!enc) encoders.set(k, (enc = new FrameEncoder(opts.sysId ?? 1, opts.compId ?? 1)));
      const b = enc.encode(msg, opts.key);
      write(b);
      return b;
    },
    waitFor(pred, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const f = received.find(pred);
          if (f) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(f);
            return true;
          }
          return false;
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('raw peer: timed out waiting for a frame'));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close,
  };
}

/** A UDP endpoint that talks to `udpin` link at host:port. */
export async function udpPeer(target: { host: string; port: number }): Promise<RawPeer & { port: number }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const peer = makePeer(
    (b) => sock.send(b, target.port, target.host),
    () => new Promise((r) => sock.close(() => r())),
  );
  sock.on('message', (m) => peer.feed(m));
  return Object.assign(peer, { port: sock.address().port });
}

/** A TCP server the link dials (`tcp://127.0.0.1:port`); `dropClient()` cuts the current connection. */
export async function tcpPeerServer(): Promise<RawPeer & { port: number; connections: number; dropClient(): void }> {
  let client: net.Socket | undefined;
  let connections = 0;
  const server = net.createServer((s) => {
    client = s;
    connections++;
    s.on('data', (d) => peer.feed(d));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const peer = makePeer(
    (b) => client?.write(b),
    () =>
      new Promise((r) => {
        client?.destroy();
        server.close(() => r());
      }),
  );
  const out = Object.assign(peer, {
    port: (server.address() as net.AddressInfo).port,
    connections: 0,
    dropClient: () => client?.destroy(),
  });
  Object.defineProperty(out, 'connections', { get: () => connections });
  return out;
}
