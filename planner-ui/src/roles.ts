/** What each role sees and may do in the app. Case actions come from the contract's rule table; the service still decides. */
import type { SessionUser } from '@xuncha/mission-service/contract';

export type ViewName = 'plan' | 'schedule' | 'fleet' | 'review' | 'cases' | 'stats' | 'calendar';
export type Role = SessionUser['roles'][number];

/** The views in the navigation of each role, the first being where the role lands after login. */
const VIEWS: Record<Role, ViewName[]> = {
  operator: ['plan', 'schedule', 'fleet', 'cases'],
  officer: ['review', 'cases', 'stats', 'fleet'],
  dispatcher: ['cases', 'stats', 'fleet', 'schedule', 'calendar'],
  admin: ['plan', 'schedule', 'fleet', 'review', 'cases', 'stats', 'calendar'],
};
const ORDER: ViewName[] = ['plan', 'schedule', 'fleet', 'review', 'cases', 'stats', 'calendar'];

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

/** The case rules are the contract's (the service enforces the same table): the UI offers what they allow. */
export { caseActionsFor, TRANSITIONS as CASE_RULES, type CaseAction } from '@xuncha/mission-service/contract';
