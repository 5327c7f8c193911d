/**
 * Resolve deadlines counted on an estimated calendar are counted again when the year is published. A non-urgent
 * case filed late in December is due a few working days later, in a year whose holidays the State Council may not
 * have announced yet: the deadline is counted Monday to Friday and flagged estimated. When an admin publishes that
 * year, each such case gets the same number of working days from the same start (filing, or its last reopen) on
 * the calendar as published, so New Year's Day does not count as a working day against the department.
 */
import { auditChange } from '../audit/audit-log.ts';
import type { AuthUser } from '../auth/index.ts';
import { setCalendarYear, shanghaiDay, type CalendarYear, type WorkingCalendar } from '../calendar/index.ts';
import type { Db, Queryable } from '../db/db.ts';
import { chinaWallClock } from '../time/china-time.ts';
import type { CaseState } from '../contract/cases.ts';
import { appendCaseEvent } from './repository.ts';
import { systemActor } from './state-machine.ts';

/** `2027-01-04 10:00` in China time, as a person reads a deadline. */
const chinaMinute = (at: Date) => chinaWallClock(at).toISOString().slice(0, 16).replace('T', ' ');

export interface RecountedDeadline {
  caseId: string;
  before: string;
  after: string;
  estimated: boolean;
}

/**
 * Counts every estimated resolve deadline again on `after`. A deadline that `before` does not give from the case's
 * start (not a working-day count: left alone) is not touched. Runs inside the calendar's transaction; audited per case.
 */
export async function recountEstimatedDeadlines(
  tx: Queryable,
  before: WorkingCalendar,
  after: WorkingCalendar,
  actor?: AuthUser,
): Promise<RecountedDeadline[]> {
  const rows = await tx.query<{
    id: string;
    created_at: Date;
    resolve_due_at: Date;
    reopened_at: Date | null;
    state: CaseState;
    level: string;
    department_id: string | null;
    source: string;
    category: string;
  }>(
    `SELECT c.id, c.created_at, c.resolve_due_at, c.state, c.level, c.department_id, c.source, c.category,
       (SELECT max(e.at) FROM case_events e WHERE e.case_id = c.id AND e.action = 'reopen') AS reopened_at
     FROM cases c WHERE c.resolve_due_estimated AND c.resolve_due_at IS NOT NULL
     ORDER BY c.id FOR UPDATE OF c`,
  );
  const out: RecountedDeadline[] = [];
  for (const r of rows.rows) {
    const from = new Date(r.reopened_at ?? r.created_at);
    const due = new Date(r.resolve_due_at);
    const n = before.workingDaysBetween(shanghaiDay(from), shanghaiDay(due));
    if (before.addWorkingDaysTo(from, n).at.getTime() !== due.getTime()) continue;
    const next = after.addWorkingDaysTo(from, n);
    if (next.at.getTime() === due.getTime() && next.estimated) continue;
    await tx.query(
      `UPDATE cases SET resolve_due_at = $2, resolve_due_estimated = $3, updated_at = now(), version = version + 1
       WHERE id = $1`,
      [r.id, next.at, next.estimated],
    );
    const change = { caseId: r.id, before: due.toISOString(), after: next.at.toISOString(), estimated: next.estimated };
    if (actor) await auditChange(tx, actor, 'case.deadline.recount', 'case', r.id, change);
    // In the case's own log too (its timeline, the change stream, webhooks): the state is unchanged.
    await appendCaseEvent(tx, {
      caseId: r.id,
      at: new Date(),
      actor: actor ?? systemActor('calendar'),
      kind: 'deadline',
      fromState: r.state,
      toState: r.state,
      level: r.level,
      departmentId: r.department_id,
      note: `办结时限按发布的工作日历重算 / resolve deadline counted again on the published calendar: ${chinaMinute(due)} → ${chinaMinute(next.at)}`,
      source: r.source,
      category: r.category,
    });
    out.push(change);
  }
  return out;
}

/** Publishes a year of the working calendar (admins) and counts the estimated deadlines again, one transaction. */
export function publishCalendarYear(
  db: Db,
  year: number,
  days: { day: string; isWorkday: boolean; name?: string | null }[],
  actor: AuthUser,
): Promise<CalendarYear> {
  return setCalendarYear(db, year, days, actor, (tx, before, after) =>
    recountEstimatedDeadlines(tx, before, after, actor),
  );
}
