import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../app-error.ts';

/**
 * Where webhooks may go (SSRF defence). Public unicast addresses always; loopback, private, link-local, CGNAT,
 * multicast, reserved and translated (NAT64, 6to4) ones only when an admin allow-lists them
 * (`XUNCHA_WEBHOOK_ALLOW`: CIDRs such as `10.0.0.0/8`, `127.0.0.1/32`, or host names).
 */
export interface WebhookTargetPolicy {
  allow: readonly string[];
  /** DNS resolution (tests inject one). */
  lookup?: (host: string) => Promise<LookupAddress[]>;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookTargetPolicy = { allow: [] };

function defaultLookup(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );
}

/** Benchmarking range 198.18.0.0/15: ipaddr.js calls it unicast, but it never holds a receiver. */
const BENCHMARKING = ipaddr.parseCIDR('198.18.0.0/15');

/** Why an address is not public (e.g. 'loopback', 'private'), or null when it is. */
export function nonPublicReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const a = ipaddr.process(address);
  const range = a.range();
  if (range !== 'unicast') return range;
  if (a.kind() === 'ipv4' && a.match(BENCHMARKING)) return 'benchmarking';
  return null;
}

function allowListed(policy: WebhookTargetPolicy, host: string, address: string): boolean {
  const a = ipaddr.process(address);
  return policy.allow.some((entry) => {
    if (entry.includes('/')) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        return net.kind() === a.kind() && a.match([net, bits]);
      } catch {
        return false;
      }
    }
    return (
      entry.toLowerCase() === host.toLowerCase() ||
      (isIP(entry) !== 0 && ipaddr.process(entry).toString() === a.toString())
    );
  });
}

const blocked = (host: string, why: string) =>
  new AppError(
    'invalid_input',
    'webhook_target_blocked',
    `不允许的目标地址 / webhook target ${host} is a ${why} address: only public addresses, unless an admin allow-lists it (XUNCHA_WEBHOOK_ALLOW)`,
    [{ in: 'body', field: 'url', message: `${why} address` }],
  );

/**
 * Resolves `host` and checks every address it resolves to (a name with one private answer among public ones is
 * refused: DNS rebinding picks its answer later). IP literals are checked as they are; the URL parser has
 * already turned decimal, hex and short IPv4 forms (`2130706433`, `0x7f000001`, `127.1`) into dotted ones.
 * Returns the addresses to connect to.
 */
export async function resolveAllowedAddresses(policy: WebhookTargetPolicy, host: string): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addrs: LookupAddress[];
  if (isIP(bare)) addrs = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addrs = await (policy.lookup ?? defaultLookup)(bare);
    } catch {
      throw new AppError(
        'invalid_input',
        'webhook_target_unresolvable',
        `无法解析 / cannot resolve webhook host ${bare}`,
      );
    }
  }
  if (!addrs.length)
    throw new AppError(
      'invalid_input',
      'webhook_target_unresolvable',
      `无法解析 / cannot resolve webhook host ${bare}`,
    );
  for (const a of addrs) {
    const why = nonPublicReason(a.address);
    if (why && !allowListed(policy, bare, a.address)) throw blocked(bare, why);
  }
  return addrs;
}

/**
 * Checks a webhook URL before it is stored: http(s) only, no credentials in it, and a host that resolves only to
 * addresses the policy allows. Returns the normalised URL.
 */
export async function assertWebhookTarget(policy: WebhookTargetPolicy, raw: string): Promise<URL> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AppError('invalid_input', 'invalid_url', `地址无效 / invalid webhook url`, [
      { in: 'body', field: 'url', message: 'not a URL' },
    ]);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new AppError('invalid_input', 'invalid_url', '仅支持 http(s) / webhook url must be http or https');
  if (u.username || u.password)
    throw new AppError('invalid_input', 'invalid_url', '地址不能含账号密码 / no user or password in the webhook url');
  await resolveAllowedAddresses(policy, u.hostname);
  return u;
}
