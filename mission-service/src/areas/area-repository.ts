import type { Queryable } from '../db/db.ts';

export const AREA_KINDS = ['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export type Bbox = [west: number, south: number, east: number, north: number];

export interface AreaFeature {
  type: 'Feature';
  id: string;
  geometry: GeoJSON.Geometry;
  properties: Record<string, unknown>;
}

interface AreaRow {
  id: string;
  kind: AreaKind;
  name: string;
  name_pinyin: string | null;
  name_en: string | null;
  level: string | null;
  parent_id: string | null;
  grid_code: string | null;
  grid_name: string | null;
  properties: Record<string, unknown>;
  geojson: string;
}

function toFeature(r: AreaRow): AreaFeature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: JSON.parse(r.geojson) as GeoJSON.Geometry,
    properties: {
      ...r.properties,
      id: r.id,
      kind: r.kind,
      name: r.name,
      namePinyin: r.name_pinyin,
      nameEn: r.name_en,
      ...(r.kind === 'jurisdiction'
        ? { level: r.level, parentId: r.parent_id, gridCode: r.grid_code, gridName: r.grid_name }
        : {}),
    },
  };
}

/** Areas of one kind as GeoJSON features, optionally only those intersecting a bbox (uses the GiST index). */
export async function listAreas(db: Queryable, kind: AreaKind, bbox?: Bbox): Promise<AreaFeature[]> {
  const params: unknown[] = [kind];
  let where = 'kind = $1';
  if (bbox) {
    params.push(...bbox);
    where += ' AND geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)';
  }
  const r = await db.query<AreaRow>(
    `SELECT id, kind, name, name_pinyin, name_en, level, parent_id, grid_code, grid_name, properties,
            ST_AsGeoJSON(geom, 7) AS geojson
       FROM areas WHERE ${where} ORDER BY id`,
    params,
  );
  return r.rows.map(toFeature);
}

export interface NewArea {
  id: string;
  kind: AreaKind;
  name: string;
  namePinyin?: string | null;
  nameEn?: string | null;
  level?: string | null;
  parentId?: string | null;
  gridCode?: string | null;
  gridName?: string | null;
  properties?: Record<string, unknown>;
  geometry: GeoJSON.Geometry;
  /** Owning department (object-level authorization); null = shared. */
  departmentId?: string | null;
}

/** The query parameters $1…$12 of an area row, in the order insertArea and updateArea name the columns. */
const areaParams = (a: NewArea): unknown[] => [
  a.id,
  a.kind,
  a.name,
  a.namePinyin ?? null,
  a.nameEn ?? null,
  a.level ?? null,
  a.parentId ?? null,
  a.gridCode ?? null,
  a.gridName ?? null,
  JSON.stringify(a.properties ?? {}),
  JSON.stringify(a.geometry),
  a.departmentId ?? null,
];

/** Inserts one area; the database refuses invalid geometry (CHECK ST_IsValid). */
export async function insertArea(db: Queryable, a: NewArea): Promise<void> {
  await db.query(
    `INSERT INTO areas (id, kind, name, name_pinyin, name_en, level, parent_id, grid_code, grid_name, properties, geom, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_SetSRID(ST_GeomFromGeoJSON($11), 4326), $12)`,
    areaParams(a),
  );
}

const FEATURE_COLUMNS = `id, kind, name, name_pinyin, name_en, level, parent_id, grid_code, grid_name, properties,
  department_id, ST_AsGeoJSON(geom, 7) AS geojson`;

/** Which areas a reader sees: 'all', or the shared ones plus one department's (null: the shared ones only). */
export type AreaVisibility = 'all' | { departmentId: string | null };

export interface AreaQuery {
  kind?: AreaKind;
  bbox?: Bbox;
  limit: number;
  offset: number;
  /** Only areas with an id after this one (keyset paging, ids in order). */
  after?: string;
  visible?: AreaVisibility;
}

/** WHERE terms of an area query, appending their parameters to `params`. */
function areaWhere(q: Omit<AreaQuery, 'limit' | 'offset'>, params: unknown[]): string[] {
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (q.kind) where.push(`kind = ${p(q.kind)}`);
  if (q.bbox) where.push(`geom && ST_MakeEnvelope(${q.bbox.map((v) => p(v)).join(', ')}, 4326)`);
  if (q.after !== undefined) where.push(`id > ${p(q.after)}`);
  if (q.visible && q.visible !== 'all') {
    where.push(
      q.visible.departmentId === null
        ? 'department_id IS NULL'
        : `(department_id IS NULL OR department_id = ${p(q.visible.departmentId)})`,
    );
  }
  return where;
}

function withDepartment(f: AreaFeature, departmentId: string | null): AreaFeature {
  f.properties.departmentId = departmentId;
  return f;
}

/** One area as a feature (with `departmentId`), or null. */
export async function getArea(db: Queryable, id: string): Promise<AreaFeature | null> {
  const r = await db.query<AreaRow & { department_id: string | null }>(
    `SELECT ${FEATURE_COLUMNS} FROM areas WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  return row ? withDepartment(toFeature(row), row.department_id) : null;
}

/** Replaces an area's fields and geometry; false when it does not exist. */
export async function updateArea(db: Queryable, a: NewArea): Promise<boolean> {
  const r = await db.query(
    `UPDATE areas SET kind = $2, name = $3, name_pinyin = $4, name_en = $5, level = $6, parent_id = $7, grid_code = $8,
            grid_name = $9, properties = $10, geom = ST_SetSRID(ST_GeomFromGeoJSON($11), 4326), department_id = $12,
            updated_at = now()
      WHERE id = $1`,
    areaParams(a),
  );
  return r.affectedRows > 0;
}

/** Deletes an area; false when it does not exist. */
export async function deleteArea(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query('DELETE FROM areas WHERE id = $1', [id]);
  return r.affectedRows > 0;
}

/** How many areas match (the total of a list's pages). */
export async function countAreas(db: Queryable, q: Omit<AreaQuery, 'limit' | 'offset' | 'after'>): Promise<number> {
  const params: unknown[] = [];
  const where = areaWhere(q, params);
  const r = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM areas ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** The features of a page as JSON texts built by the database , with their ids. */
export async function featureJsonPage(db: Queryable, q: AreaQuery): Promise<{ id: string; json: string }[]> {
  const params: unknown[] = [];
  const where = areaWhere(q, params);
  params.push(q.limit, q.offset);
  const r = await db.query<{ id: string; f: string }>(
    `WITH page AS (SELECT id FROM areas ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                    ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length})
     SELECT a.id, json_build_object('type', 'Feature', 'id', a.id, 'geometry', ST_AsGeoJSON(a.geom, 7)::json,
              'properties', a.properties || jsonb_build_object('id', a.id, 'kind', a.kind, 'name', a.name,
                'namePinyin', a.name_pinyin, 'nameEn', a.name_en, 'departmentId', a.department_id)
                || CASE WHEN a.kind = 'jurisdiction' THEN jsonb_build_object('level', a.level, 'parentId', a.parent_id,
                     'gridCode', a.grid_code, 'gridName', a.grid_name) ELSE '{}'::jsonb END)::text AS f
       FROM areas a JOIN page USING (id) ORDER BY a.id`,
    params,
  );
  return r.rows.map((row) => ({ id: row.id, json: row.f }));
}
