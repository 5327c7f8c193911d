import { AppError } from '../app-error.ts';

export const ROLES = ['operator', 'officer', 'dispatcher', 'admin'] as const;
/** operator flies patrols; officer handles cases in a department; dispatcher routes cases; admin manages all. */
export type Role = (typeof ROLES)[number];

/** The authenticated caller, as routes see it in `res.locals.user`. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  departmentId: string | null;
  /** A one-time or reset password: until it is changed, the session may only change it. */
  mustChangePassword?: boolean;
}

/** Who owns an object: its department (null = shared by everyone) and departments that assist with it. */
export interface ObjectOwner {
  departmentId: string | null;
  assistDepartmentIds?: readonly string[];
}

/** True when the user holds one of `roles`; admin holds every role. */
export function hasAnyRole(user: AuthUser, roles: readonly Role[]): boolean {
  return user.roles.includes('admin') || roles.some((r) => user.roles.includes(r));
}

/** Admins and dispatchers (who route cases across departments) see every department's objects. */
export function seesAllDepartments(user: AuthUser): boolean {
  return user.roles.includes('admin') || user.roles.includes('dispatcher');
}

/**
 * Object-level visibility, the one rule for every object: shared objects are visible to everyone signed in, a
 * department's objects to its members (and to departments assisting with it), everything to admins and
 * dispatchers. A hidden object answers 404, as if it did not exist.
 */
export function canSee(user: AuthUser, owner: ObjectOwner): boolean {
  if (!owner.departmentId || seesAllDepartments(user)) return true;
  if (!user.departmentId) return false;
  return owner.departmentId === user.departmentId || (owner.assistDepartmentIds ?? []).includes(user.departmentId);
}

/**
 * Object-level write rule: shared objects (no department: the reference layers, the no-fly zones, shared drones)
 * are changed by admins only; a department's objects by its members, and by dispatchers and admins.
 */
export function canChange(user: AuthUser, owner: ObjectOwner): boolean {
  if (user.roles.includes('admin')) return true;
  if (!owner.departmentId) return false;
  return user.roles.includes('dispatcher') || owner.departmentId === user.departmentId;
}

/** 403 for a visible object the caller may not change. */
export function assertCanChange(user: AuthUser, owner: ObjectOwner, what: string): void {
  if (canChange(user, owner)) return;
  throw owner.departmentId
    ? new AppError(
        'forbidden',
        'forbidden_department',
        `无权修改其他部门的${what} / this ${what} belongs to another department`,
      )
    : new AppError(
        'forbidden',
        'shared_object',
        `共享对象只能由管理员修改 / shared objects (${what} without a department) are changed by admins only`,
      );
}

/**
 * The department a new or changed object is assigned to: dispatchers (and admins) may name any department or
 * none (default: their own); everyone else only their own, else 403 with `refusal` as the message. Only admins
 * create shared objects (no department): a user without a department is refused.
 */
export function ownerDepartment(user: AuthUser, requested: string | null | undefined, refusal: string): string | null {
  let dept: string | null;
  if (hasAnyRole(user, ['dispatcher'])) dept = requested === undefined ? user.departmentId : requested;
  else if (requested !== undefined && requested !== user.departmentId)
    throw new AppError('forbidden', 'forbidden_department', refusal);
  else dept = user.departmentId;
  if (dept === null && !user.roles.includes('admin'))
    throw new AppError(
      'forbidden',
      'no_department',
      '共享对象只能由管理员创建；请管理员为你分配部门 / only admins create shared objects: ask an admin to assign you a department',
    );
  return dept;
}
