import { randomUUID } from 'node:crypto';
import { auditChange } from '../audit/audit-log.ts';
import { assertCanChange, ownerDepartment, type AuthUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';
import { deleteArea, getArea, insertArea, updateArea, type AreaFeature, type NewArea } from './area-repository.ts';
import { mapConstraintError } from './db-errors.ts';
import { compute } from '../compute/compute-pool.ts';
import { MAX_AREA_VERTICES, MAX_IMPORT_VERTICES } from '../contract/areas.ts';
import { countVertices, type ValidatedArea } from './validate-area.ts';

const geometryOf = (raw: unknown) => (raw as { geometry?: { coordinates?: unknown } } | null)?.geometry?.coordinates;

/**
 * Validates area features off the request thread when they are large (see compute-pool.ts), after the cheap
 * vertex caps: at most MAX_AREA_VERTICES per feature and MAX_IMPORT_VERTICES in all.
 */
async function validateAreas(items: { raw: unknown; id: string; where: string }[]): Promise<ValidatedArea[]> {
  let total = 0;
  for (const it of items) {
    const n = countVertices(geometryOf(it.raw), MAX_AREA_VERTICES);
    if (n > MAX_AREA_VERTICES) {
      throw new AppError(
        'too_large',
        'too_many_vertices',
        `几何顶点过多 / ${it.where ? `${it.where}.` : ''}geometry: more than ${MAX_AREA_VERTICES} vertices (simplify it)`,
        { limit: MAX_AREA_VERTICES },
      );
    }
    total += n;
  }
  if (total > MAX_IMPORT_VERTICES) {
    throw new AppError(
      'too_large',
      'too_many_vertices',
      `导入的顶点过多 / the import has more than ${MAX_IMPORT_VERTICES} vertices in all: split it`,
      { limit: MAX_IMPORT_VERTICES },
    );
  }
  return compute('validateAreas', items, total);
}

/** Called after an area's geometry changed (plans covering it re-plan). */
export type AreaChangedHook = (db: Db, areaId: string) => Promise<void>;

const ownerFor = (user: AuthUser, requested: string | null | undefined) =>
  ownerDepartment(user, requested, '不能为其他部门创建 / cannot assign objects to another department');

/** Kinds only admins create, change or delete: no-fly zones keep flights off hospitals and substations, and
 * jurisdictions drive case routing. */
export const ADMIN_AREA_KINDS: readonly string[] = ['nofly', 'jurisdiction'];

function checkKindAllowed(user: AuthUser, kind: string): void {
  if (ADMIN_AREA_KINDS.includes(kind) && !user.roles.includes('admin')) {
    throw new AppError(
      'forbidden',
      'admin_only_kind',
      `只有管理员可修改禁飞区和辖区 / only admins may create, change or delete ${kind} areas`,
      { kind },
    );
  }
}

function checkOwner(user: AuthUser, area: AreaFeature): void {
  assertCanChange(user, { departmentId: (area.properties.departmentId as string | null) ?? null }, 'area');
}

/** Validates and stores a new area; its id is the feature's id or a fresh one. */
export async function createArea(db: Db, user: AuthUser, raw: unknown): Promise<AreaFeature> {
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : `area_${randomUUID()}`;
  checkKindAllowed(user, String((raw as { properties?: { kind?: unknown } } | null)?.properties?.kind));
  const [{ area, departmentId }] = (await validateAreas([{ raw, id, where: '' }])) as [ValidatedArea];
  const row: NewArea = { ...area, departmentId: ownerFor(user, departmentId) };
  await insertArea(db, row).catch((e) => mapConstraintError(e, `area ${id}`));
  return (await getArea(db, id))!;
}

/** Replaces an area (same id); plans covering it are re-planned through `onChanged`. */
export async function replaceArea(
  db: Db,
  user: AuthUser,
  id: string,
  raw: unknown,
  onChanged?: AreaChangedHook,
): Promise<AreaFeature> {
  const existing = await getArea(db, id);
  if (!existing) throw notFound(`area ${id}`);
  checkOwner(user, existing);
  checkKindAllowed(user, existing.properties.kind as string);
  const [{ area, departmentId }] = (await validateAreas([{ raw, id, where: '' }])) as [ValidatedArea];
  checkKindAllowed(user, area.kind);
  const owner =
    departmentId === undefined ? (existing.properties.departmentId as string | null) : ownerFor(user, departmentId);
  await updateArea(db, { ...area, departmentId: owner }).catch((e) => mapConstraintError(e, `area ${id}`));
  await onChanged?.(db, id);
  return (await getArea(db, id))!;
}

/** Deletes an area unless a plan or a child jurisdiction still uses it (409 naming them). */
export async function removeArea(db: Db, user: AuthUser, id: string): Promise<void> {
  const existing = await getArea(db, id);
  if (!existing) throw notFound(`area ${id}`);
  checkOwner(user, existing);
  checkKindAllowed(user, existing.properties.kind as string);
  const plans = await db.query<{ id: string }>('SELECT id FROM plans WHERE $1 = ANY(area_ids) ORDER BY id LIMIT 20', [
    id,
  ]);
  if (plans.rows.length) {
    throw new AppError(
      'conflict',
      'area_in_use',
      `区域仍被航线计划使用 / area is used by plans: ${plans.rows.map((p) => p.id).join(', ')}`,
      {
        planIds: plans.rows.map((p) => p.id),
      },
    );
  }
  await db
    .transaction(async (tx) => {
      await deleteArea(tx, id);
      await auditChange(tx, user, 'area.delete', 'area', id, {
        kind: existing.properties.kind,
        name: existing.properties.name,
        geometry: existing.geometry,
      });
    })
    .catch((e) => mapConstraintError(e, `area ${id}`));
}

/**
 * Imports a FeatureCollection of areas all-or-nothing: every feature is validated first (errors name
 * `features[i]`), then all are inserted in one transaction.
 */
export async function importAreas(db: Db, user: AuthUser, features: unknown[]): Promise<string[]> {
  const items = features.map((raw, i) => {
    const rawId = raw as { id?: unknown; properties?: { id?: unknown } } | null;
    const given =
      typeof rawId?.id === 'string'
        ? rawId.id
        : typeof rawId?.properties?.id === 'string'
          ? rawId.properties.id
          : undefined;
    const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : `area_${randomUUID()}`;
    return { raw, id, where: `features[${i}]` };
  });
  const rows: NewArea[] = (await validateAreas(items)).map(({ area, departmentId }) => {
    checkKindAllowed(user, area.kind);
    return { ...area, departmentId: ownerFor(user, departmentId) };
  });
  const ids = new Set<string>();
  for (const r of rows) {
    if (ids.has(r.id))
      throw new AppError('invalid_input', 'duplicate_id', `导入文件中 id 重复 / duplicate id in import: ${r.id}`);
    ids.add(r.id);
  }
  await db
    .transaction(async (tx) => {
      for (const r of rows) await insertArea(tx, r);
    })
    .catch((e) => mapConstraintError(e, 'imported areas'));
  return rows.map((r) => r.id);
}
