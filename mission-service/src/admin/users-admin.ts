/**
 * Administration of users: read, change roles / department / display name, disable (and enable). Disabling ends
 * every session of the user at once. The last enabled admin can neither be disabled nor lose the role, so the
 * installation always keeps someone who can administer it. Every change is audited with the values before.
 */
import type { z } from 'zod';
import { findUserById, listUsers, type UserRecord } from '../auth/index.ts';
import type { AuthUser } from '../auth/index.ts';
import { audit } from '../audit/audit-log.ts';
import type { UpdateUserBodySchema } from '../contract/admin.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../http/errors.ts';

export function adminUserView(u: UserRecord) {
  return {
    id: u.id,
    name: u.username,
    displayName: u.displayName,
    roles: u.roles,
    departmentId: u.departmentId,
    mustChangePassword: u.mustChangePassword,
    disabled: u.disabled,
    createdAt: u.createdAt,
  };
}

export async function getUserForAdmin(db: Db, id: string) {
  const u = await findUserById(db, id);
  if (!u) throw notFound(`user ${id}`);
  return adminUserView(u);
}

export async function listUsersForAdmin(db: Db) {
  return (await listUsers(db)).map(adminUserView);
}

export async function updateUser(db: Db, actor: AuthUser, id: string, change: z.output<typeof UpdateUserBodySchema>) {
  const before = await findUserById(db, id);
  if (!before) throw notFound(`user ${id}`);
  if (change.disabled === true && id === actor.id)
    throw new AppError(409, 'self_disable', '不能停用自己的账号 / you cannot disable your own account');
  await db.transaction(async (tx) => {
    // Serialises admin changes, so two admins cannot each remove the other as the "not last" admin.
    await tx.query('SELECT pg_advisory_xact_lock(7240901)');
    if (change.departmentId) {
      const d = await tx.query('SELECT 1 FROM departments WHERE id = $1', [change.departmentId]);
      if (!d.rows.length)
        throw new AppError(400, 'unknown_department', `未知部门 / unknown department: ${change.departmentId}`, {
          field: 'departmentId',
          in: 'body',
        });
    }
    const losesAdmin =
      before.roles.includes('admin') &&
      !before.disabled &&
      (change.disabled === true || (change.roles !== undefined && !change.roles.includes('admin')));
    if (losesAdmin) {
      const others = await tx.query(
        `SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
          WHERE u.id <> $1 AND NOT u.disabled LIMIT 1`,
        [id],
      );
      if (!others.rows.length)
        throw new AppError(409, 'last_admin', '这是最后一个管理员 / this is the last enabled admin: add another first');
    }
    if (change.displayName !== undefined)
      await tx.query('UPDATE users SET display_name = $2 WHERE id = $1', [id, change.displayName]);
    if (change.departmentId !== undefined)
      await tx.query('UPDATE users SET department_id = $2 WHERE id = $1', [id, change.departmentId]);
    if (change.roles !== undefined) {
      await tx.query('DELETE FROM user_roles WHERE user_id = $1', [id]);
      for (const role of new Set(change.roles))
        await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [id, role]);
    }
    if (change.disabled !== undefined) {
      await tx.query('UPDATE users SET disabled = $2 WHERE id = $1', [id, change.disabled]);
      if (change.disabled)
        await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [id]);
    }
    // Roles and department are read per request from the session's user: changes apply at the next request.
    await audit(tx, actor, change.disabled === true ? 'user.disable' : 'user.update', 'user', id, {
      before: {
        displayName: before.displayName,
        roles: before.roles,
        departmentId: before.departmentId,
        disabled: before.disabled,
      },
      change,
    });
  });
  return getUserForAdmin(db, id);
}
