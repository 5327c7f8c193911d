import { describe, expect, it } from 'vitest';
import { shanghaiDay } from '../calendar/working-calendar.ts';
import { w3cShanghai } from '../open311/mapping.ts';
import { splitPeriod } from '../stats/case-stats.ts';
import { instantQuery } from '../contract/paging.ts';
import { chinaDate, w3cChina } from './china-time.ts';

describe('China time (one offset for calendar, statistics and Open311)', () => {
  it('puts 23:30 UTC on the next China day, and writes +08:00 datetimes', () => {
    const at = new Date('2026-02-12T23:30:00Z');
    expect(chinaDate(at)).toBe('2026-02-13');
    expect(shanghaiDay(at)).toBe('2026-02-13');
    expect(w3cChina(at)).toBe('2026-02-13T07:30:00+08:00');
    expect(w3cShanghai(at.toISOString())).toBe('2026-02-13T07:30:00+08:00');
  });

  it('starts the statistics days at China midnight', () => {
    const { edges } = splitPeriod(new Date('2026-02-01T00:00:00+08:00'), new Date('2026-02-03T00:00:00+08:00'));
    expect(edges[1]!.toISOString()).toBe('2026-01-31T16:00:00.000Z');
    expect(edges[2]!.toISOString()).toBe('2026-02-02T16:00:00.000Z');
  });

  it('reads a date in a query as China midnight, as the service counts days', () => {
    const start = instantQuery().parse('2026-11-01');
    expect(chinaDate(start)).toBe('2026-11-01');
    expect(chinaDate(new Date(start.getTime() - 1))).toBe('2026-10-31');
    const end = instantQuery(true).parse('2026-11-01');
    expect(chinaDate(end)).toBe('2026-11-02');
    expect(end.getTime() - start.getTime()).toBe(86_400_000);
  });
});
