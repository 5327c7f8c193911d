/**
 * Deleting a plan never takes anything with it by surprise: while a live schedule flies the plan the answer is 409
 * naming the schedules (pause and delete them first, as with areas that plans use); a plan with history (missions
 * flown, archived schedules) is archived — hidden from lists, kept for what refers to it; only a plan nothing ever
 * used is deleted. Each outcome is audited.
 */
import type { AuthUser } from '../auth/index.ts';
import { auditChange } from '../audit/audit-log.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';
import { loadPlan } from './plan-service.ts';

export async function deleteOrArchivePlan(db: Db, user: AuthUser, id: string): Promise<'deleted' | 'archived'> {
  await loadPlan(db, user, id);
  return db.transaction(async (tx) => {
    const p = await tx.query<{ name: string; pattern: string; area_ids: string[]; archived_at: Date | null }>(
      'SELECT name, pattern, area_ids, archived_at FROM plans WHERE id = $1 FOR UPDATE',
      [id],
    );
    const plan = p.rows[0];
    if (!plan) throw notFound(`plan ${id}`);
    if (plan.archived_at)
      throw new AppError('conflict', 'plan_archived', `计划已归档 / plan ${id} is already archived`);
    const live = await tx.query<{ id: string; name: string }>(
      'SELECT id, name FROM schedules WHERE plan_id = $1 AND archived_at IS NULL ORDER BY id LIMIT 20',
      [id],
    );
    if (live.rows.length)
      throw new AppError(
        'conflict',
        'plan_in_use',
        `计划仍被定期巡查使用，请先删除这些巡查 / plan is used by schedules: ${live.rows.map((s) => `${s.name} (${s.id})`).join(', ')}`,
        { scheduleIds: live.rows.map((s) => s.id) },
      );
    const history = await tx.query(
      `SELECT 1 FROM missions WHERE plan_id = $1 UNION ALL SELECT 1 FROM schedules WHERE plan_id = $1 LIMIT 1`,
      [id],
    );
    const details = { name: plan.name, pattern: plan.pattern, areaIds: plan.area_ids };
    if (history.rows.length) {
      await tx.query('UPDATE plans SET archived_at = now(), updated_at = now() WHERE id = $1', [id]);
      await auditChange(tx, user, 'plan.archive', 'plan', id, details);
      return 'archived';
    }
    await tx.query('DELETE FROM plans WHERE id = $1', [id]);
    await auditChange(tx, user, 'plan.delete', 'plan', id, details);
    return 'deleted';
  });
}
