import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError, type z } from 'zod';
import { AppError } from '../app-error.ts';
import type { Logger } from '../logger.ts';
import { httpStatusOf } from './status-table.ts';

/** Where a validation problem is: the body field, query parameter or path parameter it names. */
export type InputLocation = 'body' | 'query' | 'path';

export interface FieldIssue {
  in: InputLocation;
  field: string;
  message: string;
}

/** A zod failure at the edge as a 400 naming the field (`query bbox: …`, `body areaIds.0: …`). */
export function invalidInput(where: InputLocation, error: z.ZodError): AppError {
  const issues: FieldIssue[] = error.issues.slice(0, 20).map((i) => {
    // An unknown key is named by the issue, not its path; a query parameter as the client wrote it (`state`, not
    // `state.1` of its parsed list).
    const keys = (i as { keys?: string[] }).keys;
    const path = where === 'body' ? i.path : i.path.slice(0, 1);
    return { in: where, field: keys?.length ? keys.join(', ') : path.map(String).join('.'), message: i.message };
  });
  const first = issues[0];
  const what = first
    ? `${where === 'query' ? 'query parameter' : where === 'path' ? 'path parameter' : 'body field'} ${first.field || '(whole)'}: ${first.message}`
    : where;
  return new AppError('invalid_input', 'invalid_input', `输入无效 / invalid ${what}`, issues);
}

/** 404 for routes that do not exist under /api. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(
    new AppError('not_found', 'not_found', `没有此接口 / no such endpoint: ${req.method} ${req.path}`, {
      route: `${req.method} ${req.path}`,
    }),
  );
};

/** An error as the status and body every API answer uses: `{ error: { code, message, details, requestId } }`. */
export function errorBody(
  err: unknown,
  requestId: unknown,
): { status: number; body: { error: { code: string; message: string; details?: unknown; requestId?: unknown } } } {
  if (err instanceof AppError) {
    return {
      status: httpStatusOf(err.kind),
      body: { error: { code: err.code, message: err.message, details: err.details, requestId } },
    };
  }
  if (err instanceof ZodError) return errorBody(invalidInput('body', err), requestId);
  const e = err as { status?: unknown; type?: unknown; message?: unknown } | null;
  const status = typeof e?.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 500;
  if (status < 500) {
    // body-parser and friends: too large, malformed JSON… Their messages are safe and useful.
    const code = typeof e?.type === 'string' ? e.type : 'bad_request';
    return { status, body: { error: { code, message: `请求无效 / ${String(e?.message)}`, requestId } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: '服务器内部错误 / internal error', requestId } } };
}

/**
 * Turns every error into the JSON answer. Validation and application errors say what is wrong; anything
 * unexpected is logged with the request id and answered without internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = res.getHeader('x-request-id');
    const { status, body } = errorBody(err, requestId);
    res.locals.errorCode = body.error.code;
    const retryAfterS = (err as AppError | undefined)?.details as { retryAfterS?: unknown } | undefined;
    if (status === 429 || status === 503) {
      if (typeof retryAfterS?.retryAfterS === 'number') res.setHeader('retry-after', String(retryAfterS.retryAfterS));
    }
    if (status >= 500 && !(err instanceof AppError))
      logger.error({ err, requestId, path: req.path }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}
