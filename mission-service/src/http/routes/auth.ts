import { Router } from 'express';
import {
  bearerToken,
  createSession,
  createUser,
  currentUser,
  findUserById,
  findUserByUsername,
  hashPassword,
  listUsers,
  LoginThrottle,
  requireRoles,
  revokeSession,
  SESSION_TTL_MS,
  setPassword,
  verifyPassword,
  type UserRecord,
} from '../../auth/index.ts';
import { ChangePasswordRequestSchema, CreateUserRequestSchema, LoginRequestSchema } from '../../contract/auth.ts';
import type { Db } from '../../db/db.ts';
import { AppError } from '../errors.ts';

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

let dummyHash: Promise<string> | undefined;

/** `/api/auth/*` (login, logout, me, password) and `/api/users` (admin). */
export function authRoutes(db: Db, throttle = new LoginThrottle()): Router {
  const router = Router();
  const badLogin = () => new AppError(401, 'bad_credentials', '用户名或密码错误 / wrong username or password');

  router.post('/auth/login', async (req, res) => {
    const { username, password } = LoginRequestSchema.parse(req.body);
    const wait = throttle.retryAfterS(username);
    if (wait > 0) {
      res.setHeader('retry-after', String(wait));
      throw new AppError(
        429,
        'too_many_attempts',
        `尝试次数过多，请稍后再试 / too many failed logins; retry in ${wait} s`,
      );
    }
    const user = await findUserByUsername(db, username);
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-user-password')));
    if (!user || !ok || user.disabled) {
      throttle.fail(username);
      throw badLogin();
    }
    throttle.succeed(username);
    const token = await createSession(db, user.id);
    res.json({ token, expiresAt: new Date(Date.now() + SESSION_TTL_MS).toISOString(), user: sessionUser(user) });
  });

  router.post('/auth/logout', requireRoles(), async (req, res) => {
    await revokeSession(db, bearerToken(req.header('authorization'))!);
    res.status(204).end();
  });

  router.get('/auth/me', requireRoles(), async (_req, res) => {
    const user = await findUserById(db, currentUser(res).id);
    if (!user) throw new AppError(401, 'invalid_token', '登录已失效 / session user no longer exists');
    res.json({ user: sessionUser(user) });
  });

  router.post('/auth/password', requireRoles(), async (req, res) => {
    const body = ChangePasswordRequestSchema.parse(req.body);
    const user = await findUserById(db, currentUser(res).id);
    if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash))) throw badLogin();
    await setPassword(db, user.username, body.newPassword);
    res.status(204).end();
  });

  router.get('/users', requireRoles('admin'), async (_req, res) => {
    res.json({ users: (await listUsers(db)).map(sessionUser) });
  });

  router.post('/users', requireRoles('admin'), async (req, res) => {
    const body = CreateUserRequestSchema.parse(req.body);
    const u = await createUser(db, body);
    res.status(201).json({ user: sessionUser((await findUserById(db, u.id))!) });
  });

  return router;
}
