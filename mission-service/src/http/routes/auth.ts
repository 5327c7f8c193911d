import { z } from 'zod';
import { AppError, notFound } from '../../app-error.ts';
import {
  CHECKS_BUSY,
  createSession,
  createUser,
  findUserById,
  findUserByUsername,
  hashPassword,
  listUsers,
  normalizeUsername,
  revokeSession,
  SESSION_TTL_MS,
  setPassword,
  updateUser,
  verifyPassword,
  type UserRecord,
} from '../../auth/index.ts';
import {
  ChangePasswordRequestSchema,
  CreateUserRequestSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  SessionUserSchema,
  UpdateUserRequestSchema,
  UserSchema,
} from '../../contract/auth.ts';
import { clearedSessionCookie, csrfTokenFor, requestToken, sessionCookie } from '../../auth/cookie-session.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import type { LoginVerdict } from '../../auth/login-guard.ts';
import { LOGIN_VERDICT } from '../edge-gate.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { sourceOf } from '../source.ts';

function sessionUser(u: UserRecord) {
  return {
    id: u.id,
    name: u.username,
    displayName: u.displayName,
    roles: u.roles,
    departmentId: u.departmentId,
    mustChangePassword: u.mustChangePassword,
  };
}

const userView = (u: UserRecord) => ({ ...sessionUser(u), disabled: u.disabled });

let dummyHash: Promise<string> | undefined;

const badLogin = () =>
  new AppError('unauthenticated', 'bad_credentials', '用户名或密码错误 / wrong username or password');

const tooMany = (retryAfterS: number) =>
  new AppError(
    'rate_limited',
    'too_many_attempts',
    `尝试次数过多，请 ${retryAfterS} 秒后再试 / too many attempts: retry in ${retryAfterS} s`,
    { retryAfterS },
  );

