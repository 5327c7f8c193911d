import type { RequestHandler } from 'express';
import type { Queryable } from '../db/db.ts';
import { csrfOk, requestToken } from './cookie-session.ts';
import { userForToken } from './sessions.ts';

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1]! : null;
}

/**
 * Reads the session — `Authorization: Bearer <token>`, else the web app's session cookie (cookie-session.ts) — and
 * sets `res.locals.user` (AuthUser) when it is live; otherwise leaves it undefined (`res.locals.authError` says a
 * token was given but is dead, or a cookie-carried change came without its CSRF token). Never rejects by itself:
 * each route's roles decide (http/mount.ts).
 */
export function authenticate(db: Queryable): RequestHandler {
  return async (req, res, next) => {
    try {
      const session = requestToken(req);
      if (session?.via === 'cookie' && !csrfOk(req, session.token)) res.locals.authError = 'csrf';
      else if (session) {
        const user = await userForToken(db, session.token);
        if (user) res.locals.user = user;
        else res.locals.authError = 'invalid_token';
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
