import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger.ts';

/** The one application error: an HTTP status, a stable code and a message a person can act on. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `未找到 / not found: ${what}`);

/** 404 for routes that do not exist under /api. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'no_route', `没有此接口 / no such endpoint: ${req.method} ${req.path}`));
};

/**
 * Turns every error into a JSON answer. Validation and application errors say what is wrong;
 * anything unexpected is logged with the request id and answered without internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = res.getHeader('x-request-id');
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details, requestId } });
      return;
    }
    if (err instanceof ZodError) {
      const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = issues[0];
      res.status(400).json({
        error: {
          code: 'invalid_input',
          message: `输入无效 / invalid input${first ? ` at ${first.path || '(body)'}: ${first.message}` : ''}`,
          details: issues,
          requestId,
        },
      });
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      // body-parser and friends: too large, malformed JSON… Their messages are safe and useful.
      res.status(status).json({ error: { code: err.type ?? 'bad_request', message: String(err.message), requestId } });
      return;
    }
    logger.error({ err, requestId, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: '服务器内部错误 / internal error', requestId } });
  };
}