/** `/api/auth/*` (login, logout, me, password) and `/api/users` (admin: list, add, change roles, disable). */
export function authRoutes(d: RouteDeps): Route[] {
  const { db, loginGuard: guard } = d;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: '登录（按来源退避，账户只减速不锁定）/ log in (per-source back-off; accounts slow down, never lock)',
      tag: 'auth',
      roles: null,
      body: LoginRequestSchema,
      response: LoginResponseSchema,
      errors: { 429: '尝试次数过多 / too many attempts (Retry-After)' },
      async handler({ req, res, body }) {
        res.setHeader('cache-control', 'no-store');
        const source = sourceOf(req);
        const account = normalizeUsername(body.username).toLowerCase();
        // Usually judged at the edge already, before the router (edge-gate.ts): taken once per attempt.
        const verdict = (res.locals[LOGIN_VERDICT] as LoginVerdict | undefined) ?? guard.check(source, account);
        if (!verdict.allowed) throw tooMany(verdict.retryAfterS);
        const checked = await guard.guarded(async () => {
          const found = await findUserByUsername(db, body.username);
          // Hash even for unknown users so response time does not reveal which usernames exist.
          const match = found
            ? await verifyPassword(body.password, found.passwordHash)
            : await verifyPassword(body.password, await (dummyHash ??= hashPassword('not-a-user-password')));
          return { user: found, ok: match };
        });
        if (checked === CHECKS_BUSY) throw tooMany(1);
        const { user, ok } = checked;
        if (!user || !ok || user.disabled) {
          guard.fail(source, account);
          d.logger.warn({ username: account.slice(0, 64), source }, 'login failed');
          throw badLogin();
        }
        guard.succeed(source, account);
        const token = await createSession(db, user.id);
        // The web app's session: an HttpOnly, SameSite=Strict cookie, and the CSRF token its changes must carry.
        if (body.cookie) res.append('set-cookie', sessionCookie(token, SESSION_TTL_MS / 1000, req.secure));
        return {
          token,
          expiresAt: new Date(Date.now() + SESSION_TTL_MS).toISOString(),
          user: sessionUser(user),
          ...(body.cookie ? { csrfToken: csrfTokenFor(token) } : {}),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: '注销令牌（并关闭其实时流）/ revoke the token (and close its live streams)',
      tag: 'auth',
      roles: [],
      allowPendingPasswordChange: true,
      status: 204,
      async handler({ req, res }) {
        res.setHeader('cache-control', 'no-store');
        const session = requestToken(req)!;
        await revokeSession(db, session.token);
        if (session.via === 'cookie') res.append('set-cookie', clearedSessionCookie(req.secure));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/csrf',
      summary: '当前会话的 CSRF 令牌（Cookie 会话的修改请求须带 X-CSRF-Token）/ the CSRF token of this session',
      tag: 'auth',
      roles: [],
      allowPendingPasswordChange: true,
      response: z.object({ csrfToken: z.string(), header: z.literal('X-CSRF-Token') }),
      handler({ req, res }) {
        res.setHeader('cache-control', 'no-store');
        return { csrfToken: csrfTokenFor(requestToken(req)!.token), header: 'X-CSRF-Token' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: '当前用户 / current user',
      tag: 'auth',
      roles: [],
      allowPendingPasswordChange: true,
      response: z.object({ user: SessionUserSchema }),
      async handler({ res, user }) {
        res.setHeader('cache-control', 'no-store');
        const u = await findUserById(db, user.id);
        if (!u) throw new AppError('unauthenticated', 'invalid_token', '登录已失效 / session user no longer exists');
        return { user: sessionUser(u) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password',
      summary: '修改密码（注销所有会话；限速）/ change password (ends every session; throttled)',
      tag: 'auth',
      roles: [],
      allowPendingPasswordChange: true,
      body: ChangePasswordRequestSchema,
      status: 204,
      errors: { 429: '尝试次数过多 / too many attempts (Retry-After)' },
      async handler({ res, user, body }) {
        res.setHeader('cache-control', 'no-store');
        const key = `user:${user.id}`;
        const verdict = guard.check(key, key);
        if (!verdict.allowed) throw tooMany(verdict.retryAfterS);
        const u = await findUserById(db, user.id);
        const checked = u ? await guard.guarded(() => verifyPassword(body.currentPassword, u.passwordHash)) : false;
        if (checked === CHECKS_BUSY) throw tooMany(1);
        const ok = u && checked;
        if (!u || !ok) {
          guard.fail(key, key);
          throw badLogin();
        }
        if (body.newPassword === body.currentPassword)
          throw new AppError(
            'invalid_input',
            'same_password',
            '新密码不能与旧密码相同 / the new password must differ',
            [{ in: 'body', field: 'newPassword', message: 'same as the current password' }],
          );
        guard.succeed(key);
        await setPassword(db, u.username, body.newPassword);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      summary: '用户列表 / users',
      tag: 'users',
      roles: ['admin'],
      query: PageQuerySchema,
      response: pageOf(UserSchema),
      async handler({ query }) {
        return pageOfArray((await listUsers(db)).map(userView), query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      summary: '添加用户（密码策略，拒绝相似用户名）/ add user (password policy, look-alike names refused)',
      tag: 'users',
      roles: ['admin'],
      body: CreateUserRequestSchema,
      status: 201,
      response: z.object({ user: UserSchema }),
      errors: { 409: '用户名已存在或与已有用户名相似 / name taken, or looks like an existing one' },
      async handler({ body }) {
        const u = await createUser(db, body);
        return { user: userView((await findUserById(db, u.id))!) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/{id}',
      summary: '用户 / a user',
      tag: 'users',
      roles: ['admin'],
      response: z.object({ user: UserSchema }),
      async handler({ params }) {
        const u = await findUserById(db, params.id);
        if (!u) throw notFound(`user ${params.id}`);
        return { user: userView(u) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{id}',
      summary: '修改角色、部门、名称或停用用户（审计）/ change roles, department, name, or disable a user (audited)',
      tag: 'users',
      roles: ['admin'],
      body: UpdateUserRequestSchema,
      response: z.object({ user: UserSchema }),
      errors: { 404: '未找到 / no such user', 409: '不能停用自己 / cannot disable yourself' },
      async handler({ user, params, body }) {
        return { user: userView(await updateUser(db, user, params.id, body)) };
      },
    }),
  ];
}
