/**
 * The one module that speaks HTTP to the mission service. Views call these functions and never `fetch` directly,
 * so a change of the API's conventions (issue 19.4: ids, GeoJSON points, error shape, paging; 19.5: cookie session
 * and stream tokens) is absorbed here. Bodies are validated with the contract's zod schemas where it has them.
 */
import type {
  AREA_KINDS,
  IncidentSchema,
  REJECT_REASONS,
  CaseChangeSchema,
  MissionChangeSchema,
} from '@xuncha/mission-service/contract';
// First: zod must be jitless before the contract's schemas are built (strict CSP; see zod-csp.ts).
import '../zod-csp.ts';
import {
  AreaCollectionSchema,
  CalendarYearSchema,
  CaseDetailSchema,
  CaseMapSchema,
  CaseStatsSchema,
  FlightListSchema,
  LAYER_MAX_PAGE,
  DetectionStatsSchema,
  type DetectionStats,
  DepartmentSchema,
  AreaImportResultSchema,
  type AreaImportResult,
  IncidentDetailSchema,
  IncidentPageSchema,
  ImageSchema,
  ReviewResultSchema,
  type Image,
  DroneSchema,
  LoginResponseSchema,
  MissionSchema,
  NextOccurrencesSchema,
  OccurrenceSchema,
  pageOf,
  PlanSchema,
  PlanSummarySchema,
  ScheduleSchema,
  SessionUserSchema,
  type AreaInput,
  type CalendarYear,
  type CaseViewDto,
  type Drone,
  type LoginResponse,
  type Mission,
  type MissionAction,
  type Occurrence,
  type PlanInput,
  type PlanSummary,
  type Schedule,
  type ScheduleInput,
  type SessionUser,
  type PlanExportFormat,
} from '@xuncha/mission-service/contract';
import { z } from 'zod';
import { ApiError, errorFromResponse, networkError } from './api-error.ts';
import { geoJsonFeatures } from './geojson-file.ts';
import { collectPages } from './paging.ts';
import { openStream, type StreamHandlers } from './sse.ts';
import type {
  AppConfig,
  CaseDetail,
  CaseMapFilter,
  CasePin,
  CaseStats,
  CaseView,
  FlightSummary,
  FleetSnapshot,
  PlanDocument,
} from './types.ts';

export { ApiError } from './api-error.ts';
export type AreaImportCrs = 'wgs84' | 'gcj02' | 'bd09';
export type AreaKind = (typeof AREA_KINDS)[number];
export type { AreaImportResult };
export type CaseChange = z.infer<typeof CaseChangeSchema>;
export type MissionChange = z.infer<typeof MissionChangeSchema>;

export interface ClientHooks {
  /** Whether the page believes it is signed in (the session itself is an HttpOnly cookie it cannot read). */
  signedIn(): boolean;
  /** The session's CSRF token, sent with every change (`X-CSRF-Token`). */
  csrfToken(): string | null;
  /** A new CSRF token was fetched (after the service refused an old one). */
  onCsrfToken?(token: string): void;
  /** A request came back 401 while signed in: the session expired or was revoked. */
  onSessionExpired(err: ApiError): void;
  /** Requests in flight went from 0 to 1 or back (global progress bar). */
  onBusy?(busy: boolean): void;
}

let hooks: ClientHooks = { signedIn: () => false, csrfToken: () => null, onSessionExpired: () => {} };
let inFlight = 0;

