/**
 * Per-category settings of filing (table `case_categories`): the duplicate radius of reports (hotline, citizens:
 * rough locations), the much tighter attach distance of drone incidents (metres-accurate), and the score at which a
 * drone incident files itself without review (NULL: always reviewed). Cached for a minute; an admin edit drops the
 * cache at once.
 */
import { auditChange } from '../audit/audit-log.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError } from '../app-error.ts';

export interface CategorySettings {
  category: string;
  name: string;
  nameEn: string;
  duplicateRadiusM: number;
  droneAttachRadiusM: number;
  autoFileMinScore: number | null;
}

const cache = new WeakMap<object, { settings: Map<string, CategorySettings>; atMs: number }>();
/** Bumped by every invalidation: a read that started before one must not cache what it read. */
const generation = new WeakMap<object, number>();

export async function readCategorySettings(q: Queryable): Promise<Map<string, CategorySettings>> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT category, name, name_en, duplicate_radius_m, drone_attach_radius_m, auto_file_min_score
       FROM case_categories ORDER BY category`,
  );
  return new Map(
    r.rows.map((x) => [
      x.category as string,
      {
        category: x.category as string,
        name: x.name as string,
        nameEn: x.name_en as string,
        duplicateRadiusM: Number(x.duplicate_radius_m),
        droneAttachRadiusM: Number(x.drone_attach_radius_m),
        autoFileMinScore: x.auto_file_min_score == null ? null : Number(x.auto_file_min_score),
      },
    ]),
  );
}

/** The settings of every category (cached per database for a minute). */
export async function categorySettings(db: Db): Promise<Map<string, CategorySettings>> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.atMs < 60_000) return hit.settings;
  const startedAt = generation.get(db) ?? 0;
  const settings = await readCategorySettings(db);
  // A job's read in flight while an admin edit lands would otherwise keep the old settings for a minute.
  if ((generation.get(db) ?? 0) === startedAt) cache.set(db, { settings, atMs: Date.now() });
  return settings;
}

export function invalidateCategorySettings(db: Db): void {
  cache.delete(db);
  generation.set(db, (generation.get(db) ?? 0) + 1);
}

/** The radius a report of `source` attaches to an open case within (metres). */
export function attachRadiusM(s: CategorySettings, source: string): number {
  return source === 'drone' ? s.droneAttachRadiusM : s.duplicateRadiusM;
}

/** Admin change of a category's filing settings (audited); applies to filings from now on. */
export async function updateCategorySettings(
  db: Db,
  actor: { id: string; username: string; roles: readonly string[] },
  category: string,
  change: { duplicateRadiusM?: number; droneAttachRadiusM?: number; autoFileMinScore?: number | null },
): Promise<CategorySettings> {
  const before = (await readCategorySettings(db)).get(category);
  if (!before) throw new AppError('not_found', 'not_found', `未找到 / not found: category ${category}`);
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE case_categories SET
         duplicate_radius_m = COALESCE($2, duplicate_radius_m),
         drone_attach_radius_m = COALESCE($3, drone_attach_radius_m),
         auto_file_min_score = CASE WHEN $4::boolean THEN $5 ELSE auto_file_min_score END
       WHERE category = $1`,
      [
        category,
        change.duplicateRadiusM ?? null,
        change.droneAttachRadiusM ?? null,
        change.autoFileMinScore !== undefined,
        change.autoFileMinScore ?? null,
      ],
    );
    await auditChange(tx, actor, 'category.update', 'category', category, { before, change });
  });
  invalidateCategorySettings(db);
  return (await readCategorySettings(db)).get(category)!;
}
