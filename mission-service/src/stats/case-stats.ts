import type { Queryable } from '../db/db.ts';

/** Figures of one group of cases (all, one department, one category) filed in the period. */
export interface CaseStatsRow {
  scope: 'overall' | 'department' | 'category';
  /** Department id or category; null for overall (and for the centre queue's department). */
  key: string | null;
  name: string;
  filed: number;
  rejected: number;
  /** 办结: resolved, verified or closed. */
  resolved: number;
  open: number;
  /** 办结率 = resolved / (filed − rejected). */
  closureRate: number | null;
  acceptOnTimeRate: number | null;
  dispatchOnTimeRate: number | null;
  resolveOnTimeRate: number | null;
  /** Share of resolved cases resolved at the grassroots (village or township level). */
  grassrootsShare: number | null;
}

export interface CaseStats {
  from: string;
  to: string;
  overall: CaseStatsRow;
  byDepartment: CaseStatsRow[];
  byCategory: CaseStatsRow[];
}

const CATEGORY_NAMES: Record<string, string> = {
  straw_burning: '秸秆焚烧 / straw burning',
  sewage_outfall: '河道排污 / sewage outfall',
  exposed_slope: '山体裸露 / exposed slope',
};

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/**
 * Closure rate, on-time rates per SLA stage (accept, dispatch, resolve) and the grassroots share, over the
 * cases filed in [from, to), overall, per lead department and per category (one pass: GROUPING SETS).
 * Merged-away cases are left out (their reports count in the case they joined).
 */
export async function getCaseStats(q: Queryable, from: Date, to: Date): Promise<CaseStats> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT GROUPING(c.department_id) AS g_dept, GROUPING(c.category) AS g_cat, c.department_id, c.category,
       count(*) AS filed,
       count(*) FILTER (WHERE c.state = 'rejected') AS rejected,
       count(*) FILTER (WHERE c.state IN ('resolved', 'verified', 'closed')) AS resolved,
       count(*) FILTER (WHERE c.state IN ('new', 'accepted', 'dispatched', 'in_progress')) AS open,
       count(c.accepted_at) AS accepted,
       count(*) FILTER (WHERE c.accepted_at <= c.accept_due_at) AS accepted_on_time,
       count(c.dispatched_at) AS dispatched,
       count(*) FILTER (WHERE c.dispatched_at <= c.dispatch_due_at) AS dispatched_on_time,
       count(c.resolved_at) AS resolved_any,
       count(*) FILTER (WHERE c.resolved_at <= c.resolve_due_at) AS resolved_on_time,
       count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND c.resolved_level IN ('village', 'township')) AS grassroots
     FROM cases c
     WHERE c.created_at >= $1 AND c.created_at < $2 AND c.merged_into_id IS NULL
     GROUP BY GROUPING SETS ((), (c.department_id), (c.category))`,
    [from, to],
  );
  const depts = await q.query<{ id: string; name: string }>('SELECT id, name FROM departments');
  const deptName = new Map(depts.rows.map((d) => [d.id, d.name]));
  const rows = r.rows.map((x): CaseStatsRow => {
    const n = (k: string) => Number(x[k] ?? 0);
    const gDept = Number(x.g_dept);
    const gCat = Number(x.g_cat);
    const scope: CaseStatsRow['scope'] = gDept && gCat ? 'overall' : gCat ? 'department' : 'category';
    const key =
      scope === 'department'
        ? ((x.department_id as string | null) ?? null)
        : scope === 'category'
          ? (x.category as string)
          : null;
    const name =
      scope === 'overall'
        ? '全部 / all'
        : scope === 'department'
          ? key
            ? (deptName.get(key) ?? key)
            : '中心待分拨 / centre queue'
          : (CATEGORY_NAMES[key!] ?? key!);
    return {
      scope,
      key,
      name,
      filed: n('filed'),
      rejected: n('rejected'),
      resolved: n('resolved'),
      open: n('open'),
      closureRate: ratio(n('resolved'), n('filed') - n('rejected')),
      acceptOnTimeRate: ratio(n('accepted_on_time'), n('accepted')),
      dispatchOnTimeRate: ratio(n('dispatched_on_time'), n('dispatched')),
      resolveOnTimeRate: ratio(n('resolved_on_time'), n('resolved_any')),
      grassrootsShare: ratio(n('grassroots'), n('resolved_any')),
    };
  });
  const empty: CaseStatsRow = {
    scope: 'overall',
    key: null,
    name: '全部 / all',
    filed: 0,
    rejected: 0,
    resolved: 0,
    open: 0,
    closureRate: null,
    acceptOnTimeRate: null,
    dispatchOnTimeRate: null,
    resolveOnTimeRate: null,
    grassrootsShare: null,
  };
  const byKey = (a: CaseStatsRow, b: CaseStatsRow) => String(a.key).localeCompare(String(b.key));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    overall: rows.find((x) => x.scope === 'overall') ?? empty,
    byDepartment: rows.filter((x) => x.scope === 'department').sort(byKey),
    byCategory: rows.filter((x) => x.scope === 'category').sort(byKey),
  };
}
