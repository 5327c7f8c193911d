/**
 * Who sees which photo, detection and incident: they belong to the department of the drone that took them (or of
 * the uploader, for unattributed photos), under the one visibility rule of `auth/roles.ts` (`canSee`): admins and
 * dispatchers see all, everyone else their own department's and the shared ones (no department). One SQL
 * predicate with the same meaning, so lists and single reads agree.
 */
import { canSee, seesAllDepartments, type AuthUser } from './index.ts';

/**
 * `column IS NULL OR column = $n` for a user limited to a department (only `IS NULL` for one without), nothing
 * for those who see all. `p` adds a parameter and returns its placeholder.
 */
export function scopeSql(user: AuthUser, column: string, p: (v: unknown) => string): string | null {
  if (seesAllDepartments(user)) return null;
  if (!user.departmentId) return `${column} IS NULL`;
  return `(${column} IS NULL OR ${column} = ${p(user.departmentId)})`;
}

/** Whether a user sees an object of `departmentId`. */
export function inScope(user: AuthUser, departmentId: string | null): boolean {
  return canSee(user, { departmentId });
}
