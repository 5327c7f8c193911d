import { distance } from '@turf/turf';
import { strFromU8 } from 'fflate';
import { djiDroneEnums, djiPayloadEnums } from '../camera/presets.ts';
import { parsePlan, type Plan, type PlanWarning, type Sortie } from '../plan-schema.ts';
import { MAV_CMD, MAV_FRAME, makeItem, sequenceItems, type MissionItem } from '../planning/mavlink.ts';
import { ellipsoidToAmslM } from './geoid.ts';
import { unzipMembers } from './areas.ts';
import { PlanFormatError } from './qgc-plan.ts';
import { KMZ_TEMPLATE_PATH, KMZ_WAYLINES_PATH, toCompassDeg, type WpmlAction } from './wpml-model.ts';
import { readTemplateKml, readWaylinesWpml, type ReadMission, type ReadWayline, type Warn } from './wpml-read.ts';

const FRAME_OF: Record<ReadWayline['heightMode'], number> = {
  relative: MAV_FRAME.GLOBAL_RELATIVE_ALT_INT,
  amsl: MAV_FRAME.GLOBAL_INT,
  terrain: MAV_FRAME.GLOBAL_TERRAIN_ALT,
};

/** The WPML documents of a KMZ: `wpmz/waylines.wpml` and / or `wpmz/template.kml`. */
export function unzipWpml(bytes: Uint8Array): { templateKml?: string; waylinesWpml?: string } {
  const files = unzipMembers(bytes, ['template.kml', 'waylines.wpml'], 'KMZ');
  // DJI's names first (wpmz/…); other paths are accepted from exporters that zip the folder differently.
  const pick = (exact: string, tail: string) =>
    files[exact] ?? Object.entries(files).find(([n]) => n.toLowerCase().endsWith(tail))?.[1];
  const t = pick(KMZ_TEMPLATE_PATH, 'template.kml');
  const w = pick(KMZ_WAYLINES_PATH, 'waylines.wpml');
  if (!t && !w) {
    throw new PlanFormatError(
      'KMZ 中没有 wpmz/waylines.wpml 或 wpmz/template.kml，不是 DJI 航线 / the KMZ holds neither wpmz/waylines.wpml nor wpmz/template.kml: not a DJI wayline',
    );
  }
  return { ...(t ? { templateKml: strFromU8(t) } : {}), ...(w ? { waylinesWpml: strFromU8(w) } : {}) };
}

/** True when a zip holds a DJI WPML wayline (so a KMZ is a route, not areas). */
export function isWpmlKmz(bytes: Uint8Array): boolean {
  try {
    unzipWpml(bytes);
    return true;
  } catch {
    return false;
  }
}

function actionItems(a: WpmlAction): MissionItem[] {
  const cmd = (command: number, params: [number | null, number | null, number | null, number | null], z = 0) =>
    makeItem({ frame: MAV_FRAME.MISSION, command, params, z });
  switch (a.func) {
    case 'takePhoto':
      return [cmd(MAV_CMD.IMAGE_START_CAPTURE, [0, 0, 1, 0])];
    case 'gimbalRotate':
      // z: MAV_MOUNT_MODE_MAVLINK_TARGETING (2), as the planner writes it.
      return [cmd(MAV_CMD.DO_MOUNT_CONTROL, [a.pitchDeg, a.rollDeg, a.yawDeg, 0], 2)];
    case 'rotateYaw':
      return [cmd(115, [toCompassDeg(a.headingDeg), 0, 0, 0])];
    case 'startRecord':
      return [cmd(2500, [0, 0, 0, 0])];
    case 'stopRecord':
      return [cmd(2501, [0, 0, 0, 0])];
    case 'hover':
      // Folded into the waypoint's hold time by the caller.
      return [];
  }
}

interface SortieBuild {
  sortie: Sortie;
  altRelOf: (z: number) => number;
}

