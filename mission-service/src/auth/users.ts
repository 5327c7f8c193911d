import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditChange } from '../audit/audit-log.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError } from '../app-error.ts';
import { UsernameInputSchema } from '../contract/auth.ts';
import { hashPassword } from './password.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { revokeUserSessions } from './sessions.ts';
import { checkNewUsername, normalizeUsername, usernameSkeleton } from './usernames.ts';
import { ROLES, type AuthUser, type Role } from './roles.ts';

/** The contract's user-name rule; passwords: any 1–256 characters here, the policy (password-policy.ts) says more. */
export const UsernameSchema = UsernameInputSchema;
export const PasswordSchema = z.string().min(1).max(256);
export const RoleSchema = z.enum(ROLES);

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  displayName?: string | null;
  departmentId?: string | null;
  mustChangePassword?: boolean;
  /** 'skip' only for the demo accounts, whose passwords are public anyway (XUNCHA_DEMO=1). */
  passwordPolicy?: 'enforce' | 'skip';
}

export interface UserRecord extends AuthUser {
  displayName: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
  passwordHash: string;
  createdAt: string;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
  password_hash: string;
  department_id: string | null;
  disabled: boolean;
  must_change_password: boolean;
  created_at: Date | string;
  roles: Role[] | null;
}

const SELECT_USER = `SELECT u.id, u.username, u.display_name, u.password_hash, u.department_id, u.disabled,
    u.must_change_password, u.created_at,
    COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles
  FROM users u`;

function toRecord(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    roles: r.roles ?? [],
    departmentId: r.department_id,
    displayName: r.display_name,
    disabled: r.disabled,
    mustChangePassword: r.must_change_password,
    passwordHash: r.password_hash,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

// Arbitrary constant: serialises user creation so two look-alike names cannot slip in side by side.
const USER_NAMES_LOCK = 7_240_002;

/**
 * Creates a user with a scrypt-hashed password and its roles, in one transaction. The name is normalised (NFKC)
 * and must not look like an existing one (case, look-alike letters, separators: see usernameSkeleton); the
 * password must pass the policy (password-policy.ts). 409 when the name is taken or a look-alike of one, 400 for
 * an unknown department, a weak password or invalid fields.
 */
export async function createUser(db: Db, input: NewUser): Promise<AuthUser> {
  const username = checkNewUsername(input.username);
  PasswordSchema.parse(input.password);
  if (input.passwordPolicy !== 'skip') assertPasswordPolicy(input.password, username);
  const roles = z.array(RoleSchema).min(1, '至少一个角色 / at least one role').parse(input.roles);
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  const departmentId = input.departmentId ?? null;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [USER_NAMES_LOCK]);
    if (departmentId) {
      const d = await tx.query('SELECT 1 FROM departments WHERE id = $1', [departmentId]);
      if (!d.rows.length)
        throw new AppError('invalid_input', 'unknown_department', `未知部门 / unknown department: ${departmentId}`);
    }
    const skeleton = usernameSkeleton(username);
    const names = await tx.query<{ username: string }>('SELECT username FROM users');
    const clash = names.rows.find((r) => usernameSkeleton(r.username) === skeleton);
    if (clash) {
      throw clash.username === username
        ? new AppError('conflict', 'user_exists', `用户已存在 / user already exists: ${username}`)
        : new AppError(
            'conflict',
            'confusable_username',
            `用户名与已有用户 "${clash.username}" 过于相似 / user name looks like the existing user "${clash.username}"`,
          );
    }
    const ins = await tx.query(
      `INSERT INTO users (id, username, display_name, password_hash, department_id, must_change_password)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING`,
      [id, username, input.displayName ?? null, passwordHash, departmentId, input.mustChangePassword ?? false],
    );
    if (ins.affectedRows !== 1)
      throw new AppError('conflict', 'user_exists', `用户已存在 / user already exists: ${username}`);
    for (const role of new Set(roles)) {
      await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
    }
  });
  return { id, username, roles: [...new Set(roles)].sort(), departmentId };
}

