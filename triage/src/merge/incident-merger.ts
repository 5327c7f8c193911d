/**
 * Merging detections of the same class that lie close together on the ground — across photos and
 * across flights — into incidents. In memory; a store can seed it with known incidents so a new
 * flight over a known incident adds evidence instead of a new incident.
 */
import { localFrame, toLocal } from '@xuncha/geodata';
import type { TriageClass } from '../model/manifest.ts';
import type { BoxPx } from '../model/nms.ts';

/** One detection that took part in an incident. */
export interface Evidence {
  photoId: string;
  score: number;
  box: BoxPx;
  lon: number;
  lat: number;
  errorM: number;
}

/** A merged incident. */
export interface Incident {
  id: string;
  cls: TriageClass;
  /** Inverse-variance weighted mean of the evidence positions. */
  lon: number;
  lat: number;
  /** 1-sigma horizontal error of the merged position, metres. */
  errorM: number;
  /** Highest detection score among the evidence. */
  score: number;
  /** The best evidence (highest score, then smallest error): its photo gives the evidence crop. */
  best: Evidence;
  evidence: Evidence[];
  /** Distinct photos that contributed, in the order they came. */
  photoIds: string[];
}

/** Options of {@link IncidentMerger}. */
export interface MergerOptions {
  /** Detections of a class within this distance (metres) of an incident join it. Default 25 m. */
  distanceM?: number;
  /** Id for a new incident; default `inc-<n>`. */
  newId?: (n: number) => string;
}

function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const p = toLocal(localFrame(a.lon, a.lat), b.lon, b.lat);
  return Math.hypot(p.eastM, p.northM);
}

function recompute(inc: Incident): void {
  let w = 0;
  let lon = 0;
  let lat = 0;
  for (const e of inc.evidence) {
    const wi = 1 / Math.max(0.01, e.errorM) ** 2;
    w += wi;
    lon += wi * e.lon;
    lat += wi * e.lat;
  }
  inc.lon = lon / w;
  inc.lat = lat / w;
  inc.errorM = Math.sqrt(1 / w);
}

/** Greedy nearest-incident merging, one class at a time. */
export class IncidentMerger {
  private readonly incidents: Incident[] = [];
  private readonly distanceM: number;
  private readonly newId: (n: number) => string;
  private counter = 0;

  constructor(options: MergerOptions = {}, known: Incident[] = []) {
    this.distanceM = options.distanceM ?? 25;
    this.newId = options.newId ?? ((n) => `inc-${n}`);
    for (const k of known) this.incidents.push({ ...k, evidence: [...k.evidence], photoIds: [...k.photoIds] });
  }

  /** Adds one located detection; returns the incident it joined and whether that incident is new. */
  add(cls: TriageClass, e: Evidence): { incident: Incident; created: boolean } {
    let nearest: Incident | null = null;
    let nearestM = Infinity;
    for (const inc of this.incidents) {
      if (inc.cls !== cls) continue;
      const d = metresBetween(inc, e);
      if (d <= this.distanceM && d < nearestM) {
        nearest = inc;
        nearestM = d;
      }
    }
    if (!nearest) {
      const incident: Incident = {
        id: this.newId(++this.counter),
        cls,
        lon: e.lon,
        lat: e.lat,
        errorM: e.errorM,
        score: e.score,
        best: e,
        evidence: [e],
        photoIds: [e.photoId],
      };
      this.incidents.push(incident);
      return { incident, created: true };
    }
    nearest.evidence.push(e);
    if (!nearest.photoIds.includes(e.photoId)) nearest.photoIds.push(e.photoId);
    if (e.score > nearest.best.score || (e.score === nearest.best.score && e.errorM < nearest.best.errorM))
      nearest.best = e;
    nearest.score = Math.max(nearest.score, e.score);
    recompute(nearest);
    return { incident: nearest, created: false };
  }

  /** All incidents so far. */
  list(): Incident[] {
    return this.incidents;
  }
}