export function configureClient(h: ClientHooks): void {
  hooks = h;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query?: Query): string {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

async function send(
  method: string,
  path: string,
  opts: {
    query?: Query;
    body?: unknown;
    /** A file sent as it is (area import), with its media type; `body` is then left out. */
    file?: { bytes: Blob; type: string };
    signal?: AbortSignal;
    accept?: string;
  } = {},
): Promise<Response> {
  if (++inFlight === 1) hooks.onBusy?.(true);
  try {
    const attempt = async (csrf: string | null): Promise<Response> => {
      try {
        // The session cookie goes along by itself (same origin); a change also carries the CSRF token.
        return await fetch(url(path, opts.query), {
          method,
          credentials: 'same-origin',
          headers: {
            accept: opts.accept ?? 'application/json',
            ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(opts.file ? { 'content-type': opts.file.type } : {}),
            ...(csrf && !SAFE_METHODS.has(method) ? { 'x-csrf-token': csrf } : {}),
          },
          body: opts.file ? opts.file.bytes : opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
          signal: opts.signal,
        });
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        throw networkError(err);
      }
    };
    let res = await attempt(hooks.csrfToken());
    if (res.status === 403 && !SAFE_METHODS.has(method) && (hooks.signedIn() || path === '/api/auth/logout')) {
      // The page may hold a stale CSRF token (a new login in another tab): fetch the current one, try once more.
      const e = await errorFromResponse(res.clone());
      if (e.code === 'csrf_failed') {
        const fresh = await csrfToken().catch(() => null);
        if (fresh) {
          hooks.onCsrfToken?.(fresh);
          res = await attempt(fresh);
        }
      }
    }
    if (!res.ok) {
      const e = await errorFromResponse(res);
      if (e.status === 401 && hooks.signedIn() && path !== '/api/auth/login') hooks.onSessionExpired(e);
      throw e;
    }
    return res;
  } finally {
    if (--inFlight === 0) hooks.onBusy?.(false);
  }
}

async function json<T>(
  method: string,
  path: string,
  schema: z.ZodType<T> | null,
  opts: Parameters<typeof send>[2] = {},
): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json();
  if (!schema) return body as T;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ApiError(
      res.status,
      'unexpected_response',
      `服务返回的数据格式不符 / unexpected answer at ${i?.path.join('.')}: ${i?.message}`,
    );
  }
  return parsed.data;
}

/** The largest page the service gives (every list is paged: `{ items, total, nextCursor }`). */
const MAX_PAGE = 500;

/** Every item of a paged list, following `nextCursor` beyond the first page of 500. */
const allPages = <T>(path: string, schema: z.ZodType<T>, query: Query = {}, signal?: AbortSignal): Promise<T[]> =>
  collectPages((cursor) => json('GET', path, pageOf(schema), { query: { ...query, limit: MAX_PAGE, cursor }, signal }));

// ── session ──────────────────────────────────────────────────────────────────────────────────────────────
/** Logs in with the cookie session: the token stays in an HttpOnly cookie, the page keeps only the CSRF token. */
export const login = (username: string, password: string): Promise<LoginResponse> =>
  json('POST', '/api/auth/login', LoginResponseSchema, { body: { username, password, cookie: true } });
export const csrfToken = (): Promise<string> =>
  json('GET', '/api/auth/csrf', z.object({ csrfToken: z.string() })).then((r) => r.csrfToken);
export const logout = (): Promise<void> => json('POST', '/api/auth/logout', null);
export const me = (): Promise<SessionUser> =>
  json('GET', '/api/auth/me', z.object({ user: SessionUserSchema })).then((r) => r.user);

/** Bootstrap configuration of the page (map, presets, demo users); served by the web-app module, no login. */
let configOnce: Promise<AppConfig> | undefined;
/** The page's configuration (map, presets, demo mode), asked once per page load (again after a failure). */
export function appConfig(): Promise<AppConfig> {
  configOnce ??= json<AppConfig>('GET', '/app-config.json', null).catch((err: unknown) => {
    configOnce = undefined;
    throw err;
  });
  return configOnce;
}

// ── map layers and areas ────────────────────────────────────────────────────────────────────────────────
export type LayerKind = 'river' | 'farmland' | 'hillside' | 'nofly' | 'jurisdiction';
export const layer = (kind: LayerKind): Promise<GeoJSON.FeatureCollection> =>
  json('GET', `/api/layers/${kind}`, AreaCollectionSchema) as Promise<GeoJSON.FeatureCollection>;
/** Every feature of a layer, page after page (the map shows all of it, not the first page). */
export const layerFeatures = (kind: LayerKind): Promise<GeoJSON.Feature[]> =>
  collectPages(async (cursor) => {
    const page = await json('GET', `/api/layers/${kind}`, AreaCollectionSchema, {
      query: { limit: LAYER_MAX_PAGE, cursor },
    });
    return { items: page.features as GeoJSON.Feature[], nextCursor: page.nextCursor };
  });
export const createArea = (area: AreaInput): Promise<GeoJSON.Feature> =>
  json('POST', '/api/areas', null, { body: area });
/**
 * Imports an area file — GeoJSON (read here, features lacking a kind or name get `kind` and the file's name), KML,
 * KMZ or a zipped Shapefile (read by the service) — drawn in `crs`; the service converts it to WGS84, refuses
 * positions outside China for GCJ-02 / BD-09 and warns about areas that look offset. All or nothing.
 */
