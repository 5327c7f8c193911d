/**
 * Shapes of answers that the contract does not describe yet (cases, stats, fleet stream, flights). Issue 19.4 moves
 * them into `@xuncha/mission-service/contract`; until then they are typed here, next to the one client that reads
 * them, and nowhere else.
 */
import type { DroneLiveStatus } from '@xuncha/mission-service/contract';

export const CASE_STATES = [
  'new',
  'accepted',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'rejected',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CASE_CATEGORIES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];

export interface CaseView {
  id: string;
  category: string;
  state: CaseState;
  source: string;
  severity: 'urgent' | 'normal';
  /** [lon, lat] WGS84 (normalised by the client whatever shape the service sends). */
  point: [number, number];
  groundPolygon: GeoJSON.Polygon | null;
  confidence: number | null;
  departmentId: string | null;
  assistDepartmentIds: string[];
  description: string | null;
  address: string | null;
  evidence: unknown;
  reportCount: number;
  acceptDueAt: string | null;
  dispatchDueAt: string | null;
  resolveDueAt: string | null;
  acceptedAt: string | null;
  dispatchedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  escalationLevel: number;
  gridCode: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * A case as the dispatcher's map and list hold it (`GET /api/cases/map`): what a pin and a list row show. Times are
 * milliseconds since 1970 (the map answer's form) or ISO strings (a full case turned into a pin).
 */
export interface CasePin {
  id: string;
  state: CaseState;
  category: string;
  severity: 'urgent' | 'normal';
  /** [lon, lat] WGS84. */
  point: [number, number];
  createdAt: number | string;
  acceptedAt: number | string | null;
  dispatchedAt: number | string | null;
  acceptDueAt: number | string | null;
  dispatchDueAt: number | string | null;
  resolveDueAt: number | string | null;
}

export interface CaseMapFilter {
  states?: CaseState[];
  category?: string;
  text?: string;
  /** Only these cases (the live map's look-up of changed cases; at most `CASE_MAP_IDS_MAX`). */
  ids?: readonly string[];
}

export interface CaseEvent {
  id: number;
  at: string;
  /** The actor's id (a user id, or `system:<what>` for the service). */
  actor: string;
  /** The actor's name for people (display name, else user name; the service as such). */
  actorName: string;
  actorRoles: string[];
  kind: string;
  action: string | null;
  fromState: CaseState | null;
  toState: CaseState;
  /** The lead department after the event (a dispatch or reassignment names the new one). */
  departmentId: string | null;
  note: string | null;
}

export interface CaseDetail {
  case: CaseView;
  events: CaseEvent[];
  reports: unknown[];
}

/** The statistics of the API (`GET /api/stats/cases`), as the contract defines them. */
export type { CaseStats, CaseStatsRow as StatsRow } from '@xuncha/mission-service/contract';

/** One drone in the fleet stream. */
export type FleetDrone = DroneLiveStatus & { droneId: string; name: string };
export interface FleetSnapshot {
  at: string;
  drones: FleetDrone[];
}

export interface FlightSummary {
  id: string;
  missionId: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** Plan document as geodata's planner writes it (only what the UI reads). */
export interface PlanDocument {
  pattern: string;
  camera?: string;
  drone?: string;
  altAglM?: number;
  speedMps?: number;
  launch?: { lon: number; lat: number };
  sorties: Array<{
    index: number;
    route: GeoJSON.LineString;
    lengthM: number;
    durationS: number;
    photoCount: number;
  }>;
  photos?: Array<{ footprint: GeoJSON.Polygon; sortie: number }>;
  stats: {
    areaM2?: number;
    coveredFraction?: number;
    lengthM?: number;
    durationS?: number;
    photoCount?: number;
    sortieCount?: number;
    laneSpacingM?: number;
    gsdCm?: number;
  };
  warnings: Array<{ code: string; message: string; featureId?: string }>;
}

export interface AppConfig {
  map: {
    hillshade: {
      url: string;
      coordinates: [[number, number], [number, number], [number, number], [number, number]];
    } | null;
    basemaps: Array<{
      id: string;
      label: string;
      tiles: string[];
      overlayTiles?: string[];
      attribution: string;
      maxzoom: number;
    }>;
    warnings: string[];
  };
  presets: {
    cameras: Array<{ name: string; label: string }>;
    drones: Array<{ name: string; label: string; defaultCamera: string }>;
  };
  demoUsers: string[];
  /** Demo mode is on (a banner on every page). */
  demo?: boolean;
}
