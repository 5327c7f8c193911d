import { describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { categorySettings, invalidateCategorySettings } from './category-settings.ts';

/** A database whose `case_categories` answers with the score of the moment, each read held until released. */
function slowDb() {
  let score: number | null = null;
  const held: (() => void)[] = [];
  let reads = 0;
  const db = {
    query: async () => {
      reads++;
      const answer = score;
      await new Promise<void>((resolve) => held.push(resolve));
      return {
        rows: [
          {
            category: 'straw_burning',
            name: '秸秆焚烧',
            name_en: 'Straw burning',
            duplicate_radius_m: 200,
            drone_attach_radius_m: 30,
            auto_file_min_score: answer,
          },
        ],
      };
    },
  } as unknown as Db;
  return {
    db,
    setScore: (s: number | null) => (score = s),
    release: () => held.splice(0).forEach((r) => r()),
    reads: () => reads,
  };
}

describe('categorySettings cache', () => {
  it('does not keep what a read in flight during an invalidation saw', async () => {
    const s = slowDb();
    const stale = categorySettings(s.db);
    s.setScore(0);
    invalidateCategorySettings(s.db);
    s.release();
    expect((await stale).get('straw_burning')!.autoFileMinScore).toBeNull();
    const fresh = categorySettings(s.db);
    s.release();
    expect((await fresh).get('straw_burning')!.autoFileMinScore).toBe(0);
    expect(s.reads()).toBe(2);
  });

  it('serves a read from the cache until it is invalidated', async () => {
    const s = slowDb();
    const first = categorySettings(s.db);
    s.release();
    await first;
    s.setScore(0.5);
    expect((await categorySettings(s.db)).get('straw_burning')!.autoFileMinScore).toBeNull();
    invalidateCategorySettings(s.db);
    const again = categorySettings(s.db);
    s.release();
    expect((await again).get('straw_burning')!.autoFileMinScore).toBe(0.5);
    expect(s.reads()).toBe(2);
  });
});
