/**
 * A seeded, lossy MAVLink proxy for tests and the benchmark. It sits between the link and a vehicle,
 * cuts the byte stream into MAVLink frames and, per direction, drops, duplicates or delays (reorders)
 * whole frames. Either side can be UDP or TCP, so a UDP client can reach a TCP-only vehicle.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface ProxyFaults {
  /** Percent of frames dropped, each direction. */
  lossPct: number;
  /** Percent of frames sent twice. */
  dupPct: number;
  /** Percent of frames held back so later ones overtake them. */
  reorderPct: number;
  /** How long a reordered frame is held, ms (uniform in [1, reorderMaxMs]). */
  reorderMaxMs: number;
  /** Fixed one-way latency, ms. */
  latencyMs: number;
}

export interface ProxyOptions extends Partial<ProxyFaults> {
  /** Where the link connects: a UDP port (the link uses udpout://) or a TCP port (tcp://). */
  listen: 'udp' | 'tcp';
  /** The vehicle: 'tcp://127.0.0.1:5760' or 'udp://127.0.0.1:14550' (the vehicle listens there). */
  target: string;
  host?: string;
  seed?: number;
  /** Faults only for one direction; the shared ones apply where these are not given. */
  up?: Partial<ProxyFaults>;
  down?: Partial<ProxyFaults>;
}

export interface DirectionStats {
  frames: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

export interface LossyProxy {
  /** Connection string for the link, e.g. 'udpout://127.0.0.1:40123'. */
  readonly connection: string;
  readonly port: number;
  readonly stats: { up: DirectionStats; down: DirectionStats };
  setFaults(f: Partial<ProxyFaults> & { up?: Partial<ProxyFaults>; down?: Partial<ProxyFaults> }): void;
  close(): Promise<void>;
}

const NO_FAULTS: ProxyFaults = { lossPct: 0, dupPct: 0, reorderPct: 0, reorderMaxMs: 20, latencyMs: 0 };

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts a byte stream into MAVLink v1/v2 frames (length from the header; no CRC check: that is the link's job). */
export class FrameCutter {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      let i = 0;
      while (i < this.buf.length && this.buf[i] !== 0xfd && this.buf[i] !== 0xfe) i++;
      if (i > 0) this.buf = this.buf.subarray(i);
      if (this.buf.length < 3) break;
      const v2 = this.buf[0] === 0xfd;
      const len = v2 ? 12 + this.buf[1]! + (this.buf[2]! & 1 ? 13 : 0) : 8 + this.buf[1]!;
      if (this.buf.length < len) break;
      out.push(Buffer.from(this.buf.subarray(0, len)));
      this.buf = this.buf.subarray(len);
    }
    return out;
  }
}

