import type { Db } from '../db/db.ts';
import { isLoopbackHost } from '../demo/demo-allowed.ts';
import type { Logger } from '../logger.ts';
import type { Role } from './roles.ts';
import { createUser, findUserByUsername, setPassword } from './users.ts';

/** The public password of every demo account. */
export const DEMO_PASSWORD = 'xuncha-demo';

/** One account per role so anyone can try every view (`XUNCHA_DEMO=1`). */
export const DEMO_ACCOUNTS: { username: string; roles: Role[]; displayName: string; departmentId: string | null }[] = [
  // Operators own the drones, plans and schedules they create, so the demo pilot flies for the ecology bureau
  // (straw burning and outfalls are its patrols); only admins create shared objects.
  {
    username: 'demo-operator',
    roles: ['operator'],
    displayName: '演示飞手 / demo operator',
    departmentId: 'dept-ecology',
  },
  {
    username: 'demo-officer',
    roles: ['officer'],
    displayName: '演示执法人员 / demo officer',
    departmentId: 'dept-ecology',
  },
  {
    username: 'demo-dispatcher',
    roles: ['dispatcher'],
    displayName: '演示调度员 / demo dispatcher',
    departmentId: null,
  },
  { username: 'demo-admin', roles: ['admin'], displayName: '演示管理员 / demo admin', departmentId: null },
];

export class DemoRefusedError extends Error {
  override readonly name = 'DemoRefusedError';
}

export interface DemoOptions {
  /** XUNCHA_DEMO=1 */
  enabled: boolean;
  /** Address the service listens on. */
  host: string;
  /** True for the embedded database (no DATABASE_URL). */
  embedded: boolean;
  /** Where the credentials are printed; stderr by default. */
  print?: (line: string) => void;
}

/**
 * Demo mode: creates (or re-enables, with the public password) the four demo accounts and prints them. Their
 * password is public, so demo mode is refused unless the service listens on loopback with the embedded database;
 * outside demo mode any demo account left in the database is disabled, so a demo database later served on the
 * network has no known passwords. Returns the demo user names offered on the login page.
 */
export async function syncDemoUsers(db: Db, log: Logger, o: DemoOptions): Promise<string[]> {
  const names = DEMO_ACCOUNTS.map((a) => a.username);
  if (!o.enabled) {
    const r = await db.query<{ username: string }>(
      'UPDATE users SET disabled = true WHERE username = ANY($1) AND NOT disabled RETURNING username',
      [names],
    );
    if (r.rows.length)
      log.warn({ users: r.rows.map((x) => x.username) }, 'demo accounts disabled (XUNCHA_DEMO is off)');
    return [];
  }
  if (!isLoopbackHost(o.host) || !o.embedded) {
    throw new DemoRefusedError(
      '演示模式只能在本机回环地址且使用内置数据库时开启 / XUNCHA_DEMO=1 needs HOST=127.0.0.1 (loopback) and the ' +
        'embedded database (no DATABASE_URL): demo accounts have a public password',
    );
  }
  for (const a of DEMO_ACCOUNTS) {
    const existing = await findUserByUsername(db, a.username);
    if (!existing) await createUser(db, { ...a, password: DEMO_PASSWORD, passwordPolicy: 'skip' });
    else {
      await setPassword(db, a.username, DEMO_PASSWORD, false, 'skip');
      await db.query('UPDATE users SET disabled = false WHERE username = $1', [a.username]);
    }
  }
  const print = o.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  print(`演示账号 / demo accounts (demo mode): ${names.join(', ')} — 密码 / password "${DEMO_PASSWORD}"`);
  log.warn({ users: names }, 'demo mode: demo accounts enabled with the public password');
  return names;
}
