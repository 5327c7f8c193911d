/**
 * The web app's session: the same server-side session as a bearer token, carried in a cookie the page's scripts
 * cannot read (HttpOnly), that the browser never sends from another site (SameSite=Strict), so that `EventSource`
 * and `<img>` work without an Authorization header. A cookie is sent automatically, so every change request made
 * with it must also carry `X-CSRF-Token` — a value derived from the session that only the page (from the login
 * answer or `GET /api/auth/csrf`) knows. Bearer tokens need none: a browser never attaches them by itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { bearerToken } from './middleware.ts';

export const SESSION_COOKIE = 'xuncha_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token of a session: derived from its secret token, so it needs no storage and dies with it. */
export function csrfTokenFor(token: string): string {
  return createHash('sha256').update(`xuncha-csrf:${token}`).digest('base64url');
}

/** `Set-Cookie` value of a session cookie (Secure when the request came over HTTPS). */
export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeS)}${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The session cookie's token, or null. */
export function cookieToken(req: Request): string | null {
  const header = req.header('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return /^[\w-]{20,200}$/.test(v) ? v : null;
    }
  }
  return null;
}

/** The session token of a request and how it came: the Authorization header wins over the cookie. */
export function requestToken(req: Request): { token: string; via: 'bearer' | 'cookie' } | null {
  const bearer = bearerToken(req.header('authorization'));
  if (bearer) return { token: bearer, via: 'bearer' };
  const cookie = cookieToken(req);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a cookie-carried request may proceed: reads always; changes with the session's CSRF token. */
export function csrfOk(req: Request, token: string): boolean {
  if (SAFE.has(req.method)) return true;
  const given = req.header(CSRF_HEADER);
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfTokenFor(token));
  return a.length === b.length && timingSafeEqual(a, b);
}