function buildSortie(
  w: ReadWayline,
  index: number,
  finish: ReadMission['finish'],
  launch: Plan['launch'],
): SortieBuild {
  const frame = FRAME_OF[w.heightMode];
  const wps = w.waypoints.map((p) => ({
    ...p,
    z: w.heightsAreEllipsoidal ? ellipsoidToAmslM(p.lon, p.lat, p.heightM) : p.heightM,
  }));
  const altRelOf = (z: number) => (w.heightMode === 'amsl' && launch.altAmslM !== undefined ? z - launch.altAmslM : z);
  const items: MissionItem[] = [
    makeItem({
      frame,
      command: MAV_CMD.NAV_TAKEOFF,
      params: [0, 0, 0, null],
      lat: launch.lat,
      lon: launch.lon,
      z: wps[0]!.z,
    }),
    makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.DO_CHANGE_SPEED, params: [1, wps[0]!.speedMps, -1, 0] }),
  ];
  w.startActions.forEach((a) => items.push(...actionItems(a)));
  let speed = wps[0]!.speedMps;
  let pitch: number | null = null;
  let photoCount = 0;
  const pathM = (from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++)
      s += distance([wps[i]!.lon, wps[i]!.lat], [wps[i + 1]!.lon, wps[i + 1]!.lat], { units: 'meters' });
    return s;
  };
  wps.forEach((p, i) => {
    const reach = w.groups.filter((g) => g.trigger.type === 'reachPoint' && g.startIndex === i);
    const actions = reach.flatMap((g) => g.actions);
    const holdS = actions.reduce((s, a) => s + (a.func === 'hover' ? a.hoverTimeS : 0), 0);
    items.push(
      makeItem({
        frame,
        command: MAV_CMD.NAV_WAYPOINT,
        params: [holdS, 0, 0, p.headingDeg],
        lat: p.lat,
        lon: p.lon,
        z: p.z,
      }),
    );
    if (p.gimbalPitchDeg !== null && p.gimbalPitchDeg !== pitch && !actions.some((a) => a.func === 'gimbalRotate')) {
      items.push(...actionItems({ func: 'gimbalRotate', pitchDeg: p.gimbalPitchDeg, rollDeg: 0, yawDeg: 0 }));
    }
    pitch = p.gimbalPitchDeg ?? pitch;
    // One reach-point photo at a trigger's start or end is the trigger's "once" photo (MAVLink param3 = 1).
    let photos = actions.filter((a) => a.func === 'takePhoto').length;
    photoCount += photos;
    for (const a of actions) {
      if (a.func === 'takePhoto') continue;
      items.push(...actionItems(a));
      if (a.func === 'gimbalRotate') pitch = a.pitchDeg;
    }
    for (const g of w.groups.filter((x) => x.trigger.type !== 'reachPoint' && x.endIndex === i && x.startIndex < i)) {
      const once = photos > 0 ? 1 : 0;
      photos -= once;
      items.push(
        g.trigger.type === 'multipleDistance'
          ? makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.DO_SET_CAM_TRIGG_DIST, params: [0, 0, once, 0] })
          : makeItem({ frame: MAV_FRAME.MISSION, command: 2001, params: [0, 0, 0, 0] }),
      );
      if (g.trigger.type === 'multipleTiming' && once) items.push(...actionItems({ func: 'takePhoto' }));
    }
    for (const g of w.groups.filter((x) => x.trigger.type !== 'reachPoint' && x.startIndex === i && x.endIndex > i)) {
      if (g.trigger.type === 'multipleDistance') {
        const once = photos > 0 ? 1 : 0;
        photos -= once;
        items.push(
          makeItem({
            frame: MAV_FRAME.MISSION,
            command: MAV_CMD.DO_SET_CAM_TRIGG_DIST,
            params: [g.trigger.distanceM, 0, once, 0],
          }),
        );
        // An estimate for the stats: the shots between the trigger's ends.
        photoCount += Math.floor(pathM(g.startIndex, g.endIndex) / g.trigger.distanceM + 1e-6);
      } else if (g.trigger.type === 'multipleTiming') {
        items.push(
          makeItem({
            frame: MAV_FRAME.MISSION,
            command: MAV_CMD.IMAGE_START_CAPTURE,
            params: [0, g.trigger.intervalS, 0, 0],
          }),
        );
      }
    }
    for (let k = 0; k < photos; k++) items.push(...actionItems({ func: 'takePhoto' }));
    const next = wps[i + 1];
    if (next && p.speedMps !== speed) {
      speed = p.speedMps;
      items.push(makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.DO_CHANGE_SPEED, params: [1, speed, -1, 0] }));
    }
  });
  const last = wps[wps.length - 1]!;
  if (finish === 'goHome') items.push(makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.NAV_RETURN_TO_LAUNCH }));
  else if (finish === 'autoLand')
    items.push(makeItem({ frame, command: 21, params: [0, 0, 0, null], lat: last.lat, lon: last.lon, z: 0 }));
  else if (finish === 'gotoFirstWaypoint')
    items.push(
      makeItem({
        frame,
        command: MAV_CMD.NAV_WAYPOINT,
        params: [0, 0, 0, null],
        lat: wps[0]!.lat,
        lon: wps[0]!.lon,
        z: wps[0]!.z,
      }),
    );
  const coords = [
    [launch.lon, launch.lat, 0],
    ...wps.map((p) => [p.lon, p.lat, altRelOf(p.z)]),
    ...(finish === 'goHome' ? [[launch.lon, launch.lat, 0]] : []),
  ];
  let lengthM = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1]!;
    const b = coords[i]!;
    lengthM += Math.hypot(distance([a[0]!, a[1]!], [b[0]!, b[1]!], { units: 'meters' }), b[2]! - a[2]!);
  }
  const durationS = w.durationS ?? lengthM / Math.max(1, w.autoFlightSpeedMps || speed);
  return {
    sortie: {
      index,
      route: { type: 'LineString', coordinates: coords },
      items: sequenceItems(items),
      lengthM,
      durationS,
      photoCount: Math.max(0, photoCount),
    },
    altRelOf,
  };
}

