import { z } from 'zod';
import type { Plan } from '../plan-schema.ts';
import {
  fromDegE7,
  isNavWithPosition,
  MAV_FRAME,
  sequenceItems,
  toDegE7,
  type MissionItem,
} from '../planning/mavlink.ts';

/** Raised for a `.plan` file that cannot be imported; the message says why. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

const nullableNum = z.number().nullable();
const simpleItemSchema = z.object({
  type: z.literal('SimpleItem'),
  command: z.number().int(),
  frame: z.number().int(),
  params: z.array(nullableNum).length(7),
  autoContinue: z.boolean().default(true),
  doJumpId: z.number().optional(),
  /** QGC's altitude mode: 1 relative, 2 AMSL, 3 calculated above terrain, 4 terrain frame. */
  AltitudeMode: z.number().int().nullable().optional(),
  /** The altitude as entered, in the altitude mode's datum (above terrain for mode 3). */
  Altitude: nullableNum.optional(),
  /** Mode 3: the AMSL altitude QGC computed from its terrain data; null when it never got terrain. */
  AMSLAltAboveTerrain: nullableNum.optional(),
});

/** QGroundControl's AltitudeModeCalcAboveTerrain: AMSL altitude computed from the terrain under the item. */
const QGC_ALT_CALC_ABOVE_TERRAIN = 3;

/** Terrain heights for filling in altitudes an import file leaves to be computed (geodata's `Dem` fits). */
export interface ImportTerrain {
  elevationAt(lon: number, lat: number): number | null;
}

export interface ImportOptions {
  /**
   * A DEM: items whose AMSL altitude the file leaves to be computed from terrain (QGC AltitudeMode 3 without
   * AMSLAltAboveTerrain) get ground + altitude above terrain, with a warning naming each item. Without it
   * such items are refused.
   */
  dem?: ImportTerrain;
}

/** Warnings an import collects (altitudes computed from the DEM), in the plan's warning shape. */
export interface ImportWarning {
  code: 'altitude_from_dem';
  message: string;
}

const SUPPORTED_COMPLEX: Record<string, number[]> = {
  // QGroundControl survey item versions that embed TransectStyleComplexItem.Items.
  survey: [3, 4, 5],
  CorridorScan: [2, 3],
};

// Frames: .plan / WPL files use the non-INT MAV_FRAME values; Xuncha items use the INT family.
const FILE_TO_ITEM_FRAME: Record<number, number> = {
  0: MAV_FRAME.GLOBAL_INT,
  3: MAV_FRAME.GLOBAL_RELATIVE_ALT_INT,
  10: MAV_FRAME.GLOBAL_TERRAIN_ALT,
};
const ITEM_TO_FILE_FRAME: Record<number, number> = {
  [MAV_FRAME.GLOBAL_INT]: 0,
  [MAV_FRAME.GLOBAL_RELATIVE_ALT_INT]: 3,
  [MAV_FRAME.GLOBAL_TERRAIN_ALT]: 10,
  [MAV_FRAME.GLOBAL_TERRAIN_ALT_INT]: 10,
};

/** Item frame for a frame number read from a file. */
export function itemFrameFromFile(frame: number): number {
  return FILE_TO_ITEM_FRAME[frame] ?? frame;
}

/** File frame (non-INT) for an item frame. */
export function fileFrameFromItem(frame: number): number {
  return ITEM_TO_FILE_FRAME[frame] ?? frame;
}

/** Throws {@link PlanFormatError} naming `where` for a position outside ±90° / ±180° (no int32 degE7 holds it). */
export function assertLatLon(lat: number, lon: number, where: string): void {
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new PlanFormatError(
      `坐标超出范围 / position out of range at ${where}: lat ${lat}, lon ${lon} (expected lat ±90, lon ±180)`,
    );
  }
}

/** One row of a mission file (`.plan` SimpleItem or WPL line). */
export interface FileRow {
  frame: number;
  command: number;
  params: readonly (number | null)[];
  autoContinue: boolean;
  AltitudeMode?: number | null | undefined;
  Altitude?: number | null | undefined;
  AMSLAltAboveTerrain?: number | null | undefined;
}

/**
 * The altitude of a positioned item, never invented: the file's own value, or for QGC's "calculated above
 * terrain" mode without a computed AMSL value, the DEM's ground plus the altitude above terrain (with a
 * warning naming the item). Anything else missing is refused, naming the item and the reason.
 */
