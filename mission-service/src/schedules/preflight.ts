import type { Queryable } from '../db/db.ts';
import { liveStatus, type DroneLinkManager } from '../drones/link-port.ts';

/** Wind at the patrol area, m/s, or null when unknown. Pluggable (a weather service, an anemometer). */
export type WindSource = (at: { lon: number; lat: number } | null) => Promise<number | null>;

export interface PreflightOptions {
  links?: DroneLinkManager;
  wind?: WindSource;
  /** Lowest battery to take off with. Default 80 %. */
  minBatteryPct?: number;
}

export interface PreflightResult {
  ok: boolean;
  /** Why not, Chinese first, English beside (one line per failed check). */
  reasons: string[];
}

/**
 * Pre-flight checks for one drone before a scheduled patrol: connected, battery, no flight in progress,
 * wind within the schedule's limit (unknown wind fails a limit: no guessing with a drone in the air).
 */
export async function preflight(
  db: Queryable,
  droneId: string,
  maxWindMps: number | null,
  at: { lon: number; lat: number } | null,
  opts: PreflightOptions,
): Promise<PreflightResult> {
  const reasons: string[] = [];
  const status = liveStatus(opts.links, droneId);
  const minBattery = opts.minBatteryPct ?? 80;
  if (!status.connected) reasons.push(`${droneId}: 无人机未连接 / drone not connected`);
  else if (status.batteryPct === undefined) reasons.push(`${droneId}: 电量未知 / battery level unknown`);
  else if (status.batteryPct < minBattery) {
    reasons.push(`${droneId}: 电量不足 ${status.batteryPct.toFixed(0)}% < ${minBattery}% / battery too low`);
  }
  const busy = await db.query(
    `SELECT 1 FROM missions WHERE drone_id = $1 AND state IN ('uploading', 'uploaded', 'flying') LIMIT 1`,
    [droneId],
  );
  if (busy.rows.length) reasons.push(`${droneId}: 正在执行任务 / a flight is already in progress`);
  if (maxWindMps !== null) {
    const wind = opts.wind ? await opts.wind(at) : null;
    if (wind === null) reasons.push(`风速未知 / wind unknown (limit ${maxWindMps} m/s)`);
    else if (wind > maxWindMps) reasons.push(`风速过大 ${wind} > ${maxWindMps} m/s / wind above limit`);
  }
  return { ok: reasons.length === 0, reasons };
}
