/**
 * The shapes the views work with. Answers the contract describes are its types (`@xuncha/mission-service/contract`,
 * validated by the client with the same schemas); what is here besides is the views' own form of them (a case's
 * place as [lon, lat]) or what the contract does not describe (the page's configuration, the planner's document).
 */
import type {
  CaseDetailSchema,
  CaseEventSchema,
  CaseViewDto,
  DroneLiveStatus,
  FlightSchema,
} from '@xuncha/mission-service/contract';
import type { z } from 'zod';

export { CASE_CATEGORIES, CASE_STATES, type CaseCategory, type CaseState } from '@xuncha/mission-service/contract';
import type { CaseState } from '@xuncha/mission-service/contract';

/** A case as the service sends it, its place (`position`, a GeoJSON Point) as `point` = [lon, lat] WGS84. */
export type CaseView = Omit<CaseViewDto, 'position'> & { point: [number, number] };
export type CaseEvent = z.infer<typeof CaseEventSchema>;
export type CaseDetail = Omit<z.infer<typeof CaseDetailSchema>, 'case'> & { case: CaseView };

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

/** The statistics of the API (`GET /api/stats/cases`), as the contract defines them. */
export type { CaseStats, CaseStatsRow as StatsRow } from '@xuncha/mission-service/contract';

/** One drone in the fleet stream. */
export type FleetDrone = DroneLiveStatus & { droneId: string; name: string };
export interface FleetSnapshot {
  at: string;
  drones: FleetDrone[];
}

export type FlightSummary = z.infer<typeof FlightSchema>;

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