function itemAltitude(
  row: FileRow,
  lat: number,
  lon: number,
  where: string,
  opts: ImportOptions,
  warnings: ImportWarning[],
): { z: number; frame?: number } {
  const z = row.params[6];
  const calc = row.AltitudeMode === QGC_ALT_CALC_ABOVE_TERRAIN;
  if (!calc) {
    if (z === null || z === undefined || !Number.isFinite(z))
      fail(`${where} 没有高度 / ${where} has no altitude (params[6] is ${String(z)}); refusing to guess one`);
    return { z };
  }
  // Mode 3 writes the computed AMSL altitude into params[6] (frame GLOBAL); trust it only when QGC computed it.
  const amsl = row.AMSLAltAboveTerrain ?? (row.AMSLAltAboveTerrain === undefined ? z : null);
  if (amsl !== null && amsl !== undefined && Number.isFinite(amsl)) return { z: amsl, frame: MAV_FRAME.GLOBAL_INT };
  const agl = row.Altitude;
  if (agl === null || agl === undefined || !Number.isFinite(agl))
    fail(`${where} 的高度未设置 / ${where}: AltitudeMode 3 (calculated above terrain) without an Altitude`);
  if (!opts.dem)
    fail(
      `${where}：“离地计算”高度没有算出海拔（AMSLAltAboveTerrain 为空），拒绝导入 / ${where}: AltitudeMode 3 ` +
        `(calculated above terrain) but its AMSL altitude was never computed (AMSLAltAboveTerrain is null); ` +
        `save it again in QGroundControl with terrain data, or import with --dem to compute it`,
    );
  const ground = opts.dem.elevationAt(lon, lat);
  if (ground === null || !Number.isFinite(ground))
    fail(`${where} 不在 DEM 范围内 / ${where} (${lat}, ${lon}) lies outside the DEM: cannot compute its AMSL altitude`);
  const amslM = Math.round((ground + agl) * 100) / 100;
  warnings.push({
    code: 'altitude_from_dem',
    message:
      `${where} 的海拔高度由 DEM 计算：地面 ${ground.toFixed(1)} m + 离地 ${agl} m = ${amslM} m / ` +
      `${where}: AMSL altitude computed from the DEM: ground ${ground.toFixed(1)} m + ${agl} m above terrain = ${amslM} m`,
  });
  return { z: amslM, frame: MAV_FRAME.GLOBAL_INT };
}

/**
 * A mission item from a file row (`.plan` SimpleItem or WPL line): file frame → item frame, lat/lon of
 * positioned NAV commands → degE7 (checked with {@link assertLatLon}), their altitude never invented
 * (see {@link itemAltitude}).
 */
export function missionItemFromFile(
  row: FileRow,
  where: string,
  opts: ImportOptions = {},
  warnings: ImportWarning[] = [],
): MissionItem {
  const p = row.params;
  const hasPos = isNavWithPosition(row.command);
  const lat = p[4] ?? 0;
  const lon = p[5] ?? 0;
  if (hasPos) assertLatLon(lat, lon, where);
  const alt = hasPos ? itemAltitude(row, lat, lon, where, opts, warnings) : { z: p[6] ?? 0 };
  return {
    seq: 0,
    frame: alt.frame ?? itemFrameFromFile(row.frame),
    command: row.command,
    current: 0,
    autocontinue: row.autoContinue ? 1 : 0,
    param1: p[0] ?? null,
    param2: p[1] ?? null,
    param3: p[2] ?? null,
    param4: p[3] ?? null,
    x: hasPos ? toDegE7(lat) : Math.round(lat),
    y: hasPos ? toDegE7(lon) : Math.round(lon),
    z: alt.z,
  };
}

function fail(msg: string): never {
  throw new PlanFormatError(msg);
}

/**
 * Imports a QGroundControl `.plan` (JSON text) into a Xuncha plan document: simple items, survey /
 * corridor complex items through their embedded `TransectStyleComplexItem.Items`, planned home and
 * geofence polygons. Wrong versions, missing missions and items without embedded items are rejected, and so
 * is an item whose altitude is missing or was never computed (unless `opts.dem` computes it, with a warning).
 */
