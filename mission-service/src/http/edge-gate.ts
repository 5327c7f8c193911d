import type { RequestHandler, Response } from 'express';
import type { LoginGuard } from '../auth/login-guard.ts';
import { normalizeUsername } from '../auth/usernames.ts';
import type { Open311Limits } from '../limits/open311-limits.ts';
import type { RefusalTally } from '../limits/refusal-tally.ts';
import { toXml } from '../open311/xml.ts';
import { sourceOf } from './source.ts';

/** `res.locals` flag: the edge already applied Open311's anonymous limits to this request. */
export const OPEN311_ANONYMOUS_CHECKED = 'open311AnonymousChecked';

/** `res.locals` key: the login guard's verdict the edge already took for this request (the route reuses it). */
export const LOGIN_VERDICT = 'loginVerdict';

/** Login bodies the edge reads itself (larger or encoded ones go on to the JSON parser and the route). */
const MAX_EDGE_LOGIN_BODY = 4096;

export interface EdgeGateDeps {
  open311: Open311Limits;
  loginGuard: LoginGuard;
  tally: RefusalTally;
}

function refuse(res: Response, status: number, contentType: string, body: string, retryAfterS: number): void {
  res.statusCode = status;
  res.setHeader('retry-after', String(retryAfterS));
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

const startsWithI = (s: string, prefix: string) =>
  s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix;

/**
 * The limits a flood hits, judged first: from the source address and the URL alone, before the request is logged,
 * its body read, its session looked up or the database asked; a refusal is an immediate 429 with Retry-After,
 * counted in the refusal tally (one log line and a few audit rows a minute, not one per request).
 * - Open311 without a key in the URL, from an address that has not shown a valid key lately: the anonymous
 *   limits (per address, all anonymous together, in flight). A POST whose key is in its body, from such an
 *   address, counts as anonymous here; once its key is seen valid, the address goes on to the key's own budget.
 * - `POST /api/auth/login` from an address that is backing off, or while every password-check slot is taken; and,
 *   for a small JSON body read here, an attempt on an account that is being paced.
 * Everything else (and anything spelled otherwise) goes on: the routes apply the same limits again where needed,
 * so this is where refusals are cheap, not the only place they happen.
 */
export function edgeGate({ open311, loginGuard, tally }: EdgeGateDeps): RequestHandler {
  return (req, res, next) => {
    const url = req.url;
    if (startsWithI(url, '/open311/')) {
      const source = sourceOf(req);
      if (open311.isKeyedSource(source) || /[?&]api_key=/i.test(url)) return next();
      const wait = open311.anonymous(source, res);
      res.locals[OPEN311_ANONYMOUS_CHECKED] = true;
      if (!wait) return next();
      tally.record(`${req.method} /open311`, source);
      const description = `请求过于频繁，请 ${wait} 秒后再试 / too many requests: retry in ${wait} s`;
      const errors = [{ code: 429, description }];
      if (/\.xml(?:[?#]|$)/i.test(url))
        refuse(res, 429, 'application/xml; charset=utf-8', toXml('errors', errors), wait);
      else refuse(res, 429, 'application/json; charset=utf-8', JSON.stringify(errors), wait);
      return;
    }
    if (req.method === 'POST' && startsWithI(url, '/api/auth/login') && /^\/api\/auth\/login\/?(?:\?|$)/i.test(url)) {
      const source = sourceOf(req);
      const refuseLogin = (wait: number) => {
        tally.record('POST /api/auth/login', source);
        const message = `尝试次数过多，请 ${wait} 秒后再试 / too many attempts: retry in ${wait} s`;
        const body = { error: { code: 'too_many_attempts', message, details: { retryAfterS: wait } } };
        res.setHeader('cache-control', 'no-store');
        refuse(res, 429, 'application/json; charset=utf-8', JSON.stringify(body), wait);
      };
      const wait = loginGuard.sourceRetryAfterS(source) || loginGuard.busyRetryAfterS();
      if (wait) return refuseLogin(wait);
      const length = Number(req.headers['content-length']);
      if (!req.is('application/json') || req.headers['content-encoding'] || !(length <= MAX_EDGE_LOGIN_BODY))
        return next();
      // A small JSON body: read here, so that an attempt on a paced account is refused without the body parser,
      // the router and the error path (the JSON parser skips a body already read).
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.once('error', next);
      req.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return next(
            Object.assign(new SyntaxError('请求体不是有效的 JSON / invalid JSON body'), {
              status: 400,
              type: 'entity.parse.failed',
            }),
          );
        }
        req.body = body;
        const username = (body as { username?: unknown } | null)?.username;
        if (typeof username !== 'string' || username.length > 64) return next();
        const verdict = loginGuard.check(source, normalizeUsername(username).toLowerCase());
        if (!verdict.allowed) return refuseLogin(verdict.retryAfterS);
        res.locals[LOGIN_VERDICT] = verdict;
        next();
      });
      return;
    }
    next();
  };
}
