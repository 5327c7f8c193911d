/**
 * Who sees which photo, detection and incident: they belong to the department of the drone that took them (or of
 * the uploader, for unattributed photos). Admins and dispatchers see all; everyone else their own department's and
 * the shared ones (no department). One SQL predicate, so lists and single reads agree.
 */
import { hasAnyRole, type AuthUser } from '../auth/index.ts';

/** The department a user is limited to, or null when they see every department. */
export function departmentScope(user: AuthUser): string | null | 'none' {
  if (hasAnyRole(user, ['dispatcher'])) return null;
  return user.departmentId ?? 'none';
}

/**
 * `column IS NULL OR column = $n` for a scoped user ('none': no department, shared objects only), nothing for those
 * who see all. `p` adds a parameter and returns its placeholder.
 */
export function scopeSql(user: AuthUser, column: string, p: (v: unknown) => string): string | null {
  const scope = departmentScope(user);
  if (scope === null) return null;
  if (scope === 'none') return `${column} IS NULL`;
  return `(${column} IS NULL OR ${column} = ${p(scope)})`;
}

/** Whether a user sees an object of `departmentId`. */
export function inScope(user: AuthUser, departmentId: string | null): boolean {
  const scope = departmentScope(user);
  return scope === null || departmentId === null || departmentId === scope;
}
