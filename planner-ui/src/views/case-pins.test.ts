import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CasePin, CaseState } from '../api/types.ts';
import { patchPins } from './case-pins.ts';

const pin = (id: string, state: CaseState = 'new'): CasePin => ({
  id,
  state,
  category: 'straw_burning',
  severity: 'normal',
  point: [119.1, 28.05],
  createdAt: 0,
  acceptedAt: null,
  dispatchedAt: null,
  acceptDueAt: 1000,
  dispatchDueAt: null,
  resolveDueAt: null,
});

describe('live case pins', () => {
  it('replaces a changed pin in place, adds one that entered the filter, drops one that left it', () => {
    const before = [pin('a'), pin('b'), pin('c')];
    const r = patchPins(before, ['b', 'c', 'd', 'e'], [pin('b', 'accepted'), pin('d')]);
    expect(r.pins.map((p) => [p.id, p.state])).toEqual([
      ['d', 'new'],
      ['a', 'new'],
      ['b', 'accepted'],
    ]);
    expect(r.removed).toEqual(['c']);
    expect(r.upserted.map((p) => p.id)).toEqual(['b', 'd']);
    expect(r.added).toBe(1);
    // The set handed in is left as it was (the view swaps in the new one).
    expect(before.map((p) => p.state)).toEqual(['new', 'new', 'new']);
  });

  it('ignores pins in the answer that were not asked for', () => {
    const r = patchPins([pin('a')], ['a'], [pin('a', 'closed'), pin('z')]);
    expect(r.pins.map((p) => [p.id, p.state])).toEqual([['a', 'closed']]);
    expect(r.added).toBe(0);
  });

  it('ends with exactly the unasked pins plus the answer, whatever was asked', () => {
    const ids = fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f');
    fc.assert(
      fc.property(
        fc.uniqueArray(ids),
        fc.uniqueArray(ids, { minLength: 1 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        (held, asked, answered) => {
          const fresh = asked.filter((_, i) => answered[i]).map((id) => pin(id, 'accepted'));
          const r = patchPins(
            held.map((id) => pin(id)),
            asked,
            fresh,
          );
          const expected = new Set([...held.filter((id) => !asked.includes(id)), ...fresh.map((p) => p.id)]);
          expect(new Set(r.pins.map((p) => p.id))).toEqual(expected);
          expect(r.pins).toHaveLength(expected.size);
          for (const p of r.pins) expect(p.state).toBe(asked.includes(p.id) ? 'accepted' : 'new');
          expect(r.removed.sort()).toEqual(held.filter((id) => asked.includes(id) && !expected.has(id)).sort());
          expect(r.added).toBe(fresh.filter((p) => !held.includes(p.id)).length);
        },
      ),
    );
  });
});
