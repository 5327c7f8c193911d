/**
 * Keyset paging: a page ends with the sort key of its last item, handed to the client as an opaque cursor
 * (base64url JSON). The next page starts strictly after it, so inserts between requests never repeat or skip rows
 * the way OFFSET would.
 */
import { AppError } from '../app-error.ts';

export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of a cursor of `arity` values, or 400 for anything that is not one of ours. */
export function decodeCursor(cursor: string | undefined, arity: number): CursorKey | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number'))
      return v as CursorKey;
  } catch {
    /* answered below */
  }
  throw new AppError(
    'invalid_input',
    'invalid_input',
    '分页游标无效 / invalid cursor: pass the nextCursor of the previous page',
    [{ in: 'query', field: 'cursor', message: 'not a cursor of this list' }],
  );
}

/** The page and its next cursor from `limit + 1` rows read. */
/**
 * The select expression of a keyset cursor's time, `cursor_at`: the exact stored value as text. PostgreSQL keeps
 * microseconds and a JavaScript Date only milliseconds, so a cursor made from a Date would skip the rows that
 * share the millisecond of a page's last row.
 */
export function cursorTime(column: string): string {
  return `${column}::text AS cursor_at`;
}

/** A PostgreSQL timestamptz as text (what {@link cursorTime} selects). */
const STORED_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-](\d{2})(:?\d{2})?|Z)$/;

/** Whether `at` is a real stored time: the right shape and a calendar date and clock time that exist. */
function isStoredTime(at: string): boolean {
  const m = STORED_TIME.exec(at);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return (
    day.getUTCFullYear() === y &&
    day.getUTCMonth() === mo - 1 &&
    day.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    sec < 60 &&
    Number(m[9] ?? 0) <= 15
  );
}

/**
 * The key of a (time, id) cursor, or 400: the time is checked here, so a forged cursor never reaches the
 * database's cast as a 500.
 */
export function decodeTimeCursor(cursor: string | undefined): [string, string] | null {
  const key = decodeCursor(cursor, 2);
  if (!key) return null;
  const [at, id] = key;
  if (typeof at === 'string' && isStoredTime(at) && typeof id === 'string') return [at, id];
  throw new AppError(
    'invalid_input',
    'invalid_input',
    '分页游标无效 / invalid cursor: pass the nextCursor of the previous page',
    [{ in: 'query', field: 'cursor', message: 'not a cursor of this list' }],
  );
}

export function pageFrom<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => CursorKey,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(keyOf(page[page.length - 1]!)) };
}

/** The offset a cursor of an offset-paged list stands for (0 without one). */
export function offsetFrom(cursor: string | undefined): number {
  const key = decodeCursor(cursor, 1);
  const n = key ? Number(key[0]) : 0;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new AppError('invalid_input', 'invalid_input', '分页游标无效 / invalid cursor', [
      { in: 'query', field: 'cursor', message: 'not a cursor of this list' },
    ]);
  return n;
}

/**
 * A page of a list held in full (short lists: departments, presets, a case's events): `{ items, total, nextCursor }`
 * like every list of the API.
 */
export function pageOfArray<T>(
  all: readonly T[],
  q: { limit: number; cursor?: string },
): { items: T[]; total: number; nextCursor: string | null } {
  const offset = offsetFrom(q.cursor);
  const items = all.slice(offset, offset + q.limit);
  return {
    items,
    total: all.length,
    nextCursor: offset + q.limit < all.length ? encodeCursor([offset + q.limit]) : null,
  };
}

/** A page read with `LIMIT limit + 1 OFFSET offset`: the extra row says whether there is a next page. */
export function offsetPage<T>(
  rows: readonly T[],
  total: number,
  q: { limit: number; cursor?: string },
): { items: T[]; total: number; nextCursor: string | null } {
  const offset = offsetFrom(q.cursor);
  return {
    items: rows.slice(0, q.limit),
    total,
    nextCursor: rows.length > q.limit ? encodeCursor([offset + q.limit]) : null,
  };
}
