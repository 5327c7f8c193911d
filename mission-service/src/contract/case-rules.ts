/**
 * The case state machine's rule table, shared by the service (which enforces it: `cases/state-machine.ts`) and the
 * planner UI (which offers only the actions a user may take). Pure data: imports only the contract.
 *
 *   new → accepted → dispatched → in_progress → resolved → verified → closed
 *   new | accepted → rejected (false positive, kept as a labelled negative for the model)
 *   dispatched → accepted (退单 return: the department says it is not theirs; the dispatcher re-routes)
 *   resolved | verified | closed | rejected → accepted (reopen)
 *
 * Roles (admin may do everything; the service itself acts as `system`):
 * - dispatcher (指挥调度): accept, dispatch, close, reject, reopen
 * - officer of the lead department (承办部门): start, resolve, return
 * - officer (any department: inspection / 核查): verify, reject (reviewing a drone detection)
 */
import type { CaseAction, CaseState } from './cases.ts';

export const CASE_ROLES = ['operator', 'officer', 'dispatcher', 'admin'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];

export interface TransitionRule {
  from: readonly CaseState[];
  to: CaseState;
  roles: readonly CaseRole[];
  /** Officers may do it only for cases their own department leads. */
  leadDepartmentOnly: boolean;
  /** The action needs a note (why it is returned or reopened). */
  noteRequired: boolean;
  /** What the button says: Chinese first, English beside it. */
  label: string;
}

export const TRANSITIONS: Readonly<Record<CaseAction, TransitionRule>> = {
  accept: {
    from: ['new'],
    to: 'accepted',
    roles: ['dispatcher'],
    leadDepartmentOnly: false,
    noteRequired: false,
    label: '受理 / accept',
  },
  reject: {
    from: ['new', 'accepted'],
    to: 'rejected',
    roles: ['dispatcher', 'officer'],
    leadDepartmentOnly: false,
    noteRequired: false,
    label: '误报驳回 / reject as false positive',
  },
  dispatch: {
    from: ['accepted'],
    to: 'dispatched',
    roles: ['dispatcher'],
    leadDepartmentOnly: false,
    noteRequired: false,
    label: '派遣 / dispatch',
  },
  start: {
    from: ['dispatched'],
    to: 'in_progress',
    roles: ['officer'],
    leadDepartmentOnly: true,
    noteRequired: false,
    label: '开始处置 / start work',
  },
  return: {
    from: ['dispatched'],
    to: 'accepted',
    roles: ['officer'],
    leadDepartmentOnly: true,
    noteRequired: true,
    label: '退单 / return',
  },
  resolve: {
    from: ['in_progress'],
    to: 'resolved',
    roles: ['officer'],
    leadDepartmentOnly: true,
    noteRequired: false,
    label: '办结 / resolve',
  },
  verify: {
    from: ['resolved'],
    to: 'verified',
    roles: ['officer'],
    leadDepartmentOnly: false,
    noteRequired: false,
    label: '核查通过 / verify',
  },
  close: {
    from: ['verified'],
    to: 'closed',
    roles: ['dispatcher'],
    leadDepartmentOnly: false,
    noteRequired: false,
    label: '结案 / close',
  },
  reopen: {
    from: ['resolved', 'verified', 'closed', 'rejected'],
    to: 'accepted',
    roles: ['dispatcher'],
    leadDepartmentOnly: false,
    noteRequired: true,
    label: '重新打开 / reopen',
  },
};

/** States in which a case is still being worked; new reports nearby attach to these. */
export const OPEN_STATES: readonly CaseState[] = ['new', 'accepted', 'dispatched', 'in_progress'];

/** Who asks: their roles (`system` is the service itself) and department. */
export interface CaseActorLike {
  roles: readonly string[];
  departmentId: string | null;
}

/**
 * Why `actor` may not apply `action` to a case in `state` led by `leadDepartmentId`, or null when they may:
 * 'illegal' (no such transition from this state), 'role' (not their role), 'department' (an officer, not of the
 * lead department, for a lead-department-only action). Admins and the service itself may do every legal one.
 */
export function transitionRefusal(
  action: CaseAction,
  state: CaseState,
  actor: CaseActorLike,
  leadDepartmentId: string | null,
): 'illegal' | 'role' | 'department' | null {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(state)) return 'illegal';
  if (actor.roles.includes('admin') || actor.roles.includes('system')) return null;
  const roles = rule.roles.filter((r) => actor.roles.includes(r));
  if (roles.length === 0) return 'role';
  // A dispatcher holding the role directly is not bound to a department; an officer is.
  if (rule.leadDepartmentOnly && !roles.some((r) => r !== 'officer'))
    if (!leadDepartmentId || actor.departmentId !== leadDepartmentId) return 'department';
  return null;
}

/** Exactly the actions `actor` may apply to case `c` now (what the UI offers; the service decides again). */
export function caseActionsFor(
  actor: CaseActorLike,
  c: { state: CaseState; departmentId: string | null },
): CaseAction[] {
  return (Object.keys(TRANSITIONS) as CaseAction[]).filter(
    (a) => transitionRefusal(a, c.state, actor, c.departmentId) === null,
  );
}
