import net from 'node:net';
import { LinkError } from '../errors.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import type { PeerId, Transport, TransportEvents } from './transport.ts';

const PEER: PeerId = 'tcp';

/**
 * TCP client (SITL's `tcp:5760`). The first connect must succeed; after that a dropped connection is
 * redialled with exponential backoff until `close()`.
 */
export class TcpTransport implements Transport {
  private socket: net.Socket | undefined;
  private closed = false;
  private attempt = 0;
  private redialTimer: ReturnType<typeof setTimeout> | undefined;
  private events: TransportEvents | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly connectTimeoutMs = 5000,
  ) {}

  get description(): string {
    return `tcp://${this.host}:${this.port}`;
  }

  open(events: TransportEvents): Promise<void> {
    this.events = events;
    return new Promise((resolve, reject) => {
      this.dial((err) => {
        if (err) {
          this.closed = true;
          reject(
            new LinkError('connection_error', `无法连接 / cannot connect to ${this.description}: ${err.message}`, {
              cause: err,
            }),
          );
        } else resolve();
      });
    });
  }

  private dial(first?: (err?: Error) => void): void {
    const events = this.events!;
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    let connected = false;
    const timer = setTimeout(
      () => socket.destroy(new Error(`connect timeout after ${this.connectTimeoutMs} ms`)),
      this.connectTimeoutMs,
    );
    timer.unref();
    socket.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      this.attempt = 0;
      events.state(true);
      first?.();
      first = undefined;
    });
    socket.on('data', (chunk) => events.data(chunk, PEER, false));
    socket.on('error', (e) => {
      if (connected) events.warn(`${this.description}: ${e.message}`);
      else if (first) {
        first(e);
        first = undefined;
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (this.socket === socket) this.socket = undefined;
      if (this.closed || first) return;
      if (connected) events.state(false);
      const wait = backoffDelay(this.attempt++, this.backoff);
      this.redialTimer = setTimeout(() => this.dial(), wait);
      this.redialTimer.unref();
    });
  }

  send(chunk: Buffer): void {
    const s = this.socket;
    if (!s || s.destroyed || s.connecting) return;
    s.write(chunk);
  }

  peers(): PeerId[] {
    return this.socket ? [PEER] : [];
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.redialTimer) clearTimeout(this.redialTimer);
    const s = this.socket;
    this.socket = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    });
  }
}
