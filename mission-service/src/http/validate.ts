/**
 * Validation at the edge that names what is wrong: `query parameter "from"`, `body field "camera"`, `path
 * parameter "id"`, with every issue in `details` ({ in, field, message }). A person can act on it.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from './errors.ts';

type Where = 'query' | 'body' | 'path';
const LABEL: Record<Where, string> = {
  query: '查询参数 / query parameter',
  body: '请求体字段 / body field',
  path: '路径参数 / path parameter',
};

function invalid(where: Where, err: z.ZodError, prefix = ''): AppError {
  const issues = err.issues.map((i) => {
    // A query parameter is named as the client wrote it (`state`, not `state.1` of its parsed list).
    const segments = where === 'body' ? i.path.map(String) : i.path.slice(0, 1).map(String);
    const path = [prefix, ...segments].filter(Boolean).join('.');
    // An unknown key is named by the issue itself, not by its path.
    const keys = (i as { keys?: string[] }).keys;
    return { in: where, field: keys?.length ? keys.join(', ') : path || '(whole)', message: i.message };
  });
  const first = issues[0]!;
  return new AppError(400, 'invalid_input', `输入无效 / invalid ${LABEL[where]} "${first.field}": ${first.message}`, {
    field: first.field,
    in: where,
    issues,
  });
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const r = schema.safeParse(req.query);
  if (!r.success) throw invalid('query', r.error);
  return r.data;
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) throw invalid('body', r.error);
  return r.data;
}

export function parseParam<S extends z.ZodType>(schema: S, req: Request, name: string): z.output<S> {
  const r = schema.safeParse(req.params[name]);
  if (!r.success) throw invalid('path', r.error, name);
  return r.data;
}
