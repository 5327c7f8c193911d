/** The signed-in user and their token, kept for this browser tab (sessionStorage). */
import type { SessionUser } from '@xuncha/mission-service/contract';

export interface Session {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

const KEY = 'xuncha.session';
let current: Session | null = read();
const listeners = new Set<(s: Session | null) => void>();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expiresAt) > Date.now() ? s : null;
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
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable: the session lasts for this page only
  }
  for (const f of listeners) f(s);
}

export function onSessionChange(f: (s: Session | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
