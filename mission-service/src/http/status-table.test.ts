import { describe, expect, it } from 'vitest';
import { AppError, ERROR_KINDS, linkFailure } from '../app-error.ts';
import { LinkError, type LinkResult } from '../link/index.ts';
import { errorBody } from './errors.ts';
import { HTTP_STATUS, httpStatusOf } from './status-table.ts';

const LINK_RESULTS: Exclude<LinkResult, 'success'>[] = [
  'timeout',
  'denied',
  'temporarily_rejected',
  'unsupported',
  'failed',
  'cancelled',
  'mission_error',
  'no_vehicle',
  'connection_error',
  'invalid_argument',
  'busy',
];

describe('the one status table', () => {
  it('gives every domain error kind and every drone-link result a status, and nothing else', () => {
    const keys = Object.keys(HTTP_STATUS).sort();
    expect(keys).toEqual([...ERROR_KINDS, ...LINK_RESULTS.map((r) => `link.${r}`)].sort());
    for (const s of Object.values(HTTP_STATUS)) expect(s >= 400 && s < 600).toBe(true);
  });

  it('answers a vehicle that refuses with 409, a mission it cannot take with 422, silence with 504', () => {
    const status = (result: Exclude<LinkResult, 'success'>) =>
      httpStatusOf(linkFailure(new LinkError(result, 'x'), 'upload').kind);
    expect(status('denied')).toBe(409);
    expect(status('busy')).toBe(409);
    expect(status('mission_error')).toBe(422);
    expect(status('timeout')).toBe(504);
    expect(status('connection_error')).toBe(502);
    expect(status('invalid_argument')).toBe(400);
  });

  it('keeps AppErrors as they are and names the link result in the error code', () => {
    const e = new AppError('conflict', 'drone_offline', 'offline');
    expect(linkFailure(e, 'start')).toBe(e);
    const f = linkFailure(new LinkError('denied', 'arming denied'), 'start');
    expect(f).toMatchObject({ kind: 'link.denied', code: 'link_denied' });
    expect(f.message).toMatch(/start: arming denied/);
    expect(linkFailure(new Error('boom'), 'connect').kind).toBe('link.failed');
  });

  it('answers in one shape, with one not_found code', () => {
    const { status, body } = errorBody(new AppError('not_found', 'not_found', 'nope', { x: 1 }), 'req-1');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'nope', details: { x: 1 }, requestId: 'req-1' } });
    expect(errorBody(new Error('secret detail'), 'r').body.error).toEqual({
      code: 'internal',
      message: '服务器内部错误 / internal error',
      requestId: 'r',
    });
  });
});
