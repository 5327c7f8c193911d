import { randomUUID } from 'node:crypto';
import { audit } from '../audit/audit-log.ts';
import { canAccessDepartment, ownerDepartment, type AuthUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import { AppError, notFound } from '../http/errors.ts';
import { deleteArea, getArea, insertArea, updateArea, type AreaFeature, type NewArea } from './area-repository.ts';
import { mapConstraintError } from './db-errors.ts';
import { validateAreaInput } from './validate-area.ts';

/** Called after an area's geometry changed (plans covering it re-plan). */
export type AreaChangedHook = (db: Db, areaId: string) => Promise<void>;

const ownerFor = (user: AuthUser, requested: string | null | undefined) =>
  ownerDepartment(user, requested, '不能为其他部门创建 / cannot assign objects to another department');

function checkKindAllowed(user: AuthUser, kind: string): void {
  // Jurisdictions drive case routing: only admins change them.
  if (kind === 'jurisdiction' && !user.roles.includes('admin')) {
    throw new AppError(403, 'forbidden', '只有管理员可修改辖区 / only admins may change jurisdictions');
  }
}

function checkOwner(user: AuthUser, area: AreaFeature): void {
  if (!canAccessDepartment(user, area.properties.departmentId as string | null)) {
    throw new AppError(403, 'forbidden_department', '无权操作其他部门的对象 / this area belongs to another department');
  }
}

/** Validates and stores a new area; its id is the feature's id or a fresh one. */
export async function createArea(db: Db, user: AuthUser, raw: unknown): Promise<AreaFeature> {
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : `area-${randomUUID()}`;
  checkKindAllowed(user, String((raw as { properties?: { kind?: unknown } } | null)?.properties?.kind));
  const { area, departmentId } = validateAreaInput(raw, id);
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
  const { area, departmentId } = validateAreaInput(raw, id);
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
      409,
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
      await audit(tx, user, 'area.delete', 'area', id, {
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
  const rows: NewArea[] = features.map((raw, i) => {
    const rawId = raw as { id?: unknown; properties?: { id?: unknown } } | null;
    const given =
      typeof rawId?.id === 'string'
        ? rawId.id
        : typeof rawId?.properties?.id === 'string'
          ? rawId.properties.id
          : undefined;
    const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : `area-${randomUUID()}`;
    const { area, departmentId } = validateAreaInput(raw, id, `features[${i}]`);
    checkKindAllowed(user, area.kind);
    return { ...area, departmentId: ownerFor(user, departmentId) };
  });
  const ids = new Set<string>();
  for (const r of rows) {
    if (ids.has(r.id)) throw new AppError(400, 'duplicate_id', `导入文件中 id 重复 / duplicate id in import: ${r.id}`);
    ids.add(r.id);
  }
  await db
    .transaction(async (tx) => {
      for (const r of rows) await insertArea(tx, r);
    })
    .catch((e) => mapConstraintError(e, 'imported areas'));
  return rows.map((r) => r.id);
}
