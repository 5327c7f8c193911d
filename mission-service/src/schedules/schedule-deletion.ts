/**
 * Deleting a schedule keeps its history: a schedule that has fired is archived (it never fires again, is hidden
 * from lists, and its occurrences and missions stay); one that never fired is deleted. Each is audited.
 */
import type { AuthUser } from '../auth/index.ts';
import { auditChange } from '../audit/audit-log.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';
import { loadSchedule } from './schedule-service.ts';

export async function deleteOrArchiveSchedule(db: Db, user: AuthUser, id: string): Promise<'deleted' | 'archived'> {
  await loadSchedule(db, user, id);
  return db.transaction(async (tx) => {
    const s = await tx.query<{ name: string; plan_id: string; rrule: string; archived_at: Date | null }>(
      'SELECT name, plan_id, rrule, archived_at FROM schedules WHERE id = $1 FOR UPDATE',
      [id],
    );
    const row = s.rows[0];
    if (!row) throw notFound(`schedule ${id}`);
    if (row.archived_at)
      throw new AppError('conflict', 'schedule_archived', `巡查已归档 / schedule ${id} is already archived`);
    const details = { name: row.name, planId: row.plan_id, rrule: row.rrule };
    const fired = await tx.query('SELECT 1 FROM schedule_occurrences WHERE schedule_id = $1 LIMIT 1', [id]);
    const flown = await tx.query('SELECT 1 FROM missions WHERE schedule_id = $1 LIMIT 1', [id]);
    if (fired.rows.length || flown.rows.length) {
      await tx.query('UPDATE schedules SET archived_at = now(), paused = true WHERE id = $1', [id]);
      await auditChange(tx, user, 'schedule.archive', 'schedule', id, details);
      return 'archived';
    }
    await tx.query('DELETE FROM schedules WHERE id = $1', [id]);
    await auditChange(tx, user, 'schedule.delete', 'schedule', id, details);
    return 'deleted';
  });
}
