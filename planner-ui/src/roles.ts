/** What each role sees and may do in the app. Mirrors the service's rules; the service still decides. */
import type { SessionUser } from '@xuncha/mission-service/contract';
import type { CaseState, CaseView } from './api/types.ts';

export type ViewName = 'plan' | 'schedule' | 'fleet' | 'review' | 'cases' | 'stats';
export type Role = SessionUser['roles'][number];

/** The views in the navigation of each role, the first being where the role lands after login. */
const VIEWS: Record<Role, ViewName[]> = {
  operator: ['plan', 'schedule', 'fleet', 'cases'],
  officer: ['review', 'cases', 'stats', 'fleet'],
  dispatcher: ['cases', 'stats', 'fleet', 'schedule'],
  admin: ['plan', 'schedule', 'fleet', 'review', 'cases', 'stats'],
};
const ORDER: ViewName[] = ['plan', 'schedule', 'fleet', 'review', 'cases', 'stats'];

export function viewsFor(user: Pick<SessionUser, 'roles'>): ViewName[] {
  const set = new Set(user.roles.flatMap((r) => VIEWS[r] ?? []));
  return ORDER.filter((v) => set.has(v));
}

export function homeFor(user: Pick<SessionUser, 'roles'>): ViewName {
  for (const r of user.roles) if (VIEWS[r]?.[0]) return VIEWS[r][0]!;
  return 'cases';
}

export const hasRole = (user: Pick<SessionUser, 'roles'>, ...roles: Role[]): boolean =>
  user.roles.includes('admin') || user.roles.some((r) => roles.includes(r));

export type CaseAction =
  'accept' | 'reject' | 'dispatch' | 'start' | 'return' | 'resolve' | 'verify' | 'close' | 'reopen';

interface Rule {
  from: readonly CaseState[];
  roles: readonly Role[];
  /** Officers only for cases their own department leads. */
  leadDepartmentOnly: boolean;
  noteRequired: boolean;
}

/** The case state machine's transitions (mission-service cases/state-machine.ts). */
export const CASE_RULES: Record<CaseAction, Rule> = {
  accept: { from: ['new'], roles: ['dispatcher'], leadDepartmentOnly: false, noteRequired: false },
  reject: {
    from: ['new', 'accepted'],
    roles: ['dispatcher', 'officer'],
    leadDepartmentOnly: false,
    noteRequired: false,
  },
  dispatch: { from: ['accepted'], roles: ['dispatcher'], leadDepartmentOnly: false, noteRequired: false },
  start: { from: ['dispatched'], roles: ['officer'], leadDepartmentOnly: true, noteRequired: false },
  return: { from: ['dispatched'], roles: ['officer'], leadDepartmentOnly: true, noteRequired: true },
  resolve: { from: ['in_progress'], roles: ['officer'], leadDepartmentOnly: true, noteRequired: false },
  verify: { from: ['resolved'], roles: ['officer'], leadDepartmentOnly: false, noteRequired: false },
  close: { from: ['verified'], roles: ['dispatcher'], leadDepartmentOnly: false, noteRequired: false },
  reopen: {
    from: ['resolved', 'verified', 'closed', 'rejected'],
    roles: ['dispatcher'],
    leadDepartmentOnly: false,
    noteRequired: true,
  },
};

/** Exactly the transitions this user may apply to this case now. */
export function caseActionsFor(
  user: Pick<SessionUser, 'roles' | 'departmentId'>,
  c: Pick<CaseView, 'state' | 'departmentId'>,
): CaseAction[] {
  const admin = user.roles.includes('admin');
  return (Object.keys(CASE_RULES) as CaseAction[]).filter((a) => {
    const rule = CASE_RULES[a];
    if (!rule.from.includes(c.state)) return false;
    if (admin) return true;
    const byRole = user.roles.filter((r) => rule.roles.includes(r));
    if (!byRole.length) return false;
    // A dispatcher holding the role passes; an officer only for their own department's cases when the rule says so.
    if (byRole.some((r) => r !== 'officer')) return true;
    return !rule.leadDepartmentOnly || (!!user.departmentId && user.departmentId === c.departmentId);
  });
}
