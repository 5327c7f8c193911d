import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { listAudit } from '../../audit/audit-log.ts';
import {
  createDepartment,
  deleteDepartment,
  getDepartment,
  listDepartments,
  listRoutingRules,
  setRoutingRule,
  updateDepartment,
} from '../../admin/departments.ts';
import { getUserForAdmin, updateUser } from '../../admin/users-admin.ts';
import { readCategorySettings, updateCategorySettings } from '../../cases/category-settings.ts';
import { Category } from '../../cases/schemas.ts';
import {
  AuditQuerySchema,
  CategorySettingsInputSchema,
  DepartmentInputSchema,
  RoutingRuleInputSchema,
  UpdateUserBodySchema,
} from '../../contract/admin.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { decodeCursor, encodeCursor } from '../paging.ts';
import { parseBody, parseParam, parseQuery } from '../validate.ts';

const admins = requireRoles('admin');

/**
 * What an administrator manages besides the cases module: users (read, roles, department, disable), departments,
 * routing rules, the filing settings of each category, and the audit log. Reading departments, rules and category
 * settings is open to every signed-in user (the UI shows them); changing them is the admin's.
 */
export function adminRoutes(db: Db): Router {
  const router = Router();

  router.get('/users/:id', admins, async (req, res) => {
    res.json({ user: await getUserForAdmin(db, parseParam(IdSchema, req, 'id')) });
  });
  router.patch('/users/:id', admins, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    res.json({ user: await updateUser(db, currentUser(res), id, parseBody(UpdateUserBodySchema, req)) });
  });

  router.get('/departments', requireRoles(), async (_req, res) => {
    res.json({ items: await listDepartments(db) });
  });
  router.get('/departments/:id', requireRoles(), async (req, res) => {
    res.json(await getDepartment(db, parseParam(IdSchema, req, 'id')));
  });
  router.post('/departments', admins, async (req, res) => {
    res.status(201).json(await createDepartment(db, currentUser(res), parseBody(DepartmentInputSchema, req)));
  });
  router.put('/departments/:id', admins, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    res.json(await updateDepartment(db, currentUser(res), id, parseBody(DepartmentInputSchema, req)));
  });
  router.delete('/departments/:id', admins, async (req, res) => {
    await deleteDepartment(db, currentUser(res), parseParam(IdSchema, req, 'id'));
    res.status(204).end();
  });

  router.get('/routing-rules', requireRoles(), async (_req, res) => {
    res.json({ items: await listRoutingRules(db) });
  });
  router.put('/routing-rules/:category', admins, async (req, res) => {
    const category = parseParam(Category, req, 'category');
    res.json(await setRoutingRule(db, currentUser(res), category, parseBody(RoutingRuleInputSchema, req)));
  });

  router.get('/categories', requireRoles(), async (_req, res) => {
    res.json({ items: [...(await readCategorySettings(db)).values()] });
  });
  router.put('/categories/:category', admins, async (req, res) => {
    const category = parseParam(Category, req, 'category');
    res.json(await updateCategorySettings(db, currentUser(res), category, parseBody(CategorySettingsInputSchema, req)));
  });

  router.get('/audit', admins, async (req, res) => {
    const q = parseQuery(AuditQuerySchema, req);
    const key = decodeCursor(q.cursor, 1);
    const page = await listAudit(db, { ...q, beforeId: key ? Number(key[0]) : undefined, limit: q.limit + 1 });
    const more = page.items.length > q.limit;
    const items = page.items.slice(0, q.limit);
    res.json({ items, total: page.total, nextCursor: more ? encodeCursor([items[items.length - 1]!.id]) : null });
  });

  return router;
}
