/**
 * Incidents and detections as the review queue shows them: filters (state, class, score, flight, area, bbox, time),
 * keyset paging newest first with the total, the department rule of photos (photos/scope.ts), and URLs — never a
 * path on the server — for each photo, thumbnail and evidence crop.
 */
import type { AuthUser } from '../auth/index.ts';
import type { Detection, Incident } from '../contract/review.ts';
import type { Queryable } from '../db/db.ts';
import { notFound } from '../app-error.ts';
import { cursorTime, decodeTimeCursor, pageFrom } from '../http/paging.ts';
import { imageUrls } from '../photos/image-repository.ts';
import { scopeSql } from '../auth/scope-sql.ts';

type Row = Record<string, unknown>;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export const cropUrl = (detectionId: string) => `/api/detections/${detectionId}/crop`;

const INCIDENT_COLUMNS = `n.id, n.class, n.original_class, n.review_state, n.confidence, ST_X(n.geom) AS lon,
  ST_Y(n.geom) AS lat, ST_AsGeoJSON(n.ground_polygon) AS polygon, n.first_seen_at, n.last_seen_at, n.detection_count,
  n.photo_count, n.flight_ids, n.department_id, n.reviewed_by, n.reviewed_at, n.review_note, n.best_detection_id,
  (SELECT r.case_id FROM case_reports r WHERE r.incident_id = n.id) AS case_id`;

export function toIncident(r: Row): Incident {
  return {
    id: r.id as string,
    class: r.class as Incident['class'],
    originalClass: (r.original_class as Incident['originalClass']) ?? null,
    reviewState: r.review_state as Incident['reviewState'],
    confidence: Number(r.confidence),
    position: { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    groundPolygon: r.polygon ? json<Incident['groundPolygon']>(r.polygon) : null,
    firstSeenAt: iso(r.first_seen_at)!,
    lastSeenAt: iso(r.last_seen_at)!,
    detectionCount: Number(r.detection_count),
    photoCount: Number(r.photo_count),
    flightIds: (r.flight_ids as string[] | null) ?? [],
    departmentId: (r.department_id as string | null) ?? null,
    caseId: (r.case_id as string | null) ?? null,
    reviewedBy: (r.reviewed_by as string | null) ?? null,
    reviewedAt: iso(r.reviewed_at),
    reviewNote: (r.review_note as string | null) ?? null,
    bestDetectionId: (r.best_detection_id as string | null) ?? null,
    cropUrl: r.best_detection_id ? cropUrl(r.best_detection_id as string) : null,
  };
}

const DETECTION_COLUMNS = `d.id, d.incident_id, d.image_sha256, i.flight_id, d.class, COALESCE(d.model_class, d.class) AS model_class,
  d.score, d.bbox_px, i.width_px, i.height_px, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, d.error_m, d.model,
  i.taken_at, d.created_at,
  (SELECT l.label FROM detection_labels l WHERE l.detection_id = d.id ORDER BY l.id DESC LIMIT 1) AS label`;

export function toDetection(r: Row): Detection {
  const sha = r.image_sha256 as string;
  const urls = imageUrls(sha);
  return {
    id: r.id as string,
    incidentId: (r.incident_id as string | null) ?? null,
    imageSha256: sha,
    flightId: (r.flight_id as string | null) ?? null,
    class: r.class as Detection['class'],
    modelClass: r.model_class as Detection['modelClass'],
    score: Number(r.score),
    bboxPx: (r.bbox_px as number[]).map(Number) as Detection['bboxPx'],
    imageWidthPx: r.width_px == null ? null : Number(r.width_px),
    imageHeightPx: r.height_px == null ? null : Number(r.height_px),
    position: r.lon == null ? null : { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] },
    errorM: r.error_m == null ? null : Number(r.error_m),
    model: (r.model as string | null) ?? null,
    label: (r.label as Detection['label']) ?? null,
    takenAt: iso(r.taken_at),
    createdAt: iso(r.created_at)!,
    urls: { image: urls.file, thumbnail: urls.thumbnail, crop: cropUrl(r.id as string) },
  };
}

function builder() {
  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  return { params, p };
}

