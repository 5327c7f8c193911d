import { describe, expect, it } from 'vitest';
import {
  authorizeTransition,
  CASE_ACTIONS,
  CASE_STATES,
  replayStates,
  TRANSITIONS,
  type CaseAction,
  type CaseActor,
} from '../../src/cases/index.ts';

const DEPT = 'dept-ecology';
const actors: Record<string, CaseActor> = {
  operator: { id: 'u-op', roles: ['operator'], departmentId: null },
  officerOfLead: { id: 'u-off', roles: ['officer'], departmentId: DEPT },
  officerElsewhere: { id: 'u-off2', roles: ['officer'], departmentId: 'dept-water' },
  dispatcher: { id: 'u-dis', roles: ['dispatcher'], departmentId: null },
  admin: { id: 'u-adm', roles: ['admin'], departmentId: null },
};

// Expected outcome of each action for each actor, from a legal state: the documented role table.
const EXPECTED: Record<CaseAction, Record<keyof typeof actors, 'ok' | 'role' | 'department'>> = {
  accept: { operator: 'role', officerOfLead: 'role', officerElsewhere: 'role', dispatcher: 'ok', admin: 'ok' },
  reject: { operator: 'role', officerOfLead: 'ok', officerElsewhere: 'ok', dispatcher: 'ok', admin: 'ok' },
  dispatch: { operator: 'role', officerOfLead: 'role', officerElsewhere: 'role', dispatcher: 'ok', admin: 'ok' },
  start: { operator: 'role', officerOfLead: 'ok', officerElsewhere: 'department', dispatcher: 'role', admin: 'ok' },
  return: { operator: 'role', officerOfLead: 'ok', officerElsewhere: 'department', dispatcher: 'role', admin: 'ok' },
  resolve: { operator: 'role', officerOfLead: 'ok', officerElsewhere: 'department', dispatcher: 'role', admin: 'ok' },
  verify: { operator: 'role', officerOfLead: 'ok', officerElsewhere: 'ok', dispatcher: 'role', admin: 'ok' },
  close: { operator: 'role', officerOfLead: 'role', officerElsewhere: 'role', dispatcher: 'ok', admin: 'ok' },
  reopen: { operator: 'role', officerOfLead: 'role', officerElsewhere: 'role', dispatcher: 'ok', admin: 'ok' },
};

describe('case state machine: every action × role × state', () => {
  const rows = CASE_ACTIONS.flatMap((action) =>
    CASE_STATES.flatMap((state) => Object.keys(actors).map((who) => ({ action, state, who }))),
  );
  it.each(rows)('$action from $state by $who', ({ action, state, who }) => {
    const r = authorizeTransition(action, state, actors[who]!, DEPT);
    const legal = TRANSITIONS[action].from.includes(state);
    if (!legal) {
      expect(r).toMatchObject({ ok: false, reason: 'illegal' });
      return;
    }
    const want = EXPECTED[action][who as keyof typeof actors];
    if (want === 'ok') expect(r).toEqual({ ok: true });
    else expect(r).toMatchObject({ ok: false, reason: want });
  });

  it('the happy path runs new → … → closed', () => {
    let state: (typeof CASE_STATES)[number] = 'new';
    for (const a of ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close'] as const) {
      expect(TRANSITIONS[a].from).toContain(state);
      state = TRANSITIONS[a].to;
    }
    expect(state).toBe('closed');
  });

  it('an officer cannot work a case that has no lead department (centre queue)', () => {
    expect(authorizeTransition('start', 'dispatched', actors.officerOfLead!, null)).toMatchObject({
      reason: 'department',
    });
  });

  it('replays a log to its state and refuses a broken chain', () => {
    expect(
      replayStates([
        { fromState: null, toState: 'new' },
        { fromState: 'new', toState: 'accepted' },
        { fromState: 'accepted', toState: 'accepted' },
      ]),
    ).toBe('accepted');
    expect(() =>
      replayStates([
        { fromState: null, toState: 'new' },
        { fromState: 'accepted', toState: 'dispatched' },
      ]),
    ).toThrow(/broken/);
    expect(() => replayStates([])).toThrow(/empty/);
  });
});
