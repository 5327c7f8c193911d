/**
 * Issue 12.10: webhooks cannot be aimed at loopback, private or link-local addresses (in any spelling, or through
 * a DNS name) unless an admin allow-lists them; redirects are not followed; deactivation cancels what is pending;
 * the delivery log does not say why a connection failed (no port scanner).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, createUser } from '../../src/auth/index.ts';
import { fileCase } from '../../src/cases/file-case.ts';
import { createApp } from '../../src/http/app.ts';
import { DEFAULT_SECURITY } from '../../src/http/security-options.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDb, type TestDb } from '../../src/testing/test-db.ts';
import {
  createSubscription,
  deactivateSubscription,
  deliverDueWebhooks,
  DELIVERY_ERRORS,
  listDeliveries,
  nonPublicReason,
  type WebhookTargetPolicy,
} from '../../src/webhooks/index.ts';
import { LONGQUAN } from './fixtures.ts';

let t: TestDb;
let api: Server;
let base: string;
let admin: string;
const hits: string[] = [];
let receiver: Server;
let receiverUrl: string;

/** DNS for the test: names that point at loopback and at a public documentation address. */
const policy = (allow: string[] = []): WebhookTargetPolicy => ({
  allow,
  lookup: async (host) =>
    host === 'rebind.example'
      ? [
          { address: '93.184.216.34', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ]
      : host === 'public.example'
        ? [{ address: '93.184.216.34', family: 4 }]
        : [],
});

beforeAll(async () => {
  t = await createTestDb();
  receiver = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${receiverUrl}/landed` });
      res.end();
      return;
    }
    res.writeHead(204).end();
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  api = createApp({
    db: t.db,
    logger: createLogger('silent'),
    security: { ...DEFAULT_SECURITY, webhooks: policy() },
  }).listen(0, '127.0.0.1');
  await new Promise((r) => api.once('listening', r));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const u = await createUser(t.db, { username: 'hook-admin', password: 'Webhook-Boss-Pw-7x', roles: ['admin'] });
  admin = await createSession(t.db, u.id);
});
afterAll(async () => {
  api?.closeAllConnections();
  api?.close();
  receiver?.close();
  await t?.dispose();
});

const subscribe = (url: string) =>
  fetch(`${base}/api/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));

describe('webhook targets', () => {
  it('classifies addresses in every spelling', () => {
    expect(nonPublicReason('127.0.0.1')).toBe('loopback');
    expect(nonPublicReason('::1')).toBe('loopback');
    expect(nonPublicReason('::ffff:127.0.0.1')).toBe('loopback');
    expect(nonPublicReason('10.1.2.3')).toBe('private');
    expect(nonPublicReason('169.254.169.254')).toBe('linkLocal');
    expect(nonPublicReason('fd00::1')).toBe('uniqueLocal');
    expect(nonPublicReason('100.64.0.1')).toBe('carrierGradeNat');
    expect(nonPublicReason('0.0.0.0')).toBe('unspecified');
    expect(nonPublicReason('64:ff9b::7f00:1')).toBe('rfc6052');
    expect(nonPublicReason('93.184.216.34')).toBeNull();
  });

  it('refuses loopback, private and link-local targets however they are written, and names resolving to them', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://[::1]/hook',
      'http://0x7f000001/hook',
      'http://2130706433/hook',
      'http://127.1/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/hook',
      'http://rebind.example/hook',
    ]) {
      const r = await subscribe(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error?.code, url).toBe('webhook_target_blocked');
    }
    expect((await subscribe('http://nowhere.example/hook')).body.error?.code).toBe('webhook_target_unresolvable');
    expect((await subscribe('ftp://public.example/hook')).status).toBe(400);
    expect((await subscribe('http://user:pw@public.example/hook')).status).toBe(400);
    const ok = await subscribe('https://public.example/hook');
    expect(ok.status).toBe(201);
    // Nothing in these tests may leave 127.0.0.1: the public one is deactivated before any delivery runs.
    await deactivateSubscription(t.db, (ok.body as unknown as { id: string }).id);
  });

  it('delivers to an allow-listed receiver, never follows its redirects, and hides why a connection failed', async () => {
    const allow = policy(['127.0.0.1/32']);
    const redirect = await createSubscription(t.db, { url: `${receiverUrl}/redirect` }, allow);
    const dead = await createSubscription(t.db, { url: 'http://127.0.0.1:1/closed-port' }, allow);
    const now = new Date();
    await fileCase(
      t.db,
      { category: 'straw_burning', point: LONGQUAN, source: 'manual', description: 'hook test' },
      { now },
    );
    const sent = await deliverDueWebhooks(t.db, { now, policy: allow, timeoutMs: 5_000 });
    expect(sent.attempted).toBeGreaterThanOrEqual(2);
    expect(hits).toContain('/redirect');
    expect(hits).not.toContain('/landed');
    const [r] = await listDeliveries(t.db, redirect.id);
    expect(r).toMatchObject({ status: 'pending', lastStatus: 302, lastError: DELIVERY_ERRORS.redirect });
    const [d] = await listDeliveries(t.db, dead.id);
    expect(d!.lastError).toBe(DELIVERY_ERRORS.network);
    // Without the allow-list (the policy at delivery time), the same receiver is blocked before any connection.
    hits.length = 0;
    await t.db.query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE status = 'pending'", [now]);
    await deliverDueWebhooks(t.db, { now, policy: policy(), timeoutMs: 5_000 });
    expect(hits).toEqual([]);
    const [again] = await listDeliveries(t.db, redirect.id);
    expect(again!.lastError).toBe(DELIVERY_ERRORS.blocked);
  });

  it('cancels pending deliveries when the subscription is deactivated', async () => {
    const allow = policy(['127.0.0.1/32']);
    const sub = await createSubscription(t.db, { url: `${receiverUrl}/after-delete` }, allow);
    const now = new Date();
    await fileCase(t.db, { category: 'exposed_slope', point: LONGQUAN, source: 'manual', description: 'x' }, { now });
    expect((await listDeliveries(t.db, sub.id)).map((x) => x.status)).toContain('pending');
    expect(await deactivateSubscription(t.db, sub.id)).toBeGreaterThan(0);
    hits.length = 0;
    await deliverDueWebhooks(t.db, { now: new Date(now.getTime() + 3_600_000), policy: allow, timeoutMs: 5_000 });
    expect(hits).not.toContain('/after-delete');
    expect(new Set((await listDeliveries(t.db, sub.id)).map((x) => x.status))).toEqual(new Set(['cancelled']));
  });
});
