/**
 * The case state machine and who may move it.
 *
 *   new → accepted → dispatched → in_progress → resolved → verified → closed
 *   new | accepted → rejected (false positive, kept as a labelled negative for the model)
 *   dispatched → accepted (退单 return: the department says it is not theirs; the dispatcher re-routes)
 *   resolved | verified | closed | rejected → accepted (reopen)
 *
 * Roles (admin may do everything; `system` is the service itself, e.g. a re-inspection that found nothing):
 * - dispatcher (指挥调度): accept, dispatch, close, reject, reopen
 * - officer of the lead department (承办部门): start, resolve, return
 * - officer (any department: inspection / 核查): verify, reject (reviewing a drone detection)
 */
import { CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState } from '../contract/cases.ts';

export { CASE_STATES, CASE_ACTIONS, type CaseState, type CaseAction };

/** States in which a case is still being worked; new reports nearby attach to these. */
export const OPEN_STATES: readonly CaseState[] = ['new', 'accepted', 'dispatched', 'in_progress'];

export const ROLES = ['operator', 'officer', 'dispatcher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TransitionRule {
  from: readonly CaseState[];
  to: CaseState;
  roles: readonly Role[];
  /** Officers may do it only for cases their own department leads. */
  leadDepartmentOnly: boolean;
  noteRequired: boolean;
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

/** Who acts on a case: a signed-in user, or the service itself (`roles` contains 'system'). */
export interface CaseActor {
  id: string;
  roles: readonly string[];
  departmentId: string | null;
}

export const SYSTEM_ROLE = 'system';

/** The service itself acting (triage filing, re-inspection result, overdue sweep). */
export function systemActor(what: string): CaseActor {
  return { id: `system:${what}`, roles: [SYSTEM_ROLE], departmentId: null };
}

export type AuthorizeResult = { ok: true } | { ok: false; reason: 'illegal' | 'role' | 'department'; message: string };

/**
 * Whether `actor` may apply `action` to a case in `state` led by `leadDepartmentId`.
 * 'illegal': no such transition from this state (409); 'role' / 'department': not theirs (403).
 */
export function authorizeTransition(
  action: CaseAction,
  state: CaseState,
  actor: CaseActor,
  leadDepartmentId: string | null,
): AuthorizeResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(state)) {
    return {
      ok: false,
      reason: 'illegal',
      message: `非法状态转换 / illegal transition: cannot ${action} a case in state ${state} (allowed from ${rule.from.join(', ')})`,
    };
  }
  if (actor.roles.includes('admin') || actor.roles.includes(SYSTEM_ROLE)) return { ok: true };
  const roles = rule.roles.filter((r) => actor.roles.includes(r));
  if (roles.length === 0) {
    return { ok: false, reason: 'role', message: `无权操作 / ${action} needs role ${rule.roles.join(' or ')}` };
  }
  // A dispatcher holding the role directly is not bound to a department; an officer is.
  if (rule.leadDepartmentOnly && !roles.some((r) => r !== 'officer')) {
    if (!leadDepartmentId || actor.departmentId !== leadDepartmentId) {
      return {
        ok: false,
        reason: 'department',
        message: `非承办部门 / only an officer of the lead department (${leadDepartmentId ?? 'none'}) may ${action} this case`,
      };
    }
  }
  return { ok: true };
}

/** Replays a log of (from, to) pairs; returns the final state, or throws if the chain is broken. */
export function replayStates(events: readonly { fromState: string | null; toState: string }[]): CaseState {
  let state: string | null = null;
  for (const [i, e] of events.entries()) {
    if (e.fromState !== state) {
      throw new Error(`case log broken at event ${i}: from ${e.fromState} but the state was ${state}`);
    }
    state = e.toState;
  }
  if (state === null) throw new Error('case log is empty');
  return state as CaseState;
}
