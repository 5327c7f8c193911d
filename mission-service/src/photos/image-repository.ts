/** Photos as the API shows them: one view, one visibility rule (scope.ts), keyset-paged lists. */
import type { AuthUser } from '../auth/index.ts';
import type { Image } from '../contract/photos.ts';
import type { Queryable } from '../db/db.ts';
import { notFound } from '../app-error.ts';
import { cursorTime, decodeTimeCursor, pageFrom } from '../http/paging.ts';
import { scopeSql } from '../auth/scope-sql.ts';

/** Where a photo's bytes are served; the only way the API refers to them. */
export const imageUrls = (sha256: string) => ({
  file: `/api/images/${sha256}/file`,
  thumbnail: `/api/images/${sha256}/thumbnail`,
});

const COLUMNS = `i.sha256, i.flight_id, i.drone_id, i.attribution, i.department_id, i.original_name, i.byte_size,
  i.width_px, i.height_px, i.taken_at, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.status, i.error, i.created_at,
  (SELECT count(*) FROM detections d WHERE d.image_sha256 = i.sha256) AS detection_count`;

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function toImage(r: Row): Image {
  return {
    sha256: r.sha256 as string,
    flightId: (r.flight_id as string | null) ?? null,
    droneId: (r.drone_id as string | null) ?? null,
    attribution: r.attribution as Image['attribution'],
    departmentId: (r.department_id as string | null) ?? null,
    originalName: (r.original_name as string | null) ?? null,
    byteSize: Number(r.byte_size),
    widthPx: r.width_px == null ? null : Number(r.width_px),
    heightPx: r.height_px == null ? null : Number(r.height_px),
    takenAt: iso(r.taken_at),
    location: r.lon == null ? null : { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    status: r.status as Image['status'],
    error: (r.error as string | null) ?? null,
    detectionCount: Number(r.detection_count ?? 0),
    createdAt: iso(r.created_at)!,
    urls: imageUrls(r.sha256 as string),
  };
}

/** A photo the user may see, with where it is stored (for serving only, never shown), or 404. */
export async function loadImage(
  q: Queryable,
  user: AuthUser,
  sha256: string,
): Promise<{ image: Image; storedPath: string }> {
  const params: unknown[] = [sha256];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const scope = scopeSql(user, 'i.department_id', p);
  const r = await q.query<Row>(
    `SELECT ${COLUMNS}, i.stored_path FROM images i WHERE i.sha256 = $1${scope ? ` AND ${scope}` : ''}`,
    params,
  );
  const row = r.rows[0];
  if (!row) throw notFound(`image ${sha256}`);
  return { image: toImage(row), storedPath: row.stored_path as string };
}

export interface ImageListFilter {
  flightId?: string;
  droneId?: string;
  attribution?: string[];
  status?: string[];
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** Photos newest first (by arrival), with the total matching the filter. */
export async function listImages(
  q: Queryable,
  user: AuthUser,
  f: ImageListFilter,
): Promise<{ items: Image[]; total: number; nextCursor: string | null }> {
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const where: string[] = [];
  const scope = scopeSql(user, 'i.department_id', p);
  if (scope) where.push(scope);
  if (f.flightId) where.push(`i.flight_id = ${p(f.flightId)}`);
  if (f.droneId) where.push(`i.drone_id = ${p(f.droneId)}`);
  if (f.attribution) where.push(`i.attribution = ANY(${p(f.attribution)}::text[])`);
  if (f.status) where.push(`i.status = ANY(${p(f.status)}::text[])`);
  if (f.from) where.push(`i.created_at >= ${p(f.from)}`);
  if (f.to) where.push(`i.created_at < ${p(f.to)}`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await q.query<{ n: string }>(`SELECT count(*) AS n FROM images i ${filter}`, params);
  const key = decodeTimeCursor(f.cursor);
  const pageWhere = [...where];
  if (key) pageWhere.push(`(i.created_at, i.sha256) < (${p(key[0])}::timestamptz, ${p(key[1])})`);
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS}, ${cursorTime('i.created_at')} FROM images i ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
     ORDER BY i.created_at DESC, i.sha256 DESC LIMIT ${p(f.limit + 1)}`,
    params,
  );
  const page = pageFrom(rows.rows, f.limit, (r) => [r.cursor_at as string, r.sha256 as string]);
  return { items: page.rows.map(toImage), total: Number(total.rows[0]?.n ?? 0), nextCursor: page.nextCursor };
}
