import { area as turfArea, polygon } from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmt, localize } from '../i18n.ts';
import type { CaseState } from '../api/types.ts';
import { caseActionsFor, CASE_RULES, viewsFor } from '../roles.ts';
import { polygonAreaM2 } from './geometry.ts';
import { DEFAULT_REVIEW_FILTER, filterFromQuery, filterToApi, filterToQuery } from './review-filter.ts';
import { reviewKeyCommand } from './review-keys.ts';
import { currentDue, formatSpan, slaLevel } from './sla.ts';
import { addDays, mondayOf, parseWeeklyRrule, shanghai, weeklyRrule } from './week.ts';

describe('case actions per role', () => {
  it("offer each role exactly its transitions, officers only their own department's lead work", () => {
    const dispatcher = { roles: ['dispatcher'] as const, departmentId: null };
    const ecology = { roles: ['officer'] as const, departmentId: 'dept-ecology' };
    const water = { roles: ['officer'] as const, departmentId: 'dept-water' };
    const operator = { roles: ['operator'] as const, departmentId: null };
    const admin = { roles: ['admin'] as const, departmentId: null };
    const led = (state: CaseState) => ({ state, departmentId: 'dept-ecology' });
    expect(caseActionsFor(dispatcher, led('new'))).toEqual(['accept', 'reject']);
    expect(caseActionsFor(ecology, led('new'))).toEqual(['reject']);
    expect(caseActionsFor(ecology, led('dispatched'))).toEqual(['start', 'return']);
    expect(caseActionsFor(water, led('dispatched'))).toEqual([]);
    expect(caseActionsFor(water, led('resolved'))).toEqual(['verify']);
    expect(caseActionsFor(dispatcher, led('closed'))).toEqual(['reopen']);
    expect(caseActionsFor(operator, led('new'))).toEqual([]);
    expect(caseActionsFor(ecology, { state: 'dispatched', departmentId: null })).toEqual([]);
    expect(caseActionsFor(admin, led('dispatched'))).toEqual(['start', 'return']);
    expect(CASE_RULES.return.noteRequired && CASE_RULES.reopen.noteRequired).toBe(true);
  });

  it('give each role its own navigation', () => {
    expect(viewsFor({ roles: ['operator'] })).toEqual(['plan', 'schedule', 'fleet', 'cases']);
    expect(viewsFor({ roles: ['officer'] })).toEqual(['fleet', 'review', 'cases', 'stats']);
    expect(viewsFor({ roles: ['dispatcher'] })).toEqual(['schedule', 'fleet', 'cases', 'stats', 'calendar']);
    expect(viewsFor({ roles: ['admin'] })).toHaveLength(7);
  });
});

describe('SLA clocks', () => {
  const base = {
    createdAt: '2026-05-01T00:00:00Z',
    acceptedAt: null,
    dispatchedAt: null,
    dispatchDueAt: null,
    resolveDueAt: null,
  };
  it('run the deadline of the state and say how urgent it is', () => {
    const c = { ...base, state: 'new' as const, acceptDueAt: '2026-05-01T00:03:00Z' };
    expect(currentDue(c)).toBe('2026-05-01T00:03:00Z');
    expect(slaLevel(c, Date.parse('2026-05-01T00:01:00Z'))).toBe('ok');
    expect(slaLevel(c, Date.parse('2026-05-01T00:02:30Z'))).toBe('soon');
    expect(slaLevel(c, Date.parse('2026-05-01T00:03:01Z'))).toBe('overdue');
    expect(slaLevel({ ...c, state: 'closed' as const }, 0)).toBe('none');
  });
  it('format spans', () => {
    expect(formatSpan(65_000)).toBe('01:05');
    expect(formatSpan(-3_725_000)).toBe('1:02:05');
    expect(formatSpan(90_061_000)).toBe('1d 01:01');
  });
});

