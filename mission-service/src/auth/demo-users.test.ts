import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createTestDb, type TestDb } from '../testing/test-db.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoRefusedError, syncDemoUsers } from './demo-users.ts';
import { findUserByUsername } from './users.ts';
import { verifyPassword } from './password.ts';

describe('demo accounts (XUNCHA_DEMO=1)', () => {
  let t: TestDb;
  const log = createLogger('silent');
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('are refused unless the service listens on loopback with the embedded database', async () => {
    await expect(syncDemoUsers(t.db, log, { enabled: true, host: '0.0.0.0', embedded: true })).rejects.toThrow(
      DemoRefusedError,
    );
    await expect(syncDemoUsers(t.db, log, { enabled: true, host: '127.0.0.1', embedded: false })).rejects.toThrow(
      /embedded/,
    );
    expect(await findUserByUsername(t.db, 'demo-operator')).toBeNull();
  });

  it('are created with one role each and the public password, printed at start', async () => {
    const lines: string[] = [];
    const names = await syncDemoUsers(t.db, log, {
      enabled: true,
      host: '127.0.0.1',
      embedded: true,
      print: (l) => lines.push(l),
    });
    expect(names).toEqual(['demo-operator', 'demo-officer', 'demo-dispatcher', 'demo-admin']);
    expect(lines.join('\n')).toContain(DEMO_PASSWORD);
    for (const a of DEMO_ACCOUNTS) {
      const u = (await findUserByUsername(t.db, a.username))!;
      expect(u.roles).toEqual(a.roles);
      expect(u.disabled).toBe(false);
      expect(await verifyPassword(DEMO_PASSWORD, u.passwordHash)).toBe(true);
    }
    // A second start in demo mode keeps working (no duplicate, password reset to the public one).
    await syncDemoUsers(t.db, log, { enabled: true, host: '::1', embedded: true, print: () => {} });
  });

  it('are disabled when the service starts without demo mode', async () => {
    expect(await syncDemoUsers(t.db, log, { enabled: false, host: '0.0.0.0', embedded: true })).toEqual([]);
    for (const a of DEMO_ACCOUNTS) expect((await findUserByUsername(t.db, a.username))!.disabled).toBe(true);
  });
});
