/**
 * Transports of a vehicle, the way SITL offers them: a TCP server (any number of clients in turn
 * or at once; the vehicle keeps flying when one leaves) and an optional UDP "out" socket that sends
 * to a fixed GCS port and accepts what comes back. Incoming bytes go through node-mavlink's
 * splitter, which counts and skips bad frames instead of throwing.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { MavLinkPacketSplitter } from 'node-mavlink';

/** One way to reach the GCS, with its own MAVLink sequence counter. */
export interface Channel {
  readonly name: string;
  seq: number;
  write(frame: Buffer): void;
}

export interface EndpointHandlers {
  /** A complete, CRC-checked frame arrived on `channel`. */
  onFrame(frame: Buffer, channel: Channel): void;
  onOpen(channel: Channel): void;
  onClose(channel: Channel): void;
}

/** Splitter whose bad-frame counts we can read. */
function makeSplitter(onFrame: (frame: Buffer) => void): MavLinkPacketSplitter {
  const s = new MavLinkPacketSplitter();
  s.on('data', (chunk: { buffer: Buffer }) => onFrame(chunk.buffer));
  s.on('error', () => undefined);
  return s;
}

/** Counters of bad bytes seen on all of a vehicle's endpoints. */
export class BadFrameCounter {
  private closedCount = 0;
  private readonly live = new Set<MavLinkPacketSplitter>();

  add(s: MavLinkPacketSplitter): void {
    this.live.add(s);
  }

  remove(s: MavLinkPacketSplitter): void {
    if (!this.live.delete(s)) return;
    this.closedCount += s.invalidPackages + s.unknownPackagesCount;
  }

  get count(): number {
    let n = this.closedCount;
    for (const s of this.live) n += s.invalidPackages + s.unknownPackagesCount;
    return n;
  }
}

/** Largest backlog we queue for a slow client before dropping frames (like a full radio buffer). */
const MAX_BACKLOG_BYTES = 1 << 20;

export class TcpEndpoint {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly handlers: EndpointHandlers,
    private readonly bad: BadFrameCounter,
  ) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', () => undefined);
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : port;
        resolve(this.port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const channel: Channel = {
      name: `tcp:${socket.remotePort ?? '?'}`,
      seq: 0,
      write: (frame) => {
        if (!socket.destroyed && socket.writableLength < MAX_BACKLOG_BYTES) socket.write(frame);
      },
    };
    const splitter = makeSplitter((frame) => this.handlers.onFrame(frame, channel));
    this.bad.add(splitter);
    socket.on('data', (chunk) => splitter.write(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.bad.remove(splitter);
      splitter.destroy();
      this.handlers.onClose(channel);
    });
    this.handlers.onOpen(channel);
  }

  get clientCount(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export class UdpOutEndpoint {
  private readonly socket: dgram.Socket;
  private readonly splitter: MavLinkPacketSplitter;
  readonly channel: Channel;

  constructor(
    private readonly host: string,
    private readonly port: number,
    handlers: EndpointHandlers,
    private readonly bad: BadFrameCounter,
  ) {
    this.socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    this.channel = {
      name: `udp:${host}:${port}`,
      seq: 0,
      write: (frame) => {
        try {
          this.socket.send(frame, this.port, this.host, () => undefined);
        } catch {
          // A closed socket drops the frame like a dead radio; it must not throw into the simulation loop.
        }
      },
    };
    this.splitter = makeSplitter((frame) => handlers.onFrame(frame, this.channel));
    bad.add(this.splitter);
    this.socket.on('message', (msg) => this.splitter.write(msg));
    this.socket.on('error', () => undefined);
  }

  /** Binds the socket; rejects when the host cannot be bound (instead of waiting forever). */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.socket.once('error', onError);
      this.socket.bind(0, this.host, () => {
        this.socket.off('error', onError);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.bad.remove(this.splitter);
    this.splitter.destroy();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
