import type { RequestHandler } from 'express';
import type { Queryable } from '../db/db.ts';
import { userForToken } from './sessions.ts';

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1]! : null;
}

/**
 * Reads `Authorization: Bearer <token>` and sets `res.locals.user` (AuthUser) when the token is a live session;
 * otherwise leaves it undefined (`res.locals.authError` says a token was given but is dead). Never rejects by
 * itself: each route's roles decide (http/mount.ts).
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
