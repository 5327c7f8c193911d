/**
 * The one module that speaks HTTP to the mission service. Views call these functions and never `fetch` directly,
 * so a change of the API's conventions (issue 19.4: ids, GeoJSON points, error shape, paging; 19.5: cookie session
 * and stream tokens) is absorbed here. Bodies are validated with the contract's zod schemas where it has them.
 */
import {
  AreaCollectionSchema,
  DroneSchema,
  LoginResponseSchema,
  MissionSchema,
  OccurrenceSchema,
  pageOf,
  PlanSchema,
  PlanSummarySchema,
  ScheduleSchema,
  SessionUserSchema,
  type AreaInput,
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
import { openStream, type StreamHandlers } from './sse.ts';
import type {
  AppConfig,
  CaseDetail,
  CaseListFilter,
  CaseStats,
  CaseView,
  FlightSummary,
  FleetSnapshot,
  PlanDocument,
  ReviewItem,
} from './types.ts';

export { ApiError } from './api-error.ts';

export interface ClientHooks {
  /** The bearer token of the current session, if any. */
  token(): string | null;
  /** A request came back 401 with a token: the session expired or was revoked. */
  onSessionExpired(err: ApiError): void;
  /** Requests in flight went from 0 to 1 or back (global progress bar). */
  onBusy?(busy: boolean): void;
}

let hooks: ClientHooks = { token: () => null, onSessionExpired: () => {} };
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

function headers(extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', ...extra };
  const t = hooks.token();
  if (t) h.authorization = `Bearer ${t}`;
  return h;
}

async function send(
  method: string,
  path: string,
  opts: { query?: Query; body?: unknown; signal?: AbortSignal; accept?: string } = {},
): Promise<Response> {
  if (++inFlight === 1) hooks.onBusy?.(true);
  try {
    let res: Response;
    try {
      res = await fetch(url(path, opts.query), {
        method,
        headers: headers({
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(opts.accept ? { accept: opts.accept } : {}),
        }),
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        signal: opts.signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw networkError(err);
    }
    if (!res.ok) {
      const e = await errorFromResponse(res);
      if (e.status === 401 && hooks.token()) hooks.onSessionExpired(e);
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

/** A position in any of the shapes the API uses today (array, {lon,lat}, GeoJSON Point) as [lon, lat]. */
export function toLonLat(p: unknown): [number, number] | null {
  if (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number') return [p[0], p[1]];
  if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    if (o.type === 'Point' && Array.isArray(o.coordinates)) return toLonLat(o.coordinates);
    if (typeof o.lon === 'number' && typeof o.lat === 'number') return [o.lon, o.lat];
  }
  return null;
}

/** The largest page the service gives (every list is paged: `{ items, total, nextCursor }`). */
const MAX_PAGE = 500;

// ── session ──────────────────────────────────────────────────────────────────────────────────────────────
export const login = (username: string, password: string): Promise<LoginResponse> =>
  json('POST', '/api/auth/login', LoginResponseSchema, { body: { username, password } });
export const logout = (): Promise<void> => json('POST', '/api/auth/logout', null);
export const me = (): Promise<SessionUser> =>
  json('GET', '/api/auth/me', z.object({ user: SessionUserSchema })).then((r) => r.user);

/** Bootstrap configuration of the page (map, presets, demo users); served by the web-app module, no login. */
export const appConfig = (): Promise<AppConfig> => json('GET', '/app-config.json', null);

// ── map layers and areas ────────────────────────────────────────────────────────────────────────────────
export type LayerKind = 'river' | 'farmland' | 'hillside' | 'nofly' | 'jurisdiction';
/** Absolute URL of a layer's GeoJSON (the map fetches it itself; layers need no login). */
export const layerUrl = (kind: LayerKind): string => new URL(`/api/layers/${kind}`, location.origin).href;
export const layer = (kind: LayerKind): Promise<GeoJSON.FeatureCollection> =>
  json('GET', `/api/layers/${kind}`, AreaCollectionSchema) as Promise<GeoJSON.FeatureCollection>;
export const createArea = (area: AreaInput): Promise<GeoJSON.Feature> =>
  json('POST', '/api/areas', null, { body: area });
export const deleteArea = (id: string): Promise<void> => json('DELETE', `/api/areas/${encodeURIComponent(id)}`, null);

// ── drones, plans, missions ──────────────────────────────────────────────────────────────────────────────
export const drones = (): Promise<Drone[]> =>
  json('GET', '/api/drones', pageOf(DroneSchema), { query: { limit: MAX_PAGE } }).then((r) => r.items);
export const connectDrone = (id: string): Promise<Drone> =>
  json('POST', `/api/drones/${encodeURIComponent(id)}/connect`, DroneSchema);

export const plans = (): Promise<PlanSummary[]> =>
  json('GET', '/api/plans', pageOf(PlanSummarySchema), { query: { limit: MAX_PAGE } }).then((r) => r.items);
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
export const droneFlights = (droneId: string): Promise<FlightSummary[]> =>
  json<{ items: FlightSummary[] }>('GET', `/api/drones/${encodeURIComponent(droneId)}/flights`, null).then(
    (r) => r.items,
  );
export const flightTrack = (flightId: string): Promise<GeoJSON.Feature<GeoJSON.LineString>> =>
  json('GET', `/api/flights/${encodeURIComponent(flightId)}/track`, null);

/** Live fleet telemetry (one snapshot a second). Returns the function that closes the stream. */
export function fleetStream(
  onSnapshot: (s: FleetSnapshot) => void,
  h: Omit<StreamHandlers, 'onMessage'> = {},
): () => void {
  return openStream(
    (signal) => fetch('/api/fleet/telemetry', { headers: headers({ accept: 'text/event-stream' }), signal }),
    {
      ...h,
      onMessage: (m) => {
        if (m.event !== 'fleet') return;
        // Positions are GeoJSON Points `[lon, lat]`, the height above take-off beside them in `altRelM`.
        onSnapshot(JSON.parse(m.data) as FleetSnapshot);
      },
      onFatal: (status, res) => {
        if (status === 401 && hooks.token()) void errorFromResponse(res).then((e) => hooks.onSessionExpired(e));
        h.onFatal?.(status, res);
      },
    },
  );
}

// ── schedules ────────────────────────────────────────────────────────────────────────────────────────────
export const schedules = (): Promise<Schedule[]> =>
  json('GET', '/api/schedules', pageOf(ScheduleSchema), { query: { limit: MAX_PAGE } }).then((r) => r.items);
export const createSchedule = (input: ScheduleInput): Promise<Schedule> =>
  json('POST', '/api/schedules', ScheduleSchema, { body: input });
export const updateSchedule = (id: string, input: ScheduleInput): Promise<Schedule> =>
  json('PUT', `/api/schedules/${encodeURIComponent(id)}`, ScheduleSchema, { body: input });
export const setSchedulePaused = (id: string, paused: boolean): Promise<Schedule> =>
  json('POST', `/api/schedules/${encodeURIComponent(id)}/${paused ? 'pause' : 'resume'}`, ScheduleSchema);
export const deleteSchedule = (id: string): Promise<void> =>
  json('DELETE', `/api/schedules/${encodeURIComponent(id)}`, null);
export const scheduleNext = (id: string, count = 100): Promise<string[]> =>
  json('GET', `/api/schedules/${encodeURIComponent(id)}/next`, z.object({ next: z.array(z.string()) }), {
    query: { count },
  }).then((r) => r.next);
export const occurrences = (id: string): Promise<Occurrence[]> =>
  json('GET', `/api/schedules/${encodeURIComponent(id)}/occurrences`, pageOf(OccurrenceSchema), {
    query: { limit: MAX_PAGE },
  }).then((r) => r.items);

// ── cases ────────────────────────────────────────────────────────────────────────────────────────────────
/** The service sends a case's place as a GeoJSON Point (`position`); views use `point` = [lon, lat]. */
function normaliseCase(c: CaseView & { position?: unknown }): CaseView {
  return { ...c, point: toLonLat(c.position ?? c.point) ?? c.point };
}

const CASE_PAGE = MAX_PAGE;
/** Every case matching the filter, page by page (cursor paging; a page holds at most 500). */
export async function allCases(
  filter: CaseListFilter = {},
  maxCases = 20_000,
  signal?: AbortSignal,
): Promise<CaseView[]> {
  const out: CaseView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: CaseView[]; nextCursor: string | null } = await json('GET', '/api/cases', null, {
      query: {
        state: filter.states?.join(','),
        category: filter.category,
        bbox: filter.bbox?.join(','),
        limit: CASE_PAGE,
        cursor,
      },
      signal,
    });
    out.push(...page.items.map(normaliseCase));
    cursor = page.nextCursor;
  } while (cursor && out.length < maxCases);
  return out;
}
export const caseDetail = (id: string): Promise<CaseDetail> =>
  json<CaseDetail>('GET', `/api/cases/${encodeURIComponent(id)}`, null).then((d) => ({
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
  json('GET', '/api/stats/cases', null, { query: { from: from.toISOString(), to: to.toISOString() } });
export const caseStatsFile = (from: Date, to: Date, format: 'csv' | 'xlsx'): Promise<Blob> =>
  send('GET', '/api/stats/cases', {
    query: { from: from.toISOString(), to: to.toISOString(), format },
    accept: '*/*',
  }).then((r) => r.blob());

// ── review (研判) ─────────────────────────────────────────────────────────────────────────────────────────
/**
 * PLACEHOLDER until issue 19.2 lands: the officer's review queue (`GET /api/detections?state=to_review…`) does not
 * exist yet, so this answers `available: false` and no items. The view is built against this signature.
 */
export async function reviewQueuePlaceholder(): Promise<{ available: boolean; items: ReviewItem[] }> {
  return { available: false, items: [] };
}
/** PLACEHOLDER until issue 19.2: confirm / reject / change class of a detection. */
export async function reviewDecisionPlaceholder(
  _id: string,
  _decision: { action: 'confirm' | 'reject' | 'reclass'; className?: string; reason?: string },
): Promise<void> {
  throw new ApiError(
    501,
    'not_available',
    '研判接口尚未提供（议题 19.2）/ the review API is not available yet (issue 19.2)',
  );
}
