/**
 * The dispatcher map's cases: every case of a filter in one query, only the fields a pin and a list row show, as
 * columns. 10,000 open cases used to take 20 pages of full case rows (10–13 s in the browser); this is one query
 * that reads no polygons, evidence or descriptions.
 */
import type { Queryable } from '../db/db.ts';
import { caseWhere, countCases, type ListCasesFilter } from './repository.ts';
import type { CaseState } from './state-machine.ts';

export interface CaseMapColumns {
  total: number;
  truncated: boolean;
  id: string[];
  lon: number[];
  lat: number[];
  state: CaseState[];
  category: string[];
  severity: ('urgent' | 'normal')[];
  createdAt: number[];
  acceptedAt: (number | null)[];
  dispatchedAt: (number | null)[];
  acceptDueAt: (number | null)[];
  dispatchDueAt: (number | null)[];
  resolveDueAt: (number | null)[];
}

/** `ids`: only these cases (the live map's look-up of the cases that just changed). */
type Filter = Omit<ListCasesFilter, 'limit' | 'offset'>;

const ms = (v: unknown): number | null => (v == null ? null : new Date(v as string | Date).getTime());
/** 6 decimals of a degree: 0.1 m, finer than any pin, and a third shorter than a double's 15–17 digits. */
const deg = (v: unknown): number => Math.round(Number(v) * 1e6) / 1e6;

/** The cases of `f` (newest first, at most `max`), column by column; `total` counts them all. */
export async function caseMap(q: Queryable, f: Filter, max: number): Promise<CaseMapColumns> {
  const params: unknown[] = [];
  const where = caseWhere(f, params);
  params.push(max + 1);
  const r = await q.query<Record<string, unknown>>(
    `SELECT c.id, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.state, c.category, c.severity, c.created_at,
            c.accepted_at, c.dispatched_at, c.accept_due_at, c.dispatch_due_at, c.resolve_due_at
       FROM cases c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.created_at DESC, c.id LIMIT $${params.length}`,
    params,
  );
  const truncated = r.rows.length > max;
  const rows = truncated ? r.rows.slice(0, max) : r.rows;
  const out: CaseMapColumns = {
    total: rows.length,
    truncated,
    id: [],
    lon: [],
    lat: [],
    state: [],
    category: [],
    severity: [],
    createdAt: [],
    acceptedAt: [],
    dispatchedAt: [],
    acceptDueAt: [],
    dispatchDueAt: [],
    resolveDueAt: [],
  };
  for (const row of rows) {
    out.id.push(row.id as string);
    out.lon.push(deg(row.lon));
    out.lat.push(deg(row.lat));
    out.state.push(row.state as CaseState);
    out.category.push(row.category as string);
    out.severity.push(row.severity as 'urgent' | 'normal');
    out.createdAt.push(ms(row.created_at)!);
    out.acceptedAt.push(ms(row.accepted_at));
    out.dispatchedAt.push(ms(row.dispatched_at));
    out.acceptDueAt.push(ms(row.accept_due_at));
    out.dispatchDueAt.push(ms(row.dispatch_due_at));
    out.resolveDueAt.push(ms(row.resolve_due_at));
  }
  if (truncated) out.total = await countCases(q, f);
  return out;
}
