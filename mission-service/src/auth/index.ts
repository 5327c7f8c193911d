/**
 * Authentication and roles — the contract other parts of mission-service code against (cases, open311, …):
 *
 * - `type Role = 'operator' | 'officer' | 'dispatcher' | 'admin'`;
 *   `interface AuthUser { id; username; roles: Role[]; departmentId: string | null }`.
 * - `authenticate(db)`: middleware (mounted once for all of /api) reading `Authorization: Bearer <token>`;
 *   sets `res.locals.user: AuthUser` for a live session, else leaves it undefined.
 * - `requireRoles(...roles)`: route guard; 401 without a live session (missing, forged, expired, revoked token),
 *   403 when the user has none of `roles`; admin passes everywhere; no roles = any logged-in user.
 * - `currentUser(res)`: the AuthUser (throws 401 if absent). `canAccessDepartment(user, deptId)`: object-level
 *   check (admin and dispatcher see all; others their own department; objects without a department are shared).
 * - `createUser(db, { username, password, roles, displayName?, departmentId? })` → AuthUser;
 *   `hashPassword` / `verifyPassword`: scrypt N=2^15 r=8 p=1, 16-byte salt, `scrypt$N$r$p$salt$key`.
 * - Sessions are server-side: only the SHA-256 of the token is stored; logout and password changes revoke.
 * - HTTP: `POST /api/auth/login {username,password}` → `{ token, user: { name, roles, … } }`,
 *   `POST /api/auth/logout` (revokes the token), `GET /api/auth/me`, `POST /api/auth/password`.
 * - `ensureInitialAdmin(db, log)`: on first start creates `admin` with a one-time password printed once on
 *   stderr. `syncDemoUsers`: the demo-* accounts of XUNCHA_DEMO=1 (loopback + embedded database only).
 */
export { ROLES, canAccessDepartment, hasAnyRole, ownerDepartment, type AuthUser, type Role } from './roles.ts';
export { authenticate, bearerToken, currentUser, requireRoles } from './middleware.ts';
export { hashPassword, verifyPassword } from './password.ts';
export { createSession, revokeSession, userForToken, SESSION_TTL_MS } from './sessions.ts';
export {
  createUser,
  findUserById,
  findUserByUsername,
  listUsers,
  setPassword,
  PasswordSchema,
  RoleSchema,
  UsernameSchema,
  type NewUser,
  type UserRecord,
} from './users.ts';
export { ensureInitialAdmin, randomPassword } from './initial-admin.ts';
export { LoginThrottle } from './login-throttle.ts';
export { DEMO_ACCOUNTS, DEMO_PASSWORD, DemoRefusedError, syncDemoUsers } from './demo-users.ts';
