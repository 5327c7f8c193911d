import type { Request, Response } from 'express';
import { requestToken } from '../auth/cookie-session.ts';
import { sessionEvents, tokenHash, userForToken } from '../auth/sessions.ts';
import type { AuthUser } from '../auth/roles.ts';
import type { Queryable } from '../db/db.ts';

export interface SseStream {
  send(event: string, data: unknown): void;
  /** Runs when the stream ends (client gone, session revoked): unsubscribe here. */
  onClose(fn: () => void): void;
}

/** How often an open stream re-checks its session (revocations on other instances) and sends a keep-alive. */
const HEARTBEAT_MS = 15_000;

/**
 * Opens a Server-Sent Events stream for the signed-in `user`. The stream ends when the client goes, and when its
 * session ends: at once on logout, password change, disable or role change in this process (sessionEvents), and
 * at the next heartbeat check when another instance revoked it.
 */
export function openSse(db: Queryable, req: Request, res: Response, user: AuthUser): SseStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const token = requestToken(req)?.token ?? null;
  const hash = token ? tokenHash(token) : null;
  const closers: (() => void)[] = [];
  let closed = false;
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    sessionEvents.off('revoked', onRevoked);
    for (const fn of closers) fn();
    res.end();
  };
  const onRevoked = (e: { tokenHash?: string; userId?: string }) => {
    if ((e.tokenHash && e.tokenHash === hash) || (e.userId && e.userId === user.id)) {
      res.write('event: session_ended\ndata: {"reason":"session revoked"}\n\n');
      end();
    }
  };
  sessionEvents.on('revoked', onRevoked);
  const timer = setInterval(() => {
    res.write(': keep-alive\n\n');
    if (token)
      userForToken(db, token).then(
        (u) => {
          if (!u) onRevoked({ userId: user.id });
        },
        () => undefined,
      );
  }, HEARTBEAT_MS);
  req.on('close', end);
  let id = 0;
  return {
    send(event, data) {
      if (!closed) res.write(`id: ${++id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
}
