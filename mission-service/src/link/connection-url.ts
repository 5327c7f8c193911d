import { LinkError } from './errors.ts';

/** A parsed MAVSDK-style connection string. */
export type ConnectionSpec =
  | { kind: 'udpin'; host: string; port: number }
  | { kind: 'udpout'; host: string; port: number }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number };

const EXAMPLES = 'udpin://0.0.0.0:14540, udpout://127.0.0.1:14550, tcp://127.0.0.1:5760, serial:///dev/ttyUSB0:57600';

function bad(url: string, why: string): LinkError {
  return new LinkError(
    'invalid_argument',
    `连接地址无效 / invalid connection "${url}": ${why} (examples: ${EXAMPLES})`,
  );
}

function hostPort(url: string, rest: string, allowPortZero: boolean): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})$/.exec(rest);
  if (!m) throw bad(url, 'expected host:port');
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port > 65535 || (port === 0 && !allowPortZero)) throw bad(url, `port ${port} out of range`);
  return { host, port };
}

/**
 * Parse `udpin://host:port`, `udpout://host:port`, `tcp://host:port`, `serial:///dev/tty...:baud` (MAVSDK's
 * spelling; `udp://` is MAVSDK's older name for udpin). Port 0 on udpin lets the OS choose (tests).
 */
export function parseConnectionUrl(url: string): ConnectionSpec {
  const m = /^([a-z]+):\/\/(.*)$/.exec(url.trim());
  if (!m) throw bad(url, 'missing scheme');
  const scheme = m[1]!;
  const rest = m[2]!;
  switch (scheme) {
    case 'udp':
    case 'udpin':
      return { kind: 'udpin', ...hostPort(url, rest, true) };
    case 'udpout':
      return { kind: 'udpout', ...hostPort(url, rest, false) };
    case 'tcp':
    case 'tcpout':
      return { kind: 'tcp', ...hostPort(url, rest, false) };
    case 'serial': {
      const s = /^(.+?)(?::(\d+))?$/.exec(rest);
      const path = s?.[1];
      if (!path || path.includes(' ')) throw bad(url, 'expected a device path');
      const baudRate = s?.[2] ? Number(s[2]) : 57600;
      if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 4_000_000)
        throw bad(url, `baud rate ${baudRate} out of range`);
      return { kind: 'serial', path, baudRate };
    }
    default:
      throw bad(url, `unknown scheme "${scheme}"`);
  }
}

/** The spec back as a connection string. */
export function formatConnection(spec: ConnectionSpec): string {
  if (spec.kind === 'serial') return `serial://${spec.path}:${spec.baudRate}`;
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `${spec.kind}://${host}:${spec.port}`;
}
