/**
 * The live cases map's pin set: a look-up of the cases that just changed (`GET /api/cases/map?ids=`, within the
 * view's filter) replaces those pins, adds the ones that entered the filter and drops the ones that left it or the
 * caller's sight, so one change costs one small answer instead of the whole map.
 */
import type { CasePin } from '../api/types.ts';

export interface PinPatch {
  /** The pin set after the look-up (new cases first: the set is newest first). */
  pins: CasePin[];
  /** Asked cases the answer holds: changed in place or new. */
  upserted: CasePin[];
  /** Asked cases the set held and the answer does not: they left the filter (or the caller's sight). */
  removed: string[];
  /** How many of `upserted` were not in the set before. */
  added: number;
}

/** The pins after a look-up of `asked` answered `fresh` (an asked case missing from `fresh` is gone). */
export function patchPins(pins: readonly CasePin[], asked: readonly string[], fresh: readonly CasePin[]): PinPatch {
  const askedIds = new Set(asked);
  // The answer holds only asked cases; anything else in it would be a stale answer's: ignored.
  const got = new Map(fresh.filter((p) => askedIds.has(p.id)).map((p) => [p.id, p]));
  const upserted = [...got.values()];
  const kept: CasePin[] = [];
  const removed: string[] = [];
  for (const p of pins) {
    if (!askedIds.has(p.id)) kept.push(p);
    else if (got.has(p.id)) {
      kept.push(got.get(p.id)!);
      got.delete(p.id);
    } else removed.push(p.id);
  }
  const entered = [...got.values()];
  return { pins: entered.length ? [...entered, ...kept] : kept, upserted, removed, added: entered.length };
}
