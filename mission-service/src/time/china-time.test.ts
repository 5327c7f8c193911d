import { describe, expect, it } from 'vitest';
import { shanghaiDay } from '../calendar/working-calendar.ts';
import { w3cShanghai } from '../open311/mapping.ts';
import { splitPeriod } from '../stats/case-stats.ts';
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
});
