import type { ConnectionSpec } from '../connection-url.ts';
import type { BackoffOptions } from './backoff.ts';
import { SerialTransport } from './serial-transport.ts';
import { TcpTransport } from './tcp-transport.ts';
import type { Transport } from './transport.ts';
import { UdpTransport } from './udp-transport.ts';

/** The transport for a parsed connection string (not yet opened). */
export function createTransport(spec: ConnectionSpec, backoff?: BackoffOptions): Transport {
  switch (spec.kind) {
    case 'udpin':
      return new UdpTransport('in', spec.host, spec.port);
    case 'udpout':
      return new UdpTransport('out', spec.host, spec.port);
    case 'tcp':
      return new TcpTransport(spec.host, spec.port, backoff);
    case 'serial':
      return new SerialTransport(spec.path, spec.baudRate, backoff);
  }
}