export async function importAreaFile(file: File, crs: AreaImportCrs, kind: AreaKind): Promise<AreaImportResult> {
  const query = { crs, kind };
  if (/\.(geo)?json$/i.test(file.name)) {
    const fc = geoJsonFeatures(await file.text(), file.name, kind);
    return json('POST', '/api/areas/import', AreaImportResultSchema, { query, body: fc });
  }
  return json('POST', '/api/areas/import', AreaImportResultSchema, {
    query,
    file: { bytes: file, type: 'application/octet-stream' },
  });
}
export const deleteArea = (id: string): Promise<void> => json('DELETE', `/api/areas/${encodeURIComponent(id)}`, null);

// ── drones, plans, missions ──────────────────────────────────────────────────────────────────────────────
export const drones = (): Promise<Drone[]> => allPages('/api/drones', DroneSchema);
export const connectDrone = (id: string): Promise<Drone> =>
  json('POST', `/api/drones/${encodeURIComponent(id)}/connect`, DroneSchema);

export const plans = (): Promise<PlanSummary[]> => allPages('/api/plans', PlanSummarySchema);
const PlanWithDocument = PlanSchema;
export type PlanRecord = PlanSummary & { document: PlanDocument };
const asPlan = (r: z.infer<typeof PlanWithDocument>) => r as unknown as PlanRecord;
export const plan = (id: string): Promise<PlanRecord> =>
  json('GET', `/api/plans/${encodeURIComponent(id)}`, PlanWithDocument).then(asPlan);
export const createPlan = (input: PlanInput, signal?: AbortSignal): Promise<PlanRecord> =>
  json('POST', '/api/plans', PlanWithDocument, { body: input, signal }).then(asPlan);
export const updatePlan = (id: string, input: PlanInput, signal?: AbortSignal): Promise<PlanRecord> =>
  json('PUT', `/api/plans/${encodeURIComponent(id)}`, PlanWithDocument, { body: input, signal }).then(asPlan);
export const deletePlan = (id: string): Promise<void> => json('DELETE', `/api/plans/${encodeURIComponent(id)}`, null);
/** The plan as a file: QGroundControl `.plan` for one sortie, or GeoJSON. */
export const exportPlan = (id: string, format: PlanExportFormat, sortie = 0): Promise<Blob> =>
  send('GET', `/api/plans/${encodeURIComponent(id)}/export`, { query: { format, sortie }, accept: '*/*' }).then((r) =>
    r.blob(),
  );

export const missions = (q: { droneId?: string; state?: string } = {}): Promise<Mission[]> =>
  json('GET', '/api/missions', pageOf(MissionSchema), { query: { ...q, limit: 50 } }).then((r) => r.items);
export const createMission = (planId: string, sortieIndex: number, droneId: string): Promise<Mission> =>
  json('POST', '/api/missions', MissionSchema, { body: { planId, sortieIndex, droneId } });
export const missionAction = (id: string, action: MissionAction): Promise<Mission> =>
  json('POST', `/api/missions/${encodeURIComponent(id)}/${action}`, MissionSchema);
/** The drone's latest flights (the first page, newest first). */
export const droneFlights = (droneId: string): Promise<FlightSummary[]> =>
  json('GET', `/api/drones/${encodeURIComponent(droneId)}/flights`, FlightListSchema).then((r) => r.items);
export const flightTrack = (flightId: string): Promise<GeoJSON.Feature<GeoJSON.LineString>> =>
  json('GET', `/api/flights/${encodeURIComponent(flightId)}/track`, null);

/** Is the session still valid? (true/false; throws when the service cannot answer). */
async function sessionValid(): Promise<boolean> {
  const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return true;
}

function stream(
  path: string,
  events: string[],
  onMessage: (event: string, data: unknown) => void,
  h: Omit<StreamHandlers, 'onMessage'>,
): () => void {
  return openStream(
    path,
    {
      ...h,
      onMessage: (m) => onMessage(m.event, JSON.parse(m.data)),
      onSessionEnded: () => {
        h.onSessionEnded?.();
        if (hooks.signedIn())
          hooks.onSessionExpired(
            new ApiError(401, 'session_ended', '登录已失效，请重新登录 / session ended: log in again'),
          );
      },
    },
    { events, check: sessionValid },
  );
}

