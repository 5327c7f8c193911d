import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectPages } from './paging.ts';

/** A list of `n` items served 500 a page with an opaque cursor, as the service does; records the cursors asked. */
function server(n: number) {
  const asked: (string | null)[] = [];
  const fetchPage = async (cursor: string | null) => {
    asked.push(cursor);
    const from = cursor ? Number(atob(cursor)) : 0;
    const items = Array.from({ length: Math.max(0, Math.min(500, n - from)) }, (_, i) => from + i);
    const next = from + items.length;
    return { items, nextCursor: next < n ? btoa(String(next)) : null };
  };
  return { asked, fetchPage };
}

describe('collectPages', () => {
  it('follows nextCursor past the first 500 items, in order, one request a page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2600 }), async (n) => {
        const s = server(n);
        const all = await collectPages(s.fetchPage);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(s.asked.length).toBe(Math.max(1, Math.ceil(n / 500)));
        expect(s.asked[0]).toBeNull();
      }),
      { numRuns: 30 },
    );
  });

  it('stops at the cap', async () => {
    const s = server(5000);
    expect((await collectPages(s.fetchPage, 1000)).length).toBe(1000);
    expect(s.asked.length).toBe(2);
  });
});
