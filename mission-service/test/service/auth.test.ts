import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInitialAdmin, hashPassword, verifyPassword } from '../../src/auth/index.ts';
import { tokenHash } from '../../src/auth/sessions.ts';
import { createLogger } from '../../src/logger.ts';
import { HARNESS_PASSWORD, startHarness, type Harness } from './harness.ts';

describe('auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('hashes with salted scrypt and stores the parameters', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$999999999$8$1$AA$AA')).toBe(false);
  });

  it('logs in, answers me, logs out and refuses the revoked token', async () => {
    const login = await h.call('POST', '/api/auth/login', {
      body: { username: 't-operator', password: HARNESS_PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ name: 't-operator', roles: ['operator'] });
    const token = login.body.token as string;
    const me = await h.call('GET', '/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe('t-operator');
    expect((await h.call('POST', '/api/auth/logout', { token })).status).toBe(204);
    const after = await h.call('GET', '/api/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
  });

  it('refuses wrong passwords, unknown users, forged and expired tokens', async () => {
    expect(
      (await h.call('POST', '/api/auth/login', { body: { username: 't-operator', password: 'nope-nope' } })).status,
    ).toBe(401);
    expect(
      (await h.call('POST', '/api/auth/login', { body: { username: "x' OR 1=1 --", password: 'a' } })).status,
    ).toBe(401);
    expect((await h.call('POST', '/api/auth/login', { body: { username: 't-operator' } })).status).toBe(400);
    expect((await h.call('GET', '/api/auth/me')).status).toBe(401);
    expect((await h.call('GET', '/api/auth/me', { token: 'forged-token-forged-token-forged' })).status).toBe(401);
    expect((await h.call('GET', '/api/auth/me', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const login = await h.call('POST', '/api/auth/login', {
      body: { username: 't-officer', password: HARNESS_PASSWORD },
    });
    await h.t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      tokenHash(login.body.token),
    ]);
    expect((await h.call('GET', '/api/auth/me', { token: login.body.token })).status).toBe(401);
  });

  it('lets only admins manage users', async () => {
    const body = { username: 'new-officer', password: 'Long-Enough-7xq', roles: ['officer'] };
    expect((await h.call('POST', '/api/users', { token: h.tokens.operator, body })).status).toBe(403);
    const created = await h.call('POST', '/api/users', { token: h.tokens.admin, body });
    expect(created.status).toBe(201);
    expect((await h.call('POST', '/api/users', { token: h.tokens.admin, body })).status).toBe(409);
    const bad = await h.call('POST', '/api/users', {
      token: h.tokens.admin,
      body: { ...body, username: 'a/b', roles: ['pilot'] },
    });
    expect(bad.status).toBe(400);
    const list = await h.call('GET', '/api/users', { token: h.tokens.admin });
    expect(list.body.items.map((u: { name: string }) => u.name)).toContain('new-officer');
    expect(JSON.stringify(list.body)).not.toContain('scrypt');
  });

  it('creates the initial admin once with a one-time password', async () => {
    await h.t.db.query(`DELETE FROM users`);
    const lines: string[] = [];
    const pw = await ensureInitialAdmin(h.t.db, createLogger('silent'), { print: (l) => lines.push(l) });
    expect(pw).toBeTruthy();
    expect(lines.join('\n')).toContain(pw!);
    expect(await ensureInitialAdmin(h.t.db, createLogger('silent'), { print: (l) => lines.push(l) })).toBeNull();
    const users = await h.t.db.query<{ username: string; must_change_password: boolean }>(
      'SELECT username, must_change_password FROM users',
    );
    expect(users.rows).toEqual([{ username: 'admin', must_change_password: true }]);
    const login = await h.call('POST', '/api/auth/login', { body: { username: 'admin', password: pw } });
    expect(login.body.user).toMatchObject({ roles: ['admin'], mustChangePassword: true });
  });
});