class Direction {
  readonly stats: DirectionStats = { frames: 0, dropped: 0, duplicated: 0, reordered: 0 };
  faults: ProxyFaults;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    faults: ProxyFaults,
    private readonly rand: () => number,
  ) {
    this.faults = faults;
  }

  pass(frame: Buffer, deliver: (b: Buffer) => void): void {
    const f = this.faults;
    this.stats.frames++;
    if (this.rand() * 100 < f.lossPct) {
      this.stats.dropped++;
      return;
    }
    const copies = this.rand() * 100 < f.dupPct ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let c = 0; c < copies; c++) {
      let delay = f.latencyMs;
      if (this.rand() * 100 < f.reorderPct) {
        delay += 1 + Math.floor(this.rand() * f.reorderMaxMs);
        this.stats.reordered++;
      }
      if (delay <= 0) deliver(frame);
      else {
        const t = setTimeout(() => {
          this.timers.delete(t);
          deliver(frame);
        }, delay);
        this.timers.add(t);
      }
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** An upstream connection to the vehicle, one per client. */
interface Upstream {
  send(b: Buffer): void;
  close(): void;
}

function parseTarget(target: string): { kind: 'tcp' | 'udp'; host: string; port: number } {
  const m = /^(tcp|udp|udpin|udpout):\/\/([^:]+):(\d+)$/.exec(target);
  if (!m) throw new Error(`bad proxy target ${target}`);
  return { kind: m[1] === 'tcp' ? 'tcp' : 'udp', host: m[2]!, port: Number(m[3]) };
}

function openUpstream(target: string, onFrame: (b: Buffer) => void, onClose: () => void): Upstream {
  const t = parseTarget(target);
  const cutter = new FrameCutter();
  if (t.kind === 'tcp') {
    const s = net.connect({ host: t.host, port: t.port });
    s.setNoDelay(true);
    s.on('data', (d) => cutter.push(d).forEach(onFrame));
    s.on('error', () => undefined);
    s.on('close', onClose);
    return { send: (b) => (s.destroyed ? undefined : s.write(b)), close: () => s.destroy() };
  }
  const u = dgram.createSocket('udp4');
  u.on('message', (d) => new FrameCutter().push(d).forEach(onFrame));
  u.on('error', () => undefined);
  u.bind(0, '127.0.0.1');
  return { send: (b) => u.send(b, t.port, t.host), close: () => u.close() };
}

/** Start a proxy; resolves once it listens. */
export async function startLossyProxy(opts: ProxyOptions): Promise<LossyProxy> {
  const host = opts.host ?? '127.0.0.1';
  const base = { ...NO_FAULTS, ...pick(opts) };
  const rand = prng(opts.seed ?? 1);
  const up = new Direction({ ...base, ...opts.up }, rand);
  const down = new Direction({ ...base, ...opts.down }, rand);
  const closers: Array<() => void> = [];

  let port: number;
  if (opts.listen === 'udp') {
    const sock = dgram.createSocket('udp4');
    const clients = new Map<string, Upstream>();
    sock.on('error', () => undefined);
    sock.on('message', (msg, rinfo) => {
      const key = `${rinfo.address}:${rinfo.port}`;
      let u = clients.get(key);
      if (!u) {
        u = openUpstream(
          opts.target,
          (frame) => down.pass(frame, (b) => sock.send(b, rinfo.port, rinfo.address)),
          () => clients.delete(key),
        );
        clients.set(key, u);
      }
      const upstream = u;
      for (const frame of new FrameCutter().push(msg)) up.pass(frame, (b) => upstream.send(b));
    });
    await new Promise<void>((r) => sock.bind(0, host, () => r()));
    port = sock.address().port;
    closers.push(() => {
      for (const u of clients.values()) u.close();
      sock.close();
    });
  } else {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.setNoDelay(true);
      const cutter = new FrameCutter();
      const upstream = openUpstream(
        opts.target,
        (frame) => down.pass(frame, (b) => (client.destroyed ? undefined : client.write(b))),
        () => client.destroy(),
      );
      client.on('data', (d) => cutter.push(d).forEach((frame) => up.pass(frame, (b) => upstream.send(b))));
      client.on('error', () => undefined);
      client.on('close', () => {
        sockets.delete(client);
        upstream.close();
      });
    });
    await new Promise<void>((r) => server.listen(0, host, () => r()));
    port = (server.address() as net.AddressInfo).port;
    closers.push(() => {
      for (const s of sockets) s.destroy();
      server.close();
    });
  }

  return {
    connection: `${opts.listen === 'udp' ? 'udpout' : 'tcp'}://${host}:${port}`,
    port,
    stats: { up: up.stats, down: down.stats },
    setFaults(f) {
      const shared = pick(f);
      up.faults = { ...up.faults, ...shared, ...f.up };
      down.faults = { ...down.faults, ...shared, ...f.down };
    },
    async close() {
      up.stop();
      down.stop();
      for (const c of closers) c();
    },
  };
}

function pick(f: Partial<ProxyFaults>): Partial<ProxyFaults> {
  const out: Partial<ProxyFaults> = {};
  for (const k of ['lossPct', 'dupPct', 'reorderPct', 'reorderMaxMs', 'latencyMs'] as const)
    if (f[k] !== undefined) out[k] = f[k];
  return out;
}
