/**
 * Authentication and roles — the contract other parts of mission-service code against (cases, open311, …):
 *
 * - `type Role = 'operator' | 'officer' | 'dispatcher' | 'admin'`;
 *   `interface AuthUser { id; username; roles: Role[]; departmentId: string | null; mustChangePassword? }`.
 * - `authenticate(db)`: middleware (mounted once for all of /api) reading `Authorization: Bearer <token>`;
 *   sets `res.locals.user: AuthUser` for a live session, else leaves it undefined. Each route's roles are checked
 *   by the route table (http/mount.ts): 401 without a live session, 403 without the role, 403
 *   `password_change_required` while a one-time password is unchanged.
 * - Object-level rules, one for every object: `canSee(user, owner)` (hidden objects answer 404) and
 *   `canChange(user, owner)` (shared objects: admins only); `ownerDepartment` for new objects.
 * - `createUser(db, …)` → AuthUser: NFKC names, look-alikes of existing names refused, password policy
 *   (length, common-password list); `hashPassword` / `verifyPassword`: scrypt N=2^15 r=8 p=1, 16-byte salt.
 * - Sessions are server-side: only the SHA-256 of the token is stored; logout, password changes, disabling and
 *   role changes revoke (and close live streams through `sessionEvents`).
 * - `LoginGuard`: per-source back-off, per-account slowing (never locking), a global limit.
 * - `ensureInitialAdmin(db, log)`: on first start creates `admin` with a one-time password printed once on
 *   stderr. `syncDemoUsers`: the demo-* accounts of XUNCHA_DEMO=1 (loopback + embedded database only).
 */
export {
  ROLES,
  assertCanChange,
  canChange,
  canSee,
  hasAnyRole,
  ownerDepartment,
  seesAllDepartments,
  type AuthUser,
  type ObjectOwner,
  type Role,
} from './roles.ts';
export { authenticate, bearerToken } from './middleware.ts';
export { hashPassword, verifyPassword } from './password.ts';
export {
  createSession,
  revokeSession,
  revokeUserSessions,
  sessionEvents,
  tokenHash,
  userForToken,
  SESSION_TTL_MS,
} from './sessions.ts';
export {
  createUser,
  findUserById,
  findUserByUsername,
  listUsers,
  setPassword,
  updateUser,
  PasswordSchema,
  RoleSchema,
  UsernameSchema,
  type NewUser,
  type UserRecord,
} from './users.ts';
export { ensureInitialAdmin, randomPassword } from './initial-admin.ts';
export { CHECKS_BUSY, DEFAULT_LOGIN_GUARD, LoginGuard, type LoginGuardOptions } from './login-guard.ts';
export { assertPasswordPolicy } from './password-policy.ts';
export { checkNewUsername, normalizeUsername, usernameSkeleton } from './usernames.ts';
export { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoRefusedError, syncDemoUsers } from './demo-users.ts';
