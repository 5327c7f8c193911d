/**
 * Who is signed in. The session itself is an HttpOnly cookie the page cannot read; the page keeps the user, the
 * expiry (for the polite warning) and the CSRF token in memory, and the user and expiry also in this tab's
 * sessionStorage so a reload renders at once (then `GET /api/auth/me` checks the cookie is still good).
 */
import type { SessionUser } from '@xuncha/mission-service/contract';

export interface Session {
  /** When the session ends; null when not known (a new tab found a valid cookie). */
  expiresAt: string | null;
  user: SessionUser;
  /** In memory only: a reload fetches it again (`GET /api/auth/csrf`). */
  csrfToken: string | null;
}

const KEY = 'xuncha.session';
let current: Session | null = read();
const listeners = new Set<(s: Session | null) => void>();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Omit<Session, 'csrfToken'>;
    return (!s.expiresAt || Date.parse(s.expiresAt) > Date.now()) && s.user ? { ...s, csrfToken: null } : null;
  } catch {
    return null;
  }
}

export function session(): Session | null {
  return current;
}

export function setSession(s: Session | null): void {
  current = s;
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify({ expiresAt: s.expiresAt, user: s.user }));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable: the page forgets the user on reload and asks the service again
  }
  for (const f of listeners) f(s);
}

export function onSessionChange(f: (s: Session | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
