import { describe, expect, it } from 'vitest';
import { captureInstant } from './capture-time.ts';

describe('captureInstant', () => {
  it('reads DateTimeOriginal with its offset, sub-seconds too', () => {
    expect(
      captureInstant({
        DateTimeOriginal: '2026:10:20 10:31:05',
        OffsetTimeOriginal: '+08:00',
        SubSecTimeOriginal: '25',
      })?.toISOString(),
    ).toBe('2026-10-20T02:31:05.250Z');
    expect(
      captureInstant({ DateTimeOriginal: '2026:10:20 10:31:05', OffsetTimeOriginal: '-03:00' })?.toISOString(),
    ).toBe('2026-10-20T13:31:05.000Z');
  });
  it('without an offset, a Longquan photo at 10:31 is 10:31 China time, whatever the server zone', () => {
    expect(captureInstant({ DateTimeOriginal: '2026:10:20 10:31:05' })?.toISOString()).toBe('2026-10-20T02:31:05.000Z');
  });
  it('is null for missing or impossible times', () => {
    expect(captureInstant(undefined)).toBeNull();
    expect(captureInstant({ DateTimeOriginal: '0000:00:00 00:00:00' })).toBeNull();
    expect(captureInstant({ DateTimeOriginal: '2026:13:01 10:00:00' })).toBeNull();
    expect(captureInstant({ DateTimeOriginal: 'yesterday' })).toBeNull();
  });
});
