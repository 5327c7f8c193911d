/**
 * Scores the cases a patrol filed against the incidents the scenario planted (its ground truth): each planted
 * incident should be filed exactly once (a case of its class near it), false cases are counted per 10 km² flown,
 * and the ground-position error is the distance from a matched case to its incident. Pure: no I/O.
 */
import { localFrame, toLocal } from '@xuncha/geodata';

export interface PlantedIncident {
  id: string;
  class: string;
  lon: number;
  lat: number;
  /** Half the incident's largest extent, metres (a case anywhere on it counts). */
  extentM: number;
}

export interface FiledCase {
  id: string;
  category: string;
  lon: number;
  lat: number;
}

/** Cases as `GET /api/cases` lists them (`position` a GeoJSON point), as the score takes them. */
export function filedCases(
  items: readonly { id: string; category: string; position: { coordinates: number[] } }[],
): FiledCase[] {
  return items.map((c) => ({
    id: c.id,
    category: c.category,
    lon: c.position.coordinates[0]!,
    lat: c.position.coordinates[1]!,
  }));
}

export interface ScoreOptions {
  /** The area flown over, km² (the rate of false cases is per 10 km² of it). */
  flownKm2: number;
  /** How far outside an incident's extent a case may lie and still be the incident's. Default 15 m. */
  slackM?: number;
}

export interface Thresholds {
  /** Cases allowed per planted incident (exactly one). */
  everyIncidentOnce: true;
  maxFalsePer10Km2: number;
  maxMedianErrorM: number;
}

export const ISSUE_THRESHOLDS: Thresholds = { everyIncidentOnce: true, maxFalsePer10Km2: 1, maxMedianErrorM: 5 };

export interface Score {
  planted: number;
  cases: number;
  /** Per planted incident: how many cases were filed for it, and the error of the nearest one. */
  incidents: { id: string; class: string; cases: number; errorM: number | null }[];
  missed: string[];
  duplicated: string[];
  falseCases: string[];
  flownKm2: number;
  falsePer10Km2: number;
  medianErrorM: number | null;
  meets: { everyIncidentOnce: boolean; falseRate: boolean; medianError: boolean };
}

export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const p = toLocal(localFrame(a.lon, a.lat), b.lon, b.lat);
  return Math.hypot(p.eastM, p.northM);
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Each case goes to the nearest planted incident of its class whose extent (plus slack) holds it; a case that
 * belongs to none is false.
 */
export function scoreCases(
  planted: readonly PlantedIncident[],
  cases: readonly FiledCase[],
  o: ScoreOptions,
  thresholds: Thresholds = ISSUE_THRESHOLDS,
): Score {
  if (!(o.flownKm2 > 0)) throw new RangeError(`flownKm2 must be positive, got ${o.flownKm2}`);
  const slackM = o.slackM ?? 15;
  const matched = new Map<string, { caseId: string; errorM: number }[]>(planted.map((p) => [p.id, []]));
  const falseCases: string[] = [];
  for (const c of cases) {
    let best: { id: string; errorM: number } | null = null;
    for (const p of planted) {
      if (p.class !== c.category) continue;
      const d = metresBetween(p, c);
      if (d <= p.extentM + slackM && (!best || d < best.errorM)) best = { id: p.id, errorM: d };
    }
    if (best) matched.get(best.id)!.push({ caseId: c.id, errorM: best.errorM });
    else falseCases.push(c.id);
  }
  const incidents = planted.map((p) => {
    const m = matched.get(p.id)!;
    return {
      id: p.id,
      class: p.class,
      cases: m.length,
      errorM: m.length ? Math.min(...m.map((x) => x.errorM)) : null,
    };
  });
  const errors = incidents.flatMap((i) => (i.errorM === null ? [] : [i.errorM]));
  const falsePer10Km2 = (falseCases.length / o.flownKm2) * 10;
  const medianErrorM = median(errors);
  const missed = incidents.filter((i) => i.cases === 0).map((i) => i.id);
  const duplicated = incidents.filter((i) => i.cases > 1).map((i) => i.id);
  return {
    planted: planted.length,
    cases: cases.length,
    incidents,
    missed,
    duplicated,
    falseCases,
    flownKm2: o.flownKm2,
    falsePer10Km2,
    medianErrorM,
    meets: {
      everyIncidentOnce: missed.length === 0 && duplicated.length === 0,
      falseRate: falsePer10Km2 <= thresholds.maxFalsePer10Km2,
      medianError: medianErrorM !== null && medianErrorM <= thresholds.maxMedianErrorM,
    },
  };
}
