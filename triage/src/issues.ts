/**
 * Per-photo problems. A photo with problems is still reported (never dropped): `error` issues stop
 * its processing, `warning` issues say which field was ignored or assumed and why.
 */

export type PhotoIssueCode =
  | 'unsupported_format'
  | 'truncated'
  | 'too_large'
  | 'decode_failed'
  | 'metadata_unreadable'
  | 'field_rejected'
  | 'field_assumed'
  | 'unlocated'
  | 'inference_failed';

/** One problem with one photo; `message` is Chinese first, English beside. */
export interface PhotoIssue {
  severity: 'error' | 'warning';
  code: PhotoIssueCode;
  /** The metadata field concerned, when there is one (e.g. `latitude`). */
  field?: string;
  message: string;
}

/** Builds an issue. */
export function issue(
  severity: PhotoIssue['severity'],
  code: PhotoIssueCode,
  message: string,
  field?: string,
): PhotoIssue {
  return field === undefined ? { severity, code, message } : { severity, code, field, message };
}

/** An error that stops one photo; carries its issue so batch code can report it and go on. */
export class PhotoError extends Error {
  readonly issue: PhotoIssue;
  constructor(code: PhotoIssueCode, message: string) {
    super(message);
    this.name = 'PhotoError';
    this.issue = issue('error', code, message);
  }
}

/** A model or configuration problem found at startup (not per photo). */
export class TriageStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriageStartupError';
  }
}
