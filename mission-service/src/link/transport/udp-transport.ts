import dgram from 'node:dgram';
import net from 'node:net';
import { LinkError } from '../errors.ts';
import type { PeerId, Transport, TransportEvents } from './transport.ts';

/**
 * UDP the MAVSDK way. `udpin` binds exactly the given address (not every interface, unlike node-mavlink's
 * helper) and answers whoever talks to it; `udpout` sends to a fixed address from an ephemeral port and
 * accepts replies.
 */
export class UdpTransport implements Transport {
  private socket: dgram.Socket | undefined;
  private readonly known = new Set<PeerId>();
  private events: TransportEvents | undefined;

  constructor(
    private readonly mode: 'in' | 'out',
    private readonly host: string,
    private readonly port: number,
  ) {
    if (mode === 'out') this.known.add(peerKey(host, port));
  }

  get description(): string {
    return `udp${this.mode}://${this.host}:${this.port}`;
  }

  open(events: TransportEvents): Promise<void> {
    this.events = events;
    const family = net.isIPv6(this.host) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type: family });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      const peer = peerKey(rinfo.address, rinfo.port);
      this.known.add(peer);
      events.data(msg, peer, true);
    });
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void =>
        reject(
          new LinkError('connection_error', `无法打开 / cannot open ${this.description}: ${e.message}`, { cause: e }),
        );
      socket.once('error', onError);
      const bindAddr = this.mode === 'in' ? this.host : isLoopback(this.host) ? loopbackOf(family) : undefined;
      socket.bind({ address: bindAddr, port: this.mode === 'in' ? this.port : 0 }, () => {
        socket.off('error', onError);
        // After bind, socket errors (e.g. ICMP port unreachable) are reported, not fatal.
        socket.on('error', (e) => events.warn(`${this.description}: ${e.message}`));
        events.state(true);
        resolve();
      });
    });
  }

  send(chunk: Buffer, peer?: PeerId): void {
    const socket = this.socket;
    if (!socket) return;
    const targets = peer ? [peer] : [...this.known];
    for (const p of targets) {
      const { address, port } = parsePeer(p);
      const fail = (err: Error): void => this.events?.warn(`${this.description}: send to ${p} failed: ${err.message}`);
      try {
        socket.send(chunk, port, address, (err) => err && fail(err));
      } catch (err) {
        // dgram throws synchronously for a bad port (a datagram from source port 0 makes such a peer).
        fail(err as Error);
      }
    }
  }

  peers(): PeerId[] {
    return [...this.known];
  }

  localAddress(): { address: string; port: number } | undefined {
    try {
      const a = this.socket?.address();
      return a ? { address: a.address, port: a.port } : undefined;
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        s.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

function peerKey(address: string, port: number): PeerId {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

function parsePeer(p: PeerId): { address: string; port: number } {
  const i = p.lastIndexOf(':');
  return { address: p.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(p.slice(i + 1)) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1';
}

function loopbackOf(family: 'udp4' | 'udp6'): string {
  return family === 'udp6' ? '::1' : '127.0.0.1';
}
