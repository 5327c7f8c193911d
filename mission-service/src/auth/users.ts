import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import { AppError } from '../http/errors.ts';
import { hashPassword } from './password.ts';
import { ROLES, type AuthUser, type Role } from './roles.ts';

export const UsernameSchema = z
  .string()
  .regex(/^[\p{L}\p{N}_.-]{1,64}$/u, '用户名只能含字母、数字、_.- / username: 1–64 letters, digits, _ . -');
export const PasswordSchema = z.string().min(8, '密码至少 8 位 / password: at least 8 characters').max(256);
export const RoleSchema = z.enum(ROLES);

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  displayName?: string | null;
  departmentId?: string | null;
  mustChangePassword?: boolean;
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

/**
 * Creates a user with a scrypt-hashed password and its roles, in one transaction.
 * 409 when the username exists, 400 for an unknown department or invalid fields.
 */
export async function createUser(db: Db, input: NewUser): Promise<AuthUser> {
  const username = UsernameSchema.parse(input.username);
  PasswordSchema.parse(input.password);
  const roles = z.array(RoleSchema).min(1, '至少一个角色 / at least one role').parse(input.roles);
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  const departmentId = input.departmentId ?? null;
  await db.transaction(async (tx) => {
    if (departmentId) {
      const d = await tx.query('SELECT 1 FROM departments WHERE id = $1', [departmentId]);
      if (!d.rows.length)
        throw new AppError(400, 'unknown_department', `未知部门 / unknown department: ${departmentId}`);
    }
    const ins = await tx.query(
      `INSERT INTO users (id, username, display_name, password_hash, department_id, must_change_password)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING`,
      [id, username, input.displayName ?? null, passwordHash, departmentId, input.mustChangePassword ?? false],
    );
    if (ins.affectedRows !== 1) throw new AppError(409, 'user_exists', `用户已存在 / user already exists: ${username}`);
    for (const role of new Set(roles)) {
      await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
    }
  });
  return { id, username, roles: [...new Set(roles)].sort(), departmentId };
}

/** A user by name, or null. */
export async function findUserByUsername(db: Queryable, username: string): Promise<UserRecord | null> {
  const r = await db.query<UserRow>(`${SELECT_USER} WHERE u.username = $1`, [username]);
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
 * Replaces a user's password and revokes all their sessions (a password change logs out everywhere).
 * `mustChangePassword`: set for an administrator-issued one-time password; a user's own change clears it.
 */
export async function setPassword(
  db: Db,
  username: string,
  password: string,
  mustChangePassword = false,
): Promise<void> {
  PasswordSchema.parse(password);
  const hash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const r = await tx.query<{ id: string }>(
      'UPDATE users SET password_hash = $2, must_change_password = $3 WHERE username = $1 RETURNING id',
      [username, hash, mustChangePassword],
    );
    const id = r.rows[0]?.id;
    if (!id) throw new AppError(404, 'not_found', `未找到用户 / no such user: ${username}`);
    await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
  });
}
