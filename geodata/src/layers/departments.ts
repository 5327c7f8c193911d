/**
 * Departments (职能部门) and the default routing table: which department leads a case of each incident
 * category and which assist. `lead: "township"` means the office of the township (乡镇/街道) whose
 * jurisdiction polygon contains the incident.
 */
import { z } from 'zod';
import { incidentCategorySchema } from './common.ts';

export const departmentSchema = z.object({
  id: z.string().trim().min(1),
  name: z.string().trim().min(1),
  nameEn: z.string().trim().min(1),
  /** Categories this department handles (leads or assists). */
  categories: z.array(incidentCategorySchema),
});

/** The literal used as `lead` for "the township office of the containing jurisdiction". */
export const TOWNSHIP_LEAD = 'township' as const;

export const routingRuleSchema = z.object({
  category: incidentCategorySchema,
  /** A department id, or "township". */
  lead: z.string().trim().min(1),
  assist: z.array(z.string().trim().min(1)),
});

export const departmentsFileSchema = z
  .object({
    departments: z.array(departmentSchema).min(1),
    routing: z.array(routingRuleSchema),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.departments.forEach((d, i) => {
      if (ids.has(d.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['departments', i, 'id'],
          message: `部门id重复 / duplicate department id "${d.id}"`,
        });
      }
      ids.add(d.id);
    });
    const seen = new Set<string>();
    file.routing.forEach((r, i) => {
      if (seen.has(r.category)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routing', i, 'category'],
          message: `类别重复 / duplicate routing rule for "${r.category}"`,
        });
      }
      seen.add(r.category);
      if (r.lead !== TOWNSHIP_LEAD && !ids.has(r.lead)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routing', i, 'lead'],
          message: `未知部门 / unknown department "${r.lead}"`,
        });
      }
      r.assist.forEach((a, k) => {
        if (!ids.has(a)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routing', i, 'assist', k],
            message: `未知部门 / unknown department "${a}"`,
          });
        }
      });
    });
  });

export type Department = z.infer<typeof departmentSchema>;
export type RoutingRule = z.infer<typeof routingRuleSchema>;
export type DepartmentsFile = z.infer<typeof departmentsFileSchema>;
