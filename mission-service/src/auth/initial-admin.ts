import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import type { Logger } from '../logger.ts';
import type { Role } from './roles.ts';
import { createUser } from './users.ts';

/** A readable one-time password: 18 random bytes, base64url (24 characters, 144 bits). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Demo accounts, created only when XUNCHA_DEMO=1. Their passwords are public: never in production. */
export const DEMO_USERS: { username: string; password: string; roles: Role[]; displayName: string }[] = [
  { username: 'operator', password: 'operator-demo', roles: ['operator'], displayName: '飞手 / operator (demo)' },
  { username: 'officer', password: 'officer-demo', roles: ['officer'], displayName: '执法人员 / officer (demo)' },
  {
    username: 'dispatcher',
    password: 'dispatcher-demo',
    roles: ['dispatcher'],
    displayName: '调度员 / dispatcher (demo)',
  },
];

export interface InitialAdminOptions {
  demo?: boolean;
  /** Where the one-time password goes; stderr by default, so it never lands in shipped JSON logs. */
  print?: (line: string) => void;
}

/**
 * On first start (no users at all) creates `admin` with a random one-time password and prints it once.
 * In demo mode also creates the demo users. Returns the password when an admin was created.
 */
export async function ensureInitialAdmin(
  db: Db,
  log: Logger,
  opts: InitialAdminOptions = { demo: process.env.XUNCHA_DEMO === '1' },
): Promise<string | null> {
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((count.rows[0]?.n ?? 0) > 0) return null;
  const password = opts.demo ? 'admin-demo' : randomPassword();
  try {
    await createUser(db, {
      username: 'admin',
      password,
      roles: ['admin'],
      displayName: '管理员 / administrator',
      mustChangePassword: !opts.demo,
      passwordPolicy: opts.demo ? 'skip' : 'enforce',
    });
  } catch (err) {
    // Another instance starting on the same database got there first.
    if (err instanceof AppError && err.kind === 'conflict') return null;
    throw err;
  }
  log.warn({ username: 'admin' }, 'initial admin created; its one-time password is printed once on stderr');
  print(`初始管理员 / initial admin: username "admin", one-time password "${password}" — change it after logging in`);
  if (opts.demo) {
    for (const u of DEMO_USERS) await createUser(db, { ...u, passwordPolicy: 'skip' });
    log.warn({ users: DEMO_USERS.map((u) => u.username) }, 'demo mode: demo users created (XUNCHA_DEMO=1)');
  }
  return password;
}