/** Live fleet telemetry (a snapshot when something changed). Returns the function that closes the stream. */
export function fleetStream(
  onSnapshot: (s: FleetSnapshot) => void,
  h: Omit<StreamHandlers, 'onMessage'> = {},
): () => void {
  // Positions are GeoJSON Points `[lon, lat]`, the height above take-off beside them in `altRelM`.
  return stream('/api/fleet/telemetry', ['fleet'], (_e, d) => onSnapshot(d as FleetSnapshot), h);
}

/** Case and mission changes the user may see, as they happen. */
export function changeStream(
  topics: Array<'cases' | 'missions'>,
  on: { case?(c: CaseChange): void; mission?(m: MissionChange): void },
  h: Omit<StreamHandlers, 'onMessage'> = {},
): () => void {
  return stream(
    `/api/events?topics=${topics.join(',')}`,
    ['case', 'mission'],
    (e, d) => (e === 'case' ? on.case?.(d as CaseChange) : on.mission?.(d as MissionChange)),
    h,
  );
}

// ── schedules ────────────────────────────────────────────────────────────────────────────────────────────
export const schedules = (): Promise<Schedule[]> => allPages('/api/schedules', ScheduleSchema);
export const createSchedule = (input: ScheduleInput): Promise<Schedule> =>
  json('POST', '/api/schedules', ScheduleSchema, { body: input });
export const updateSchedule = (id: string, input: ScheduleInput): Promise<Schedule> =>
  json('PUT', `/api/schedules/${encodeURIComponent(id)}`, ScheduleSchema, { body: input });
export const setSchedulePaused = (id: string, paused: boolean): Promise<Schedule> =>
  json('POST', `/api/schedules/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`, ScheduleSchema);
export const deleteSchedule = (id: string): Promise<void> =>
  json('DELETE', `/api/schedules/${encodeURIComponent(id)}`, null);
/** Every occurrence still to come between two China-time dates (both included), as a calendar shows them. */
export const scheduleBetween = (id: string, fromDate: string, toDate: string): Promise<string[]> =>
  json('GET', `/api/schedules/${encodeURIComponent(id)}/next`, NextOccurrencesSchema, {
    query: { from: fromDate, to: toDate },
  }).then((r) => r.next);
// ── working calendar ──────────────────────────────────────────────────────────────────────────────────────
export const calendarYear = (year: number): Promise<CalendarYear> =>
  json('GET', `/api/calendar/${year}`, CalendarYearSchema);
/** Replaces every override of the year and marks its schedule published (admins). */
export const publishCalendarYear = (
  year: number,
  body: { days: { day: string; isWorkday: boolean; name: string | null }[] },
): Promise<CalendarYear> =>
  json('PUT', `/api/calendar/${year}`, CalendarYearSchema, { query: { replace: 'true' }, body });

export const occurrences = (id: string): Promise<Occurrence[]> =>
  allPages(`/api/schedules/${encodeURIComponent(id)}/occurrences`, OccurrenceSchema);

// ── cases ────────────────────────────────────────────────────────────────────────────────────────────────
/** The service sends a case's place as a GeoJSON Point (`position`); views use `point` = [lon, lat]. */
function normaliseCase({ position, ...c }: CaseViewDto): CaseView {
  return { ...c, point: position.coordinates };
}

/**
 * Every case of the filter for the dispatcher's map and list, in one compressed answer of columns (10,000 open
 * cases: one request instead of 20 pages of full cases). `truncated`: more matched than the answer holds.
 */
export async function caseMap(
  filter: CaseMapFilter = {},
  signal?: AbortSignal,
): Promise<{ pins: CasePin[]; total: number; truncated: boolean }> {
  const m = await json('GET', '/api/cases/map', CaseMapSchema, {
    query: {
      state: filter.states?.join(','),
      category: filter.category,
      text: filter.text?.trim(),
      ids: filter.ids?.join(','),
    },
    signal,
  });
  const pins: CasePin[] = m.id.map((id, i) => ({
    id,
    state: m.state[i]!,
    category: m.category[i]!,
    severity: m.severity[i]!,
    point: [m.lon[i]!, m.lat[i]!],
    createdAt: m.createdAt[i]!,
    acceptedAt: m.acceptedAt[i] ?? null,
    dispatchedAt: m.dispatchedAt[i] ?? null,
    acceptDueAt: m.acceptDueAt[i] ?? null,
    dispatchDueAt: m.dispatchDueAt[i] ?? null,
    resolveDueAt: m.resolveDueAt[i] ?? null,
  }));
  return { pins, total: m.total, truncated: m.truncated };
}
/** Every department (who handles cases); every signed-in user may read them. */
export type Department = z.infer<typeof DepartmentSchema>;
export const departments = (): Promise<Department[]> => allPages('/api/departments', DepartmentSchema);
export const caseDetail = (id: string): Promise<CaseDetail> =>
  json('GET', `/api/cases/${encodeURIComponent(id)}`, CaseDetailSchema).then((d) => ({
    ...d,
    case: normaliseCase(d.case),
  }));
