import type { ErrorKind } from '../app-error.ts';

/**
 * The one table from a failure to its HTTP status: the domain's error kinds and the drone link's results.
 * A vehicle that refuses (denied, busy, temporarily rejected) is a conflict with its current state, not a
 * permission problem of the caller; a mission the vehicle cannot take is unprocessable; a vehicle that does not
 * answer is a bad or timed-out gateway.
 */
export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  'link.invalid_argument': 400,
  'link.denied': 409,
  'link.busy': 409,
  'link.temporarily_rejected': 409,
  'link.mission_error': 422,
  'link.unsupported': 422,
  'link.failed': 502,
  'link.connection_error': 502,
  'link.no_vehicle': 504,
  'link.timeout': 504,
  'link.cancelled': 503,
};

/** The HTTP status of an error kind. */
export function httpStatusOf(kind: ErrorKind): number {
  return HTTP_STATUS[kind];
}
