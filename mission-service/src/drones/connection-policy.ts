import path from 'node:path';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../app-error.ts';
import { parseConnectionUrl, type ConnectionSpec } from '../link/index.ts';

/**
 * Which drone connections an operator may register and open (configuration, README: drone connections):
 * serial devices by path pattern, the addresses a `udpin://` listener may bind, and the hosts `tcp://` and
 * `udpout://` may reach. Defaults: the usual USB/UART serial devices, loopback listeners, loopback and private
 * LAN hosts (never link-local such as the 169.254.169.254 metadata service).
 */
export interface DroneConnectionPolicy {
  /** Glob patterns (`*` within one path segment), e.g. `/dev/ttyUSB*`. */
  serialDevices: readonly string[];
  /** Addresses `udpin://` may bind, e.g. `127.0.0.1`; `0.0.0.0` listens on every network. */
  udpBind: readonly string[];
  /** CIDRs (or exact host names) that `tcp://` and `udpout://` may reach. */
  hosts: readonly string[];
}

export const DEFAULT_DRONE_CONNECTION_POLICY: DroneConnectionPolicy = {
  serialDevices: ['/dev/ttyUSB*', '/dev/ttyACM*', '/dev/ttyAMA*', '/dev/ttyS*', '/dev/serial/by-id/*'],
  udpBind: ['127.0.0.1', '::1'],
  hosts: ['localhost', '127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const refuse = (connection: string, why: string) =>
  new AppError(
    'invalid_input',
    'connection_not_allowed',
    `连接不允许 / connection "${connection}" not allowed: ${why}`,
    [{ in: 'body', field: 'connection', message: why }],
  );

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${body}$`);
}

function hostAllowed(policy: DroneConnectionPolicy, host: string): boolean {
  if (!isIP(host)) return policy.hosts.some((h) => h.toLowerCase() === host.toLowerCase());
  const a = ipaddr.process(host);
  return policy.hosts.some((entry) => {
    if (!entry.includes('/')) return isIP(entry) !== 0 && ipaddr.process(entry).toString() === a.toString();
    try {
      const [net, bits] = ipaddr.parseCIDR(entry);
      return net.kind() === a.kind() && a.match([net, bits]);
    } catch {
      return false;
    }
  });
}

/**
 * Checks a connection string against the policy: 400 naming the reason (and the setting that would allow it)
 * when it is malformed or not allowed. Returns the parsed connection.
 */
export function assertConnectionAllowed(policy: DroneConnectionPolicy, connection: string): ConnectionSpec {
  let spec: ConnectionSpec;
  try {
    spec = parseConnectionUrl(connection);
  } catch (err) {
    throw refuse(connection, (err as Error).message);
  }
  switch (spec.kind) {
    case 'serial': {
      if (path.posix.normalize(spec.path) !== spec.path || !spec.path.startsWith('/'))
        throw refuse(connection, 'serial device path must be absolute and normalised (no "..")');
      if (!policy.serialDevices.some((g) => globToRegExp(g).test(spec.path)))
        throw refuse(connection, `serial device not in XUNCHA_DRONE_SERIAL (${policy.serialDevices.join(', ')})`);
      return spec;
    }
    case 'udpin': {
      const allowed = policy.udpBind.some(
        (b) =>
          b === spec.host ||
          (isIP(b) && isIP(spec.host) && ipaddr.process(b).toString() === ipaddr.process(spec.host).toString()),
      );
      if (!allowed)
        throw refuse(
          connection,
          `listening on ${spec.host} is not in XUNCHA_DRONE_UDP_BIND (${policy.udpBind.join(', ')})`,
        );
      return spec;
    }
    default:
      if (!hostAllowed(policy, spec.host))
        throw refuse(connection, `host ${spec.host} is not in XUNCHA_DRONE_HOSTS (${policy.hosts.join(', ')})`);
      return spec;
  }
}