export const transitionCase = (
  id: string,
  action: string,
  opts: { note?: string; expectedState?: string } = {},
): Promise<unknown> =>
  json('POST', `/api/cases/${encodeURIComponent(id)}/transitions`, null, { body: { action, ...opts } });
export const escalateCase = (id: string, note: string): Promise<unknown> =>
  json('POST', `/api/cases/${encodeURIComponent(id)}/escalate-level`, null, { body: { note } });

// ── stats ────────────────────────────────────────────────────────────────────────────────────────────────
export const caseStats = (from: Date, to: Date): Promise<CaseStats> =>
  json('GET', '/api/stats/cases', CaseStatsSchema, { query: { from: from.toISOString(), to: to.toISOString() } });
/** Detections by class per China-time day (with confirmed and rejected counts). */
export const detectionStats = (from: Date, to: Date): Promise<DetectionStats> =>
  json('GET', '/api/stats/detections', DetectionStatsSchema, {
    query: { from: from.toISOString(), to: to.toISOString() },
  });
export const caseStatsFile = (from: Date, to: Date, format: 'csv' | 'xlsx'): Promise<Blob> =>
  send('GET', '/api/stats/cases', {
    query: { from: from.toISOString(), to: to.toISOString(), format },
    accept: '*/*',
  }).then((r) => r.blob());

// ── review (研判) ─────────────────────────────────────────────────────────────────────────────────────────
export type { Image };
export type Incident = z.infer<typeof IncidentSchema>;
export type IncidentDetail = z.infer<typeof IncidentDetailSchema>;
export type Detection = IncidentDetail['detections'][number];
export type RejectReason = (typeof REJECT_REASONS)[number];
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

/** One page of the review queue (待研判 first-come order as the service gives it). */
export const incidents = (
  q: {
    /** Review state(s), comma-separated; undefined: every state. */
    state?: string;
    class?: string;
    minScore?: number;
    flightId?: string;
    cursor?: string | null;
    limit?: number;
  } = { state: 'to_review' },
): Promise<{ items: Incident[]; total: number; nextCursor: string | null }> =>
  json('GET', '/api/incidents', IncidentPageSchema, {
    query: {
      state: q.state,
      class: q.class,
      minScore: q.minScore,
      flightId: q.flightId,
      limit: q.limit ?? 100,
      cursor: q.cursor,
    },
  });
export const incident = (id: string): Promise<IncidentDetail> =>
  json('GET', `/api/incidents/${encodeURIComponent(id)}`, IncidentDetailSchema);
export const confirmIncident = (id: string, body: { class?: string; note?: string } = {}): Promise<ReviewResult> =>
  json('POST', `/api/incidents/${encodeURIComponent(id)}/confirm`, ReviewResultSchema, { body });
export const rejectIncident = (id: string, reason: RejectReason, note?: string): Promise<ReviewResult> =>
  json('POST', `/api/incidents/${encodeURIComponent(id)}/reject`, ReviewResultSchema, {
    body: { reason, ...(note ? { note } : {}) },
  });
export const changeIncidentClass = (id: string, cls: string): Promise<ReviewResult> =>
  json('POST', `/api/incidents/${encodeURIComponent(id)}/class`, ReviewResultSchema, { body: { class: cls } });
/** Every incident of a case (drone findings filed into it), with their detections and evidence crops. */
export const caseIncidents = (caseId: string): Promise<IncidentDetail[]> =>
  collectPages((cursor) =>
    json('GET', `/api/cases/${encodeURIComponent(caseId)}/incidents`, pageOf(IncidentDetailSchema), {
      query: { limit: MAX_PAGE, cursor },
    }),
  );
/** A photo's record (where it was taken, its size, its flight). */
export const image = (sha256: string): Promise<Image> =>
  json('GET', `/api/images/${encodeURIComponent(sha256)}`, ImageSchema);