/** A user by name (NFKC, any case; an exact match first), or null. */
export async function findUserByUsername(db: Queryable, username: string): Promise<UserRecord | null> {
  const name = normalizeUsername(username);
  const r = await db.query<UserRow>(
    `${SELECT_USER} WHERE lower(u.username) = lower($1) ORDER BY (u.username = $1) DESC, u.created_at LIMIT 1`,
    [name],
  );
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** A user by id, or null. */
export async function findUserById(db: Queryable, id: string): Promise<UserRecord | null> {
  const r = await db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** Every user, by name. */
export async function listUsers(db: Queryable): Promise<UserRecord[]> {
  const r = await db.query<UserRow>(`${SELECT_USER} ORDER BY u.username`);
  return r.rows.map(toRecord);
}

/**
 * Replaces a user's password and revokes all their sessions (a password change logs out everywhere, live
 * streams included). `mustChangePassword`: set for an administrator-issued one-time password; a user's own
 * change clears it. The new password must pass the policy unless `policy` is 'skip' (generated one-time ones).
 */
export async function setPassword(
  db: Db,
  username: string,
  password: string,
  mustChangePassword = false,
  policy: 'enforce' | 'skip' = 'enforce',
): Promise<void> {
  PasswordSchema.parse(password);
  const user = await findUserByUsername(db, username);
  if (!user) throw new AppError('not_found', 'not_found', `未找到用户 / no such user: ${username}`);
  if (policy === 'enforce') assertPasswordPolicy(password, user.username);
  const hash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2, must_change_password = $3 WHERE id = $1', [
      user.id,
      hash,
      mustChangePassword,
    ]);
    await revokeUserSessions(tx, user.id);
  });
}

/**
 * Admin change of a user: new roles and/or disabled. Disabling revokes every session (and closes live streams);
 * a role change closes live streams, which were opened with the old roles. 404 for an unknown user; an admin
 * cannot disable themself or take their own admin role (the last way in).
 */
export async function updateUser(
  db: Db,
  actor: AuthUser,
  userId: string,
  change: { roles?: Role[]; disabled?: boolean; departmentId?: string | null; displayName?: string | null },
): Promise<UserRecord> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError('not_found', 'not_found', `未找到用户 / no such user: ${userId}`);
  if (user.id === actor.id && (change.disabled || (change.roles && !change.roles.includes('admin')))) {
    throw new AppError(
      'conflict',
      'self_lockout',
      '不能停用自己或取消自己的管理员角色 / you cannot disable yourself or drop your own admin role',
    );
  }
  await db.transaction(async (tx) => {
    if (change.departmentId) {
      const d = await tx.query('SELECT 1 FROM departments WHERE id = $1', [change.departmentId]);
      if (!d.rows.length)
        throw new AppError(
          'invalid_input',
          'unknown_department',
          `未知部门 / unknown department: ${change.departmentId}`,
          [{ in: 'body', field: 'departmentId', message: 'no such department' }],
        );
    }
    if (change.roles) {
      await tx.query('DELETE FROM user_roles WHERE user_id = $1', [user.id]);
      for (const role of new Set(change.roles))
        await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [user.id, role]);
    }
    if (change.disabled !== undefined) {
      await tx.query('UPDATE users SET disabled = $2 WHERE id = $1', [user.id, change.disabled]);
    }
    if (change.departmentId !== undefined)
      await tx.query('UPDATE users SET department_id = $2 WHERE id = $1', [user.id, change.departmentId]);
    if (change.displayName !== undefined)
      await tx.query('UPDATE users SET display_name = $2 WHERE id = $1', [user.id, change.displayName]);
    // A new department changes what the user may see: open streams end, as with new roles.
    if (change.disabled || change.roles || change.departmentId !== undefined)
      await revokeUserSessions(tx, user.id, change.disabled ? 'revoke' : 'streams');
    await auditChange(tx, actor, change.disabled ? 'user.disable' : 'user.update', 'user', user.id, {
      before: {
        roles: user.roles,
        departmentId: user.departmentId,
        displayName: user.displayName,
        disabled: user.disabled,
      },
      change,
    });
  });
  return (await findUserById(db, user.id))!;
}