function presetName<T>(table: Readonly<Record<string, T>>, match: (v: T) => boolean): string | undefined {
  return Object.entries(table).find(([, v]) => match(v))?.[0];
}

/**
 * Reads a DJI WPML mission (DJI Pilot 2, FlightHub 2, or Xuncha's own export) into a Xuncha plan document:
 * each wayline (`Folder`) becomes a sortie of MAVLink items. The executable `waylines.wpml` is read when
 * present, else a waypoint `template.kml`. Heights: relativeToStartPoint → relative frame; WGS84 ellipsoid →
 * EGM96 AMSL; real-time surface following → terrain frame. Actions and parameters without a MAVLink
 * counterpart are skipped with one warning each in `plan.warnings` (never dropped silently); a file that
 * cannot be read as a wayline is refused with {@link PlanFormatError}.
 */
export function importWpmlDocuments(docs: { templateKml?: string; waylinesWpml?: string }): Plan {
  const warnings: PlanWarning[] = [];
  const warn: Warn = (code, zh, en) => warnings.push({ code, message: `${zh} / ${en}` });
  let mission: ReadMission;
  if (docs.waylinesWpml !== undefined) {
    mission = readWaylinesWpml(docs.waylinesWpml, warn);
    if (docs.templateKml !== undefined) {
      // Only the template carries takeOffRefPoint; its other warnings would repeat the wayline's.
      const t = readTemplateKml(docs.templateKml, () => {}, false);
      mission = { ...mission, takeOffRef: mission.takeOffRef ?? t.takeOffRef };
    }
  } else if (docs.templateKml !== undefined) mission = readTemplateKml(docs.templateKml, warn, true);
  else throw new PlanFormatError('没有 WPML 文件 / no WPML document given');

  const first = mission.waylines[0]!.waypoints[0]!;
  let launch: Plan['launch'];
  if (mission.takeOffRef) {
    const r = mission.takeOffRef;
    launch = { lon: r.lon, lat: r.lat, altAmslM: Number(ellipsoidToAmslM(r.lon, r.lat, r.ellipsoidM).toFixed(3)) };
  } else {
    launch = { lon: first.lon, lat: first.lat };
    warn(
      'wpml-no-takeoff-ref',
      '文件未给参考起飞点（takeOffRefPoint），以首航点位置为起飞点',
      'no takeOffRefPoint in the file: the first waypoint is taken as the launch point',
    );
  }
  if (mission.finish === 'noAction') {
    warn(
      'wpml-no-return',
      '航线结束后不返航（finishAction noAction）',
      'the wayline ends without return to launch (finishAction noAction)',
    );
  }
  if (mission.waylines.length > 1) {
    warn(
      'wpml-several-waylines',
      `文件含 ${mission.waylines.length} 条航线，导入为 ${mission.waylines.length} 个架次`,
      `the file holds ${mission.waylines.length} waylines, imported as ${mission.waylines.length} sorties`,
    );
  }
  const built = mission.waylines.map((w, i) => buildSortie(w, i, mission.finish, launch));
  const sorties = built.map((b) => b.sortie);
  const w0 = mission.waylines[0]!;
  const drone = mission.droneEnum;
  const droneName = drone
    ? (presetName(djiDroneEnums, (v) => v.droneEnumValue === drone.value && v.droneSubEnumValue === drone.sub) ??
      `dji-${drone.value}-${drone.sub}`)
    : 'unknown';
  const cameraName =
    mission.payloadEnum === null
      ? 'unknown'
      : (presetName(djiPayloadEnums, (v) => v.payloadEnumValue === mission.payloadEnum) ??
        `dji-payload-${mission.payloadEnum}`);
  const lengthM = sorties.reduce((s, x) => s + x.lengthM, 0);
  const durationS = sorties.reduce((s, x) => s + x.durationS, 0);
  const photoCount = sorties.reduce((s, x) => s + x.photoCount, 0);
  const speed = w0.autoFlightSpeedMps > 0 ? w0.autoFlightSpeedMps : w0.waypoints[0]!.speedMps;
  const doc = {
    version: 1,
    pattern: 'imported',
    camera: cameraName,
    drone: droneName,
    launch,
    altitudeMode: w0.heightMode,
    altAglM: Math.max(0, built[0]!.sortie.route.coordinates[1]?.[2] ?? 0),
    speedMps: speed > 0 ? speed : 1,
    sorties,
    photos: [],
    stats: {
      areaM2: 0,
      coveredFraction: 0,
      lengthM,
      durationS,
      photoCount,
      sortieCount: sorties.length,
      laneSpacingM: 0,
      triggerDistanceM: 0,
      gsdCm: 0,
    },
    warnings,
  };
  try {
    return parsePlan(doc);
  } catch (e) {
    throw new PlanFormatError(`WPML 无法转换为计划 / the WPML cannot become a plan: ${(e as Error).message}`);
  }
}

/** Reads a DJI WPML KMZ into a plan document; see {@link importWpmlDocuments}. */
export function importWpmlKmz(bytes: Uint8Array): Plan {
  return importWpmlDocuments(unzipWpml(bytes));
}