describe('weekly schedules in Asia/Shanghai', () => {
  it('write and read back the rule the form makes', () => {
    const r = weeklyRrule({ days: ['TH', 'MO'], hour: 9, minute: 30 });
    expect(r).toBe('FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=30');
    expect(parseWeeklyRrule(r)).toEqual({ days: ['MO', 'TH'], hour: 9, minute: 30 });
    expect(parseWeeklyRrule('FREQ=DAILY;BYHOUR=9')).toBeNull();
    expect(parseWeeklyRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9')).toBeNull();
  });
  it('place instants on Shanghai days and weeks', () => {
    expect(shanghai('2026-12-06T17:30:00Z')).toEqual({ date: '2026-12-07', hour: 1, minute: 30, weekday: 0 });
    expect(mondayOf('2026-12-06T15:59:00Z')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06T16:00:00Z')).toBe('2026-12-07');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('drawn-area size check', () => {
  it('agrees with turf on random quadrilaterals around Longquan', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -0.02, max: 0.02, noNaN: true }),
            fc.double({ min: -0.02, max: 0.02, noNaN: true }),
          ),
          { minLength: 3, maxLength: 8 },
        ),
        (pts) => {
          const ring = pts.map(([dx, dy]) => [119.14 + dx, 28.07 + dy]);
          ring.push(ring[0]!);
          const mine = polygonAreaM2([ring]);
          const theirs = turfArea(polygon([ring]));
          expect(Math.abs(mine - theirs)).toBeLessThanOrEqual(1e-9 * theirs + 1e-6);
        },
      ),
    );
  });
});

describe('review shortcuts and messages', () => {
  it('maps keys to commands', () => {
    expect(reviewKeyCommand('y')).toEqual({ kind: 'confirm' });
    expect(reviewKeyCommand('Delete')).toEqual({ kind: 'reject' });
    expect(reviewKeyCommand('2')).toEqual({ kind: 'reclass', className: 'sewage_outfall' });
    expect(reviewKeyCommand('ArrowLeft')).toEqual({ kind: 'prev' });
    expect(reviewKeyCommand('x')).toBeNull();
  });
  it('shows the Chinese half of a bilingual service message by default', () => {
    expect(localize('用户名或密码错误 / wrong username or password')).toBe('用户名或密码错误');
    expect(localize('plain message')).toBe('plain message');
  });
});

describe('review queue filters', () => {
  it('round-trip through the page URL and become the review API query', () => {
    const f = {
      state: 'rejected' as const,
      class: 'sewage_outfall' as const,
      minScore: 0.75,
      flightId: 'flight_01',
    };
    const q = filterToQuery(f);
    expect(q).toBe('?state=rejected&class=sewage_outfall&minScore=0.75&flightId=flight_01');
    expect(filterFromQuery(new URLSearchParams(q))).toEqual(f);
    expect(filterToApi(f)).toEqual({
      state: 'rejected',
      class: 'sewage_outfall',
      minScore: 0.75,
      flightId: 'flight_01',
    });
    expect(filterToQuery(DEFAULT_REVIEW_FILTER)).toBe('');
    expect(filterToApi({ ...DEFAULT_REVIEW_FILTER, state: 'all' })).toEqual({
      state: undefined,
      class: undefined,
      minScore: undefined,
      flightId: undefined,
    });
  });

  it('fall back to the plain queue for anything unknown or out of range', () => {
    const bad = new URLSearchParams('state=deleted&class=fire&minScore=7&flightId=' + encodeURIComponent("x' OR 1=1"));
    expect(filterFromQuery(bad)).toEqual(DEFAULT_REVIEW_FILTER);
    expect(filterFromQuery(new URLSearchParams('state=all&minScore=-0.2')).state).toBe('all');
    expect(filterFromQuery(new URLSearchParams('minScore=abc')).minScore).toBe(0);
  });
});

describe('dates shown to users', () => {
  it("are China time in the language of the page, with seconds where asked, whatever the machine's zone", () => {
    // 16:41:08 UTC is 00:41:08 the next day in Longquan; the test machine runs in UTC.
    expect(fmt.dateTime('2026-12-06T16:41:08Z', true)).toBe('2026/12/07 00:41:08');
    expect(fmt.dateTime('2026-12-06T16:41:08Z')).toBe('2026/12/07 00:41');
  });
});
