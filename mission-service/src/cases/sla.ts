import type { Queryable } from '../db/db.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/** SLA of one category and severity (table `sla_policies`). */
export interface SlaPolicy {
  category: string;
  severity: 'urgent' | 'normal';
  acceptS: number;
  dispatchS: number;
  /** Resolution as a duration (urgent: 24 h) … */
  resolveS: number | null;
  /** … or as working days on the Chinese calendar (non-urgent: 3). */
  resolveWorkingDays: number | null;
}

/** Scalar subquery: the SLA row of a category and severity (JSON or NULL), for composing one round trip. */
export function slaPolicySql(category: string, severity: string): string {
  return `(SELECT row_to_json(x) FROM (SELECT accept_s, dispatch_s, resolve_s, resolve_working_days FROM sla_policies
    WHERE category = ${category} AND severity = ${severity}) x)`;
}

interface SlaRow {
  accept_s: number;
  dispatch_s: number;
  resolve_s: number | null;
  resolve_working_days: number | null;
}

/** The policy from a {@link slaPolicySql} result; the centre's promise when the table has no row. */
export function toSlaPolicy(category: string, severity: 'urgent' | 'normal', rowJson: unknown): SlaPolicy {
  const row =
    rowJson == null ? undefined : typeof rowJson === 'string' ? (JSON.parse(rowJson) as SlaRow) : (rowJson as SlaRow);
  if (!row) {
    // Accept 3 min, dispatch 5 min, urgent 24 h, non-urgent 3 working days.
    return {
      category,
      severity,
      acceptS: 180,
      dispatchS: 300,
      resolveS: severity === 'urgent' ? 86_400 : null,
      resolveWorkingDays: severity === 'urgent' ? null : 3,
    };
  }
  return {
    category,
    severity,
    acceptS: row.accept_s,
    dispatchS: row.dispatch_s,
    resolveS: row.resolve_s,
    resolveWorkingDays: row.resolve_working_days,
  };
}

/** The SLA of a category and severity. */
export async function getSlaPolicy(q: Queryable, category: string, severity: 'urgent' | 'normal'): Promise<SlaPolicy> {
  const r = await q.query<{ p: unknown }>(`SELECT ${slaPolicySql('$1', '$2')} AS p`, [category, severity]);
  return toSlaPolicy(category, severity, r.rows[0]?.p);
}

export async function listSlaPolicies(q: Queryable): Promise<SlaPolicy[]> {
  const r = await q.query<{
    category: string;
    severity: 'urgent' | 'normal';
    accept_s: number;
    dispatch_s: number;
    resolve_s: number | null;
    resolve_working_days: number | null;
  }>('SELECT * FROM sla_policies ORDER BY category, severity');
  return r.rows.map((row) => ({
    category: row.category,
    severity: row.severity,
    acceptS: row.accept_s,
    dispatchS: row.dispatch_s,
    resolveS: row.resolve_s,
    resolveWorkingDays: row.resolve_working_days,
  }));
}

/** Admin edit of one policy (insert or replace). */
export async function upsertSlaPolicy(q: Queryable, p: SlaPolicy): Promise<void> {
  await q.query(
    `INSERT INTO sla_policies (category, severity, accept_s, dispatch_s, resolve_s, resolve_working_days)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (category, severity) DO UPDATE SET accept_s = $3, dispatch_s = $4, resolve_s = $5, resolve_working_days = $6`,
    [p.category, p.severity, p.acceptS, p.dispatchS, p.resolveS, p.resolveWorkingDays],
  );
}

export interface Deadlines {
  acceptDueAt: Date;
  dispatchDueAt: Date;
  resolveDueAt: Date;
  /** The resolution deadline was counted in a year with no published holiday schedule (Mon–Fri assumed). */
  resolveDueEstimated: boolean;
}

/**
 * Deadlines of a case filed at `filedAt`: accept within `acceptS`, dispatch within `dispatchS` of the accept
 * deadline (moved to `dispatchS` after the actual acceptance when it happens), resolve within `resolveS` or
 * `resolveWorkingDays` working days (Asia/Shanghai, 调休 included) of filing.
 */
export function computeDeadlines(policy: SlaPolicy, filedAt: Date, cal: WorkingCalendar): Deadlines {
  const acceptDueAt = new Date(filedAt.getTime() + policy.acceptS * 1000);
  const dispatchDueAt = new Date(acceptDueAt.getTime() + policy.dispatchS * 1000);
  const resolve = resolveDeadline(policy, filedAt, cal);
  return { acceptDueAt, dispatchDueAt, resolveDueAt: resolve.at, resolveDueEstimated: resolve.estimated };
}

/** The resolution deadline counted from `from` (filing, or a reopen). */
export function resolveDeadline(policy: SlaPolicy, from: Date, cal: WorkingCalendar): { at: Date; estimated: boolean } {
  if (policy.resolveS !== null) return { at: new Date(from.getTime() + policy.resolveS * 1000), estimated: false };
  return cal.addWorkingDaysTo(from, policy.resolveWorkingDays ?? 3);
}
