/**
 * Departments (部门) and the routing rules that send each case category to a lead department and assisting ones.
 * Admins edit both; a department still referred to (users, drones, cases, rules) cannot be deleted (409). Every
 * change is audited.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { mapConstraintError } from '../areas/db-errors.ts';
import type { AuthUser } from '../auth/index.ts';
import { auditChange } from '../audit/audit-log.ts';
import type { DepartmentInputSchema, RoutingRuleInputSchema } from '../contract/organisation.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';

interface DeptRow {
  id: string;
  name: string;
  name_en: string | null;
  categories: string[];
}
const toDepartment = (r: DeptRow) => ({ id: r.id, name: r.name, nameEn: r.name_en, categories: r.categories });

export async function listDepartments(q: Queryable) {
  return (await q.query<DeptRow>('SELECT id, name, name_en, categories FROM departments ORDER BY id')).rows.map(
    toDepartment,
  );
}

export async function getDepartment(q: Queryable, id: string) {
  const r = await q.query<DeptRow>('SELECT id, name, name_en, categories FROM departments WHERE id = $1', [id]);
  if (!r.rows[0]) throw notFound(`department ${id}`);
  return toDepartment(r.rows[0]);
}

export async function createDepartment(db: Db, actor: AuthUser, input: z.output<typeof DepartmentInputSchema>) {
  const id = input.id ?? `dept_${randomUUID()}`;
  await db
    .transaction(async (tx) => {
      await tx.query('INSERT INTO departments (id, name, name_en, categories) VALUES ($1, $2, $3, $4)', [
        id,
        input.name,
        input.nameEn ?? null,
        input.categories,
      ]);
      await auditChange(tx, actor, 'department.create', 'department', id, input);
    })
    .catch((e) => mapConstraintError(e, `department ${id}`));
  return getDepartment(db, id);
}

export async function updateDepartment(
  db: Db,
  actor: AuthUser,
  id: string,
  input: z.output<typeof DepartmentInputSchema>,
) {
  const before = await getDepartment(db, id);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE departments SET name = $2, name_en = $3, categories = $4 WHERE id = $1', [
      id,
      input.name,
      input.nameEn ?? null,
      input.categories,
    ]);
    await auditChange(tx, actor, 'department.update', 'department', id, { before, after: input });
  });
  return getDepartment(db, id);
}

/** Deletes a department nothing refers to any more; otherwise 409 saying what still does. */
export async function deleteDepartment(db: Db, actor: AuthUser, id: string): Promise<void> {
  const before = await getDepartment(db, id);
  const uses = await db.query<{ what: string; n: string }>(
    `SELECT 'users' AS what, count(*) AS n FROM users WHERE department_id = $1
     UNION ALL SELECT 'drones', count(*) FROM drones WHERE department_id = $1
     UNION ALL SELECT 'cases', count(*) FROM cases WHERE department_id = $1 OR $1 = ANY(assist_department_ids)
     UNION ALL SELECT 'routing rules', count(*) FROM routing_rules
       WHERE lead_department_id = $1 OR $1 = ANY(assist_department_ids)`,
    [id],
  );
  const used = uses.rows.filter((u) => Number(u.n) > 0);
  if (used.length)
    throw new AppError(
      'conflict',
      'department_in_use',
      `部门仍被使用 / department is still referred to by ${used.map((u) => `${u.n} ${u.what}`).join(', ')}`,
      { uses: Object.fromEntries(used.map((u) => [u.what, Number(u.n)])) },
    );
  await db
    .transaction(async (tx) => {
      await tx.query('DELETE FROM departments WHERE id = $1', [id]);
      await auditChange(tx, actor, 'department.delete', 'department', id, before);
    })
    .catch((e) => mapConstraintError(e, `department ${id}`));
}

interface RuleRow {
  category: string;
  lead_department_id: string | null;
  lead_is_township: boolean;
  assist_department_ids: string[];
}
const toRule = (r: RuleRow) => ({
  category: r.category,
  leadDepartmentId: r.lead_department_id,
  leadIsTownship: r.lead_is_township,
  assistDepartmentIds: r.assist_department_ids,
});

export async function listRoutingRules(q: Queryable) {
  return (
    await q.query<RuleRow>(
      'SELECT category, lead_department_id, lead_is_township, assist_department_ids FROM routing_rules ORDER BY category',
    )
  ).rows.map(toRule);
}

/** Replaces the routing of one category; departments named must exist. Applies to cases filed from now on. */
export async function setRoutingRule(
  db: Db,
  actor: AuthUser,
  category: string,
  input: z.output<typeof RoutingRuleInputSchema>,
) {
  const named = [
    ...new Set([...(input.leadDepartmentId ? [input.leadDepartmentId] : []), ...input.assistDepartmentIds]),
  ];
  const found = await db.query<{ id: string }>('SELECT id FROM departments WHERE id = ANY($1::text[])', [named]);
  const missing = named.filter((d) => !found.rows.some((r) => r.id === d));
  if (missing.length)
    throw new AppError('invalid_input', 'unknown_department', `未知部门 / unknown departments: ${missing.join(', ')}`, [
      {
        in: 'body',
        field:
          input.leadDepartmentId && missing.includes(input.leadDepartmentId)
            ? 'leadDepartmentId'
            : 'assistDepartmentIds',
        message: `unknown departments: ${missing.join(', ')}`,
      },
    ]);
  const before = (await listRoutingRules(db)).find((r) => r.category === category) ?? null;
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO routing_rules (category, lead_department_id, lead_is_township, assist_department_ids)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (category) DO UPDATE SET lead_department_id = $2, lead_is_township = $3, assist_department_ids = $4`,
      [category, input.leadIsTownship ? null : input.leadDepartmentId, input.leadIsTownship, input.assistDepartmentIds],
    );
    await auditChange(tx, actor, 'routing_rule.set', 'routing_rule', category, { before, after: input });
  });
  return (await listRoutingRules(db)).find((r) => r.category === category)!;
}
