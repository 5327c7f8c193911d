import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import type { Logger } from '../logger.ts';
import { createUser } from './users.ts';

/** A readable one-time password: 18 random bytes, base64url (24 characters, 144 bits). */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface InitialAdminOptions {
  /** Where the one-time password goes; stderr by default, so it never lands in shipped JSON logs. */
  print?: (line: string) => void;
}

/**
 * On first start (no users at all) creates `admin` with a random one-time password and prints it once.
 * Returns the password when an admin was created.
 */
export async function ensureInitialAdmin(db: Db, log: Logger, opts: InitialAdminOptions = {}): Promise<string | null> {
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if ((count.rows[0]?.n ?? 0) > 0) return null;
  const password = randomPassword();
  try {
    await createUser(db, {
      username: 'admin',
      password,
      roles: ['admin'],
      displayName: '管理员 / administrator',
      mustChangePassword: true,
    });
  } catch (err) {
    // Another instance starting on the same database got there first.
    if (err instanceof AppError && err.kind === 'conflict') return null;
    throw err;
  }
  log.warn({ username: 'admin' }, 'initial admin created; its one-time password is printed once on stderr');
  print(`初始管理员 / initial admin: username "admin", one-time password "${password}" — change it after logging in`);
  return password;
}