/** An incident the user may see, or 404 (another department's incident is not there for them). */
export async function loadIncident(
  q: Queryable,
  user: AuthUser | null,
  id: string,
  forUpdate = false,
): Promise<Incident> {
  const { params, p } = builder();
  const where = [`n.id = ${p(id)}`];
  const scope = user ? scopeSql(user, 'n.department_id', p) : null;
  if (scope) where.push(scope);
  const r = await q.query<Row>(
    `SELECT ${INCIDENT_COLUMNS} FROM incidents n WHERE ${where.join(' AND ')}${forUpdate ? ' FOR UPDATE OF n' : ''}`,
    params,
  );
  if (!r.rows[0]) throw notFound(`incident ${id}`);
  return toIncident(r.rows[0]);
}

/** Detections of an incident, best first (at most `limit`). */
export async function incidentDetections(q: Queryable, incidentId: string, limit = 200): Promise<Detection[]> {
  const r = await q.query<Row>(
    `SELECT ${DETECTION_COLUMNS} FROM detections d JOIN images i ON i.sha256 = d.image_sha256
      WHERE d.incident_id = $1 ORDER BY d.score DESC, d.id LIMIT $2`,
    [incidentId, limit],
  );
  return r.rows.map(toDetection);
}

export interface IncidentFilter {
  state?: string[];
  class?: string[];
  minScore?: number;
  maxScore?: number;
  flightId?: string;
  areaId?: string;
  bbox?: readonly number[];
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

/** The review queue: incidents matching the filter, last seen newest first. */
export async function listIncidents(q: Queryable, user: AuthUser, f: IncidentFilter): Promise<Page<Incident>> {
  const { params, p } = builder();
  const where: string[] = [];
  const scope = scopeSql(user, 'n.department_id', p);
  if (scope) where.push(scope);
  // One parameter per state: `IN (...)` lets the partial index of the to_review queue apply.
  if (f.state) where.push(`n.review_state IN (${f.state.map((s) => p(s)).join(', ')})`);
  if (f.class) where.push(`n.class = ANY(${p(f.class)}::text[])`);
  // float8: an untyped parameter beside a `real` column is read as `real`, which refuses a tiny valid score (1e-206).
  if (f.minScore !== undefined) where.push(`n.confidence >= ${p(f.minScore)}::float8`);
  if (f.maxScore !== undefined) where.push(`n.confidence <= ${p(f.maxScore)}::float8`);
  if (f.flightId) where.push(`${p(f.flightId)} = ANY(n.flight_ids)`);
  if (f.areaId) where.push(`ST_Intersects(n.geom, (SELECT a.geom FROM areas a WHERE a.id = ${p(f.areaId)}))`);
  if (f.bbox) where.push(`n.geom && ST_MakeEnvelope(${f.bbox.map((v) => p(v)).join(', ')}, 4326)`);
  if (f.from) where.push(`n.last_seen_at >= ${p(f.from)}`);
  if (f.to) where.push(`n.last_seen_at < ${p(f.to)}`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const totalParams = [...params];
  const key = decodeTimeCursor(f.cursor);
  const pageWhere = [...where];
  if (key) pageWhere.push(`(n.last_seen_at, n.id) < (${p(key[0])}::timestamptz, ${p(key[1])})`);
  const limit = p(f.limit + 1);
  const [total, rows] = await Promise.all([
    q.query<{ n: string }>(`SELECT count(*) AS n FROM incidents n ${filter}`, totalParams),
    q.query<Row>(
      `SELECT ${INCIDENT_COLUMNS}, ${cursorTime('n.last_seen_at')} FROM incidents n ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
       ORDER BY n.last_seen_at DESC, n.id DESC LIMIT ${limit}`,
      params,
    ),
  ]);
  const page = pageFrom(rows.rows, f.limit, (r) => [r.cursor_at as string, r.id as string]);
  return { items: page.rows.map(toIncident), total: Number(total.rows[0]?.n ?? 0), nextCursor: page.nextCursor };
}

export interface DetectionFilter {
  class?: string[];
  state?: string[];
  minScore?: number;
  maxScore?: number;
  flightId?: string;
  incidentId?: string;
  imageSha256?: string;
  label?: 'positive' | 'negative' | 'none';
  areaId?: string;
  bbox?: readonly number[];
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

/** Detections matching the filter, newest first (the time filter is on the photo's capture time when known). */
export async function listDetections(q: Queryable, user: AuthUser, f: DetectionFilter): Promise<Page<Detection>> {
  const { params, p } = builder();
  const where: string[] = [];
  const scope = scopeSql(user, 'i.department_id', p);
  if (scope) where.push(scope);
  if (f.class) where.push(`d.class = ANY(${p(f.class)}::text[])`);
  if (f.state)
    where.push(
      `EXISTS (SELECT 1 FROM incidents n WHERE n.id = d.incident_id AND n.review_state = ANY(${p(f.state)}::text[]))`,
    );
  if (f.minScore !== undefined) where.push(`d.score >= ${p(f.minScore)}::float8`);
  if (f.maxScore !== undefined) where.push(`d.score <= ${p(f.maxScore)}::float8`);
  if (f.flightId) where.push(`i.flight_id = ${p(f.flightId)}`);
  if (f.incidentId) where.push(`d.incident_id = ${p(f.incidentId)}`);
  if (f.imageSha256) where.push(`d.image_sha256 = ${p(f.imageSha256)}`);
  if (f.label === 'none') where.push('NOT EXISTS (SELECT 1 FROM detection_labels l WHERE l.detection_id = d.id)');
  else if (f.label)
    where.push(
      `(SELECT l.label FROM detection_labels l WHERE l.detection_id = d.id ORDER BY l.id DESC LIMIT 1) = ${p(f.label)}`,
    );
  if (f.areaId) where.push(`ST_Intersects(d.geom, (SELECT a.geom FROM areas a WHERE a.id = ${p(f.areaId)}))`);
  if (f.bbox) where.push(`d.geom && ST_MakeEnvelope(${f.bbox.map((v) => p(v)).join(', ')}, 4326)`);
  if (f.from) where.push(`COALESCE(i.taken_at, d.created_at) >= ${p(f.from)}`);
  if (f.to) where.push(`COALESCE(i.taken_at, d.created_at) < ${p(f.to)}`);
  const from = 'detections d JOIN images i ON i.sha256 = d.image_sha256';
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const totalParams = [...params];
  const key = decodeTimeCursor(f.cursor);
  const pageWhere = [...where];
  if (key) pageWhere.push(`(d.created_at, d.id) < (${p(key[0])}::timestamptz, ${p(key[1])})`);
  const limit = p(f.limit + 1);
  const [total, rows] = await Promise.all([
    q.query<{ n: string }>(`SELECT count(*) AS n FROM ${from} ${filter}`, totalParams),
    q.query<Row>(
      `SELECT ${DETECTION_COLUMNS}, ${cursorTime('d.created_at')} FROM ${from} ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ${limit}`,
      params,
    ),
  ]);
  const page = pageFrom(rows.rows, f.limit, (r) => [r.cursor_at as string, r.id as string]);
  return { items: page.rows.map(toDetection), total: Number(total.rows[0]?.n ?? 0), nextCursor: page.nextCursor };
}

/** A detection the user may see, with what serving its crop needs, or 404. */
export async function loadDetection(
  q: Queryable,
  user: AuthUser,
  id: string,
): Promise<{ detection: Detection; storedPath: string; cropPath: string | null }> {
  const { params, p } = builder();
  const where = [`d.id = ${p(id)}`];
  const scope = scopeSql(user, 'i.department_id', p);
  if (scope) where.push(scope);
  const r = await q.query<Row>(
    `SELECT ${DETECTION_COLUMNS}, i.stored_path, d.crop_path FROM detections d JOIN images i ON i.sha256 = d.image_sha256
      WHERE ${where.join(' AND ')}`,
    params,
  );
  const row = r.rows[0];
  if (!row) throw notFound(`detection ${id}`);
  return {
    detection: toDetection(row),
    storedPath: row.stored_path as string,
    cropPath: (row.crop_path as string | null) ?? null,
  };
}
