import type { Request } from 'express';

/**
 * The address a request came from. Behind a reverse proxy set `XUNCHA_TRUST_PROXY` (Express's `trust proxy`)
 * so that X-Forwarded-For is read; otherwise it is ignored (a client could forge it).
 */
export function sourceOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
