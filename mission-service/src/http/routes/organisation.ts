import { z } from 'zod';
import {
  createDepartment,
  deleteDepartment,
  getDepartment,
  listDepartments,
  listRoutingRules,
  setRoutingRule,
  updateDepartment,
} from '../../admin/departments.ts';
import { readCategorySettings, updateCategorySettings } from '../../cases/category-settings.ts';
import { Category } from '../../contract/cases.ts';
import {
  CategorySettingsInputSchema,
  CategorySettingsSchema,
  DepartmentInputSchema,
  DepartmentSchema,
  RoutingRuleInputSchema,
  RoutingRuleSchema,
} from '../../contract/organisation.ts';
import { PageQuerySchema, pageOf } from '../../contract/paging.ts';
import { pageOfArray } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

const CategoryParams = z.object({ category: Category });

/**
 * How the centre is organised: departments, the routing rules that give each case category to a lead department and
 * assisting ones, and the filing settings of each category (duplicate radius, drone attach distance, auto-file
 * score). Every signed-in user reads them (the UI shows them); admins change them, audited.
 */
export function organisationRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/departments',
      summary: '部门 / departments',
      tag: 'organisation',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(DepartmentSchema),
      handler: async ({ query }) => pageOfArray(await listDepartments(db), query),
    }),
    defineRoute({
      method: 'get',
      path: '/departments/{id}',
      summary: '部门 / department',
      tag: 'organisation',
      roles: [],
      response: DepartmentSchema,
      handler: ({ params }) => getDepartment(db, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/departments',
      summary: '新增部门 / add a department',
      tag: 'organisation',
      roles: ['admin'],
      body: DepartmentInputSchema,
      status: 201,
      response: DepartmentSchema,
      errors: { 409: '已存在 / exists' },
      handler: ({ user, body }) => createDepartment(db, user, body),
    }),
    defineRoute({
      method: 'put',
      path: '/departments/{id}',
      summary: '修改部门 / change a department',
      tag: 'organisation',
      roles: ['admin'],
      body: DepartmentInputSchema,
      response: DepartmentSchema,
      handler: ({ user, params, body }) => updateDepartment(db, user, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/departments/{id}',
      summary: '删除部门（仍被使用时 409）/ delete a department (409 while anything refers to it)',
      tag: 'organisation',
      roles: ['admin'],
      status: 204,
      errors: { 409: '仍被使用 / still referred to' },
      handler: ({ user, params }) => deleteDepartment(db, user, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/routing-rules',
      summary: '派单规则 / routing rules: category → lead and assisting departments',
      tag: 'organisation',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(RoutingRuleSchema),
      handler: async ({ query }) => pageOfArray(await listRoutingRules(db), query),
    }),
    defineRoute({
      method: 'put',
      path: '/routing-rules/{category}',
      summary: '修改派单规则 / change the routing of a category (cases filed from now on)',
      tag: 'organisation',
      roles: ['admin'],
      params: CategoryParams,
      body: RoutingRuleInputSchema,
      response: RoutingRuleSchema,
      handler: ({ user, params, body }) => setRoutingRule(db, user, params.category, body),
    }),
    defineRoute({
      method: 'get',
      path: '/categories',
      summary: '类别设置 / category settings: duplicate radius, drone attach distance, auto-file score',
      tag: 'organisation',
      roles: [],
      query: PageQuerySchema,
      response: pageOf(CategorySettingsSchema),
      handler: async ({ query }) => pageOfArray([...(await readCategorySettings(db)).values()], query),
    }),
    defineRoute({
      method: 'put',
      path: '/categories/{category}',
      summary: "修改类别设置 / change a category's filing settings",
      tag: 'organisation',
      roles: ['admin'],
      params: CategoryParams,
      body: CategorySettingsInputSchema,
      response: CategorySettingsSchema,
      handler: ({ user, params, body }) => updateCategorySettings(db, user, params.category, body),
    }),
  ];
}
