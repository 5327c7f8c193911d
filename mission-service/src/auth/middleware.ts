import type { RequestHandler, Response } from 'express';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../http/errors.ts';
import { hasAnyRole, type AuthUser, type Role } from './roles.ts';
import { userForToken } from './sessions.ts';

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1]! : null;
}

/**
 * Reads `Authorization: Bearer <token>` and sets `res.locals.user` (AuthUser) when the token is a live session;
 * otherwise leaves it undefined (routes decide with requireRoles). Never rejects by itself.
 */
export function authenticate(db: Queryable): RequestHandler {
  return async (req, res, next) => {
    try {
      const token = bearerToken(req.header('authorization'));
      if (token) {
        const user = await userForToken(db, token);
        if (user) res.locals.user = user;
        else res.locals.authError = 'invalid_token';
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The authenticated caller; throws 401 when there is none (use after requireRoles). */
export function currentUser(res: Response): AuthUser {
  const user = res.locals.user as AuthUser | undefined;
  if (!user) throw unauthenticated(res);
  return user;
}

function unauthenticated(res: Response): AppError {
  return res.locals.authError
    ? new AppError(401, 'invalid_token', '登录已失效，请重新登录 / token invalid, expired or revoked: log in again')
    : new AppError(401, 'unauthenticated', '请先登录 / authentication required (Authorization: Bearer <token>)');
}

/**
 * Route guard: 401 without a live session, 403 when the user holds none of `roles` (admin passes everywhere).
 * With no roles given, any authenticated user passes.
 */
export function requireRoles(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const user = res.locals.user as AuthUser | undefined;
    if (!user) return next(unauthenticated(res));
    if (roles.length && !hasAnyRole(user, roles)) {
      return next(
        new AppError(403, 'forbidden', `权限不足 / forbidden: requires role ${roles.join(' or ')}`, {
          required: roles,
        }),
      );
    }
    next();
  };
}
