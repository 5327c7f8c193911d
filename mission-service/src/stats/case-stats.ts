import type { CaseStats, CaseStatsRow } from '../contract/stats.ts';
import type { Queryable } from '../db/db.ts';
// The rollup's day numbers are China-time days (`case_stats_day_no` in migration 005).
import { CHINA_OFFSET_MS, DAY_MS } from '../time/china-time.ts';

export type { CaseStats, CaseStatsRow };

const CATEGORY_NAMES: Record<string, string> = {
  straw_burning: '秸秆焚烧 / straw burning',
  sewage_outfall: '河道排污 / sewage outfall',
  exposed_slope: '山体裸露 / exposed slope',
};

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The columns of `case_stats_daily` and of `case_stats_measures(case)` (migration 012), which owns the rule. */
const MEASURES = [
  'filed',
  'rejected',
  'resolved',
  'open',
  'accepted',
  'accepted_on_time',
  'dispatched',
  'dispatched_on_time',
  'resolved_any',
  'resolved_on_time',
  'grassroots',
] as const;

/**
 * The whole China-time days inside [from, to) (day numbers [d0, d1)) and the two partial stretches at the edges
 * that are counted from the cases themselves.
 */
export function splitPeriod(from: Date, to: Date) {
  const f = from.getTime();
  const t = Math.max(f, to.getTime());
  const d0 = Math.ceil((f + CHINA_OFFSET_MS) / DAY_MS);
  const d1 = Math.floor((t + CHINA_OFFSET_MS) / DAY_MS);
  if (d0 >= d1) return { d0: 0, d1: 0, edges: [new Date(f), new Date(t), new Date(t), new Date(t)] };
  const start = (d: number) => new Date(d * DAY_MS - CHINA_OFFSET_MS);
  return { d0, d1, edges: [new Date(f), start(d0), start(d1), new Date(t)] };
}

/**
 * Closure rate, on-time rates per SLA stage (accept, dispatch, resolve) and the grassroots share, over the
 * cases filed in [from, to), overall, per lead department and per category. Whole days come from the daily
 * rollup `case_stats_daily` (kept by a trigger on `cases`, migration 005), the partial days at the edges from
 * the cases; one GROUPING SETS pass over those few rows. Merged-away cases are left out (their reports count in
 * the case they joined).
 */
export async function getCaseStats(q: Queryable, from: Date, to: Date): Promise<CaseStats> {
  const { d0, d1, edges } = splitPeriod(from, to);
  const r = await q.query<Record<string, unknown>>(
    `WITH g AS (
       SELECT department_id, category, ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')}
       FROM case_stats_daily WHERE day_no >= $1 AND day_no < $2 GROUP BY department_id, category
       UNION ALL
       SELECT coalesce(c.department_id, ''), c.category, ${MEASURES.map((m) => `sum(m.${m})`).join(', ')}
       FROM cases c, case_stats_measures(c) m -- the rule (migration 012), as the rollup's trigger counts it
       WHERE ((c.created_at >= $3 AND c.created_at < $4) OR (c.created_at >= $5 AND c.created_at < $6))
         AND c.merged_into_id IS NULL
       GROUP BY 1, 2)
     SELECT GROUPING(g.department_id) AS g_dept, GROUPING(g.category) AS g_cat, nullif(g.department_id, '') AS department_id,
       g.category, ${MEASURES.map((m) => `sum(g.${m}) AS ${m}`).join(', ')}
     FROM g
     -- rows of the rollup whose cases all changed state or were merged away sum to zero: not a group
     GROUP BY GROUPING SETS ((), (g.department_id), (g.category))
     HAVING GROUPING(g.department_id, g.category) = 3 OR sum(g.filed) > 0`,
    [d0, d1, ...edges],
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
