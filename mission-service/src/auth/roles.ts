import { AppError } from '../http/errors.ts';

export const ROLES = ['operator', 'officer', 'dispatcher', 'admin'] as const;
/** operator flies patrols; officer handles cases in a department; dispatcher routes cases; admin manages all. */
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as routes see it in `res.locals.user`. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  departmentId: string | null;
}

/** True when the user holds one of `roles`; admin holds every role. */
export function hasAnyRole(user: AuthUser, roles: readonly Role[]): boolean {
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/**
 * Object-level authorization: an object with a department is visible to admins, dispatchers (they route
 * across departments) and members of that department; objects without a department are shared.
 */
export function canAccessDepartment(user: AuthUser, departmentId: string | null | undefined): boolean {
  if (!departmentId) return true;
  if (user.roles.includes('admin') || user.roles.includes('dispatcher')) return true;
  return user.departmentId === departmentId;
}

/**
 * The department a new or changed object is assigned to: dispatchers (and admins) may name any department or
 * none (default: their own); everyone else only their own, else 403 with `refusal` as the message.
 */
export function ownerDepartment(user: AuthUser, requested: string | null | undefined, refusal: string): string | null {
  if (hasAnyRole(user, ['dispatcher'])) return requested === undefined ? user.departmentId : requested;
  if (requested !== undefined && requested !== user.departmentId)
    throw new AppError(403, 'forbidden_department', refusal);
  return user.departmentId;
}