export function importQgcPlan(text: string, opts: ImportOptions = {}): Plan {
  const warnings: ImportWarning[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`不是 JSON / not JSON: ${(e as Error).message}`);
  }
  const top = z
    .object({
      fileType: z.string(),
      version: z.number(),
      mission: z.unknown().optional(),
      geoFence: z.unknown().optional(),
    })
    .safeParse(doc);
  if (!top.success) fail('不是 QGC .plan 文件 / not a QGroundControl .plan file (fileType/version missing)');
  if (top.data.fileType !== 'Plan') fail(`fileType 应为 "Plan" / fileType must be "Plan", got "${top.data.fileType}"`);
  if (top.data.version !== 1) fail(`不支持的 .plan 版本 / unsupported .plan version ${top.data.version} (expected 1)`);
  if (top.data.mission === undefined) fail('文件中没有任务 / the file has no mission');
  const mission = z
    .object({
      version: z.number(),
      items: z.array(z.record(z.string(), z.unknown())),
      plannedHomePosition: z.array(z.number().nullable()).min(2).max(3).optional(),
      cruiseSpeed: z.number().optional(),
      hoverSpeed: z.number().optional(),
    })
    .safeParse(top.data.mission);
  if (!mission.success)
    fail(
      `任务格式错误 / malformed mission: ${mission.error.issues[0]?.path.join('.')} ${mission.error.issues[0]?.message}`,
    );
  if (mission.data.version !== 2)
    fail(`不支持的任务版本 / unsupported mission version ${mission.data.version} (expected 2)`);
  const items: MissionItem[] = [];
  mission.data.items.forEach((raw, i) => {
    if (raw.type === 'SimpleItem') {
      const s = simpleItemSchema.safeParse(raw);
      if (!s.success)
        fail(
          `第 ${i} 项格式错误 / item ${i} malformed: ${s.error.issues[0]?.path.join('.')} ${s.error.issues[0]?.message}`,
        );
      items.push(missionItemFromFile(s.data, `item ${i}`, opts, warnings));
      return;
    }
    if (raw.type === 'ComplexItem') {
      const kind = String(raw.complexItemType);
      const versions = SUPPORTED_COMPLEX[kind];
      if (!versions) {
        fail(
          `第 ${i} 项：不支持复杂项 ${kind}（不含任务项）/ item ${i}: complex item "${kind}" is not supported (it carries no mission items)`,
        );
      }
      if (!versions.includes(Number(raw.version))) {
        fail(
          `第 ${i} 项：${kind} 版本 ${String(raw.version)} 不支持 / item ${i}: ${kind} version ${String(raw.version)} unsupported (supported ${versions.join(', ')})`,
        );
      }
      const tsci = raw.TransectStyleComplexItem as Record<string, unknown> | undefined;
      if (!tsci || !Array.isArray(tsci.Items)) {
        fail(
          `第 ${i} 项：${kind} 缺少 TransectStyleComplexItem.Items / item ${i}: ${kind} has no embedded TransectStyleComplexItem.Items`,
        );
      }
      tsci.Items.forEach((sub: unknown, j: number) => {
        const s = simpleItemSchema.safeParse(sub);
        if (!s.success) fail(`第 ${i}.${j} 项格式错误 / item ${i}.${j} malformed`);
        items.push(missionItemFromFile(s.data, `item ${i}.${j}`, opts, warnings));
      });
      return;
    }
    fail(`第 ${i} 项类型未知 / item ${i} has unknown type "${String(raw.type)}"`);
  });
  const home = mission.data.plannedHomePosition;
  const nav = items.filter((it) => isNavWithPosition(it.command) && (it.x !== 0 || it.y !== 0));
  const homeLat = home?.[0] ?? null;
  const homeLon = home?.[1] ?? null;
  if (homeLat !== null && homeLon !== null) assertLatLon(homeLat, homeLon, 'mission.plannedHomePosition');
  const launch =
    homeLat !== null && homeLon !== null && (homeLat !== 0 || homeLon !== 0)
      ? { lon: homeLon, lat: homeLat, ...(home?.[2] != null ? { altAmslM: home[2] } : {}) }
      : nav[0]
        ? { lon: fromDegE7(nav[0].y), lat: fromDegE7(nav[0].x) }
        : { lon: 0, lat: 0 };
  const coords: number[][] = [
    [launch.lon, launch.lat, 0],
    ...nav.map((it) => [fromDegE7(it.y), fromDegE7(it.x), it.z]),
  ];
  if (coords.length < 2) coords.push([launch.lon, launch.lat, 0]);
  const fence = z
    .object({
      version: z.number().optional(),
      polygons: z
        .array(z.object({ inclusion: z.boolean().default(true), polygon: z.array(z.array(z.number()).length(2)) }))
        .default([]),
    })
    .safeParse(top.data.geoFence ?? {});
  // A fence that cannot be read is refused, never dropped: flying the mission without it would be unsafe.
  if (!fence.success)
    fail(
      `地理围栏格式错误 / malformed geoFence: ${fence.error.issues[0]?.path.join('.')} ${fence.error.issues[0]?.message}`,
    );
  const polygons = fence.data.polygons.map((p, k) => {
    if (p.polygon.length < 3) fail(`地理围栏多边形少于 3 个顶点 / geoFence.polygons.${k} has fewer than 3 vertices`);
    const ring = p.polygon.map(([lat, lon]) => {
      assertLatLon(lat!, lon!, `geoFence.polygons.${k}`);
      return [lon!, lat!];
    });
    ring.push([...ring[0]!]);
    return { inclusion: p.inclusion, polygon: { type: 'Polygon' as const, coordinates: [ring] } };
  });
  let lengthM = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1]!;
    const b = coords[i]!;
    const dy = (b[1]! - a[1]!) * 111_320;
    const dx = (b[0]! - a[0]!) * 111_320 * Math.cos((a[1]! * Math.PI) / 180);
    lengthM += Math.hypot(dx, dy);
  }
  const speed = mission.data.cruiseSpeed && mission.data.cruiseSpeed > 0 ? mission.data.cruiseSpeed : 10;
  const seq = sequenceItems(items);
  const altitudeMode = seq.some((it) => it.frame === MAV_FRAME.GLOBAL_INT)
    ? 'amsl'
    : seq.some((it) => it.frame === MAV_FRAME.GLOBAL_TERRAIN_ALT)
      ? 'terrain'
      : 'relative';
  return {
    version: 1,
    pattern: 'imported',
    camera: 'unknown',
    drone: 'unknown',
    launch,
    altitudeMode,
    altAglM: nav[0]?.z ?? 0,
    speedMps: speed,
    sorties:
      seq.length === 0
        ? []
        : [
            {
              index: 0,
              route: { type: 'LineString', coordinates: coords },
              items: seq,
              lengthM,
              durationS: lengthM / speed,
              photoCount: 0,
            },
          ],
    photos: [],
    stats: {
      areaM2: 0,
      coveredFraction: 0,
      lengthM,
      durationS: lengthM / speed,
      photoCount: 0,
      sortieCount: seq.length === 0 ? 0 : 1,
      laneSpacingM: 0,
      triggerDistanceM: 0,
      gsdCm: 0,
    },
    warnings,
    geofence: { polygons },
  };
}

