import { parseMissionItems, type MissionItem } from './mission-items.ts';

/**
 * The planner's mission items (`@xuncha/geodata` plan schema: `seq`, nullable params meaning "unset")
 * or our own MissionItem: normalize to MissionItem. Null params become NaN, MAVLink's "unset"; `seq` is
 * dropped because the transfer numbers items itself.
 */
export function missionItemsFromPlan(items: readonly unknown[]): MissionItem[] {
  const normalized = items.map((raw) => {
    if (raw === null || typeof raw !== 'object') return raw;
    const { seq: _seq, ...rest } = raw as Record<string, unknown>;
    for (const p of ['param1', 'param2', 'param3', 'param4', 'z'] as const) {
      if (rest[p] === null) rest[p] = Number.NaN;
    }
    if (rest.autocontinue === undefined) rest.autocontinue = 1;
    return rest;
  });
  return parseMissionItems(normalized);
}
