import type { LinkResult } from './link/index.ts';

/**
 * What went wrong, in the domain's words. The HTTP layer turns a kind into a status through its one table
 * (`http/status-table.ts`); nothing outside `http/` knows about status codes.
 */
export const ERROR_KINDS = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type DomainErrorKind = (typeof ERROR_KINDS)[number];

/** A failure result of the drone link (`link/errors.ts`), as an error kind: `link.timeout`, `link.denied`, … */
export type LinkErrorKind = `link.${Exclude<LinkResult, 'success'>}`;
export type ErrorKind = DomainErrorKind | LinkErrorKind;

/**
 * The one application error: a kind (what went wrong), a stable code (which rule said so), a message a person
 * can act on (Chinese first, English beside it) and optional details (e.g. the field at fault).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * 404 for anything that does not exist, or that the caller may not know exists (another department's object).
 * One code, `not_found`, whatever the object; `what` names it in the message.
 */
export const notFound = (what: string, details?: unknown) =>
  new AppError('not_found', 'not_found', `未找到 / not found: ${what}`, details);

/** Whether `err` is an AppError of one of `kinds`. */
export function isAppError(err: unknown, ...kinds: ErrorKind[]): err is AppError {
  return err instanceof AppError && (kinds.length === 0 || kinds.includes(err.kind));
}

/**
 * A drone-link failure (anything with a link `result`) as an AppError of kind `link.<result>`, saying what the
 * service was trying to do. AppErrors pass through unchanged.
 */
export function linkFailure(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const raw = (err as { result?: unknown } | null)?.result;
  const result = (typeof raw === 'string' && raw !== 'success' ? raw : 'failed') as Exclude<LinkResult, 'success'>;
  return new AppError(
    `link.${result}`,
    `link_${result}`,
    `无人机执行失败 / drone refused or failed to ${what}: ${(err as Error)?.message ?? String(err)}`,
    { linkResult: result },
  );
}

/** Kinds that say the input or the request is wrong: retrying the same thing will fail the same way. */
const PERMANENT: readonly ErrorKind[] = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported_media_type',
  'unprocessable',
];

/** Whether an error is a permanent refusal of the input (a job should not retry it). */
export function isPermanentError(err: unknown): err is AppError {
  return err instanceof AppError && PERMANENT.includes(err.kind);
}