export interface QgcExportOptions {
  /** Which sortie to write (default 0). */
  sortie?: number;
  /** MAV_AUTOPILOT of the target: 12 PX4 (default), 3 ArduPilot. */
  firmwareType?: number;
  /** MAV_TYPE (2 = quadrotor). */
  vehicleType?: number;
}

/** Writes one sortie of a plan as a QGroundControl `.plan` (version 1, mission version 2, geofence version 2). */
export function exportQgcPlan(plan: Plan, o: QgcExportOptions = {}): string {
  const idx = o.sortie ?? 0;
  const sortie = plan.sorties[idx];
  if (!sortie)
    throw new PlanFormatError(`没有第 ${idx + 1} 架次 / plan has no sortie ${idx + 1} (it has ${plan.sorties.length})`);
  const items = sortie.items.map((it, i) => {
    const hasPos = isNavWithPosition(it.command);
    const frame = fileFrameFromItem(it.frame);
    const base = {
      autoContinue: it.autocontinue === 1,
      command: it.command,
      doJumpId: i + 1,
      frame,
      params: [
        it.param1,
        it.param2,
        it.param3,
        it.param4,
        hasPos ? fromDegE7(it.x) : it.x,
        hasPos ? fromDegE7(it.y) : it.y,
        it.z,
      ],
      type: 'SimpleItem',
    };
    return hasPos
      ? { AMSLAltAboveTerrain: null, Altitude: it.z, AltitudeMode: frame === 0 ? 2 : frame === 10 ? 4 : 1, ...base }
      : base;
  });
  const launch = sortie.launch ?? plan.launch;
  const doc = {
    fileType: 'Plan',
    geoFence: {
      circles: [],
      polygons: (plan.geofence?.polygons ?? []).map((p) => ({
        inclusion: p.inclusion,
        polygon: (p.polygon.coordinates[0] ?? []).slice(0, -1).map((c) => [c[1], c[0]]),
        version: 1,
      })),
      version: 2,
    },
    groundStation: 'Xuncha',
    mission: {
      cruiseSpeed: plan.speedMps,
      firmwareType: o.firmwareType ?? 12,
      globalPlanAltitudeMode: plan.altitudeMode === 'amsl' ? 2 : 1,
      hoverSpeed: 5,
      items,
      plannedHomePosition: [launch.lat, launch.lon, plan.launch.altAmslM ?? 0],
      vehicleType: o.vehicleType ?? 2,
      version: 2,
    },
    rallyPoints: { points: [], version: 2 },
    version: 1,
  };
  return JSON.stringify(doc, null, 2);
}
