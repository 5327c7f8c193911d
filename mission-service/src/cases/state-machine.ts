/**
 * The case state machine and who may move it: the rule table (states, actions, roles, notes) is the contract's
 * (`contract/case-rules.ts`, shared with the planner UI); here it is enforced.
 */
import { CASE_ACTIONS, CASE_STATES, type CaseAction, type CaseState } from '../contract/cases.ts';
import {
  CASE_ROLES,
  OPEN_STATES,
  TRANSITIONS,
  transitionRefusal,
  type CaseRole,
  type TransitionRule,
} from '../contract/case-rules.ts';

export { CASE_STATES, CASE_ACTIONS, OPEN_STATES, TRANSITIONS, type CaseState, type CaseAction, type TransitionRule };

export const ROLES = CASE_ROLES;
export type Role = CaseRole;

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
  const refusal = transitionRefusal(action, state, actor, leadDepartmentId);
  if (refusal === 'illegal')
    return {
      ok: false,
      reason: 'illegal',
      message: `非法状态转换 / illegal transition: cannot ${action} a case in state ${state} (allowed from ${rule.from.join(', ')})`,
    };
  if (refusal === 'role')
    return { ok: false, reason: 'role', message: `无权操作 / ${action} needs role ${rule.roles.join(' or ')}` };
  if (refusal === 'department')
    return {
      ok: false,
      reason: 'department',
      message: `非承办部门 / only an officer of the lead department (${leadDepartmentId ?? 'none'}) may ${action} this case`,
    };
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
