import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSession, createUser, type Role } from '../../src/auth/index.ts';
import { createApp, type AppDeps } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDb, type TestBackend, type TestDb } from '../../src/testing/test-db.ts';

/** The password of every harness user (passes the password policy). */
export const HARNESS_PASSWORD = 'Harness-Pw-7xq!kz';

/** A real app on a private test database with one logged-in user per role (and department variants). */
export interface Harness {
  t: TestDb;
  base: string;
  tokens: Record<'operator' | 'officer' | 'dispatcher' | 'admin' | 'otherOfficer' | 'otherOperator', string>;
  departments: [string, string];
  call(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON is checked by the assertions
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(backend?: TestBackend, deps: Partial<AppDeps> = {}): Promise<Harness> {
  const t = await createTestDb(backend);
  const deptRows = await t.db.query<{ id: string }>('SELECT id FROM departments ORDER BY id LIMIT 2');
  const departments = deptRows.rows.map((r) => r.id) as [string, string];
  const app = createApp({ db: t.db, logger: createLogger('silent'), ...deps });
  const server: Server = app.listen(0, '127.0.0.1');
  // A loaded machine may pause longer than Node's 5 s keep-alive between two requests: no resets mid-test.
  server.keepAliveTimeout = 120_000;
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mk = async (username: string, roles: Role[], departmentId: string | null) => {
    const u = await createUser(t.db, { username, password: HARNESS_PASSWORD, roles, departmentId });
    return createSession(t.db, u.id);
  };
  const tokens = {
    operator: await mk('t-operator', ['operator'], departments[0]),
    officer: await mk('t-officer', ['officer'], departments[0]),
    dispatcher: await mk('t-dispatcher', ['dispatcher'], null),
    admin: await mk('t-admin', ['admin'], null),
    otherOfficer: await mk('t-officer2', ['officer'], departments[1]),
    otherOperator: await mk('t-operator2', ['operator'], departments[1]),
  };
  return {
    t,
    base,
    tokens,
    departments,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      const res = await fetch(base + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.dispose();
    },
  };
}
