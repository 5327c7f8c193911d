import { distance } from '@turf/turf';
import { strToU8, zipSync } from 'fflate';
import { djiDroneEnums, djiPayloadEnums } from '../camera/presets.ts';
import type { Plan } from '../plan-schema.ts';
import { amslToEllipsoidM } from './geoid.ts';
import { PlanFormatError } from './qgc-plan.ts';
import { waylineFromSortie } from './wayline-from-sortie.ts';
import {
  KML_NS,
  KMZ_TEMPLATE_PATH,
  KMZ_WAYLINES_PATH,
  WPML_NS_PREFIX,
  WPML_SPEED_RANGE_MPS,
  WPML_VERSION_WRITTEN,
  toSignedDeg,
  type FinishAction,
  type Wayline,
  type WpmlAction,
  type WpmlActionGroup,
  type WpmlWaypoint,
} from './wpml-model.ts';
import { el, node, num, renderXml, type XmlChild, type XmlNode } from './xml-text.ts';

/** DJI identity written into `wpml:droneInfo` / `wpml:payloadInfo` when the plan's presets are not DJI ones. */
export interface DjiIdentity {
  droneEnumValue: number;
  droneSubEnumValue: number;
  payloadEnumValue: number;
  /** Lens whose photos are stored (`wpml:payloadLensIndex`, `wpml:imageFormat`). */
  lens: 'wide' | 'zoom' | 'ir' | 'visable';
}

export interface WpmlExportOptions {
  /** Which sortie to write (default 0): one KMZ is one flight, like one QGC `.plan`. */
  sortie?: number;
  /** Drone / payload enums for plans whose drone or camera is not a DJI preset (m3e, m30, m350). */
  dji?: DjiIdentity;
  /**
   * On remote-controller signal loss: `goBack` (default: leave the wayline and return home) or `continue`
   * (finish the wayline, then its finish action — what a Dock mission without a pilot wants).
   */
  onRcLost?: 'goBack' | 'continue';
  /** File times (`wpml:createTime`, zip entry times); default now. */
  now?: Date;
}

/** The two documents of a WPML KMZ. */
export interface WpmlDocuments {
  templateKml: string;
  waylinesWpml: string;
}

const W = (name: string) => `wpml:${name}`;
const wEl = (name: string, text: string | number) => el(W(name), text);
const wNode = (name: string, children: XmlChild[]) => node(W(name), children);

function identityOf(plan: Plan, o: WpmlExportOptions): DjiIdentity {
  if (o.dji) return o.dji;
  // A plan imported from a DJI file for a drone without a preset keeps its enums in the names (wpml-import.ts).
  const d = /^dji-(\d+)-(\d+)$/.exec(plan.drone);
  const c = /^dji-payload-(\d+)$/.exec(plan.camera);
  if (d && c) {
    return {
      droneEnumValue: Number(d[1]),
      droneSubEnumValue: Number(d[2]),
      payloadEnumValue: Number(c[1]),
      lens: 'wide',
    };
  }
  const drone = djiDroneEnums[plan.drone];
  const payload = djiPayloadEnums[plan.camera];
  if (!drone || !payload) {
    throw new PlanFormatError(
      `机型 ${plan.drone} / 相机 ${plan.camera} 没有 DJI 枚举值，请指定 DJI 机型与负载 / ` +
        `drone "${plan.drone}" with camera "${plan.camera}" has no DJI WPML enum: use a DJI preset ` +
        `(drones ${Object.keys(djiDroneEnums).join(', ')}; cameras ${Object.keys(djiPayloadEnums).join(', ')}) ` +
        `or give the drone and payload enums`,
    );
  }
  if (!drone.payloads.includes(payload.payloadEnumValue)) {
    throw new PlanFormatError(
      `机型 ${plan.drone} 不能挂载相机 ${plan.camera} / drone "${plan.drone}" cannot carry camera "${plan.camera}"`,
    );
  }
  return { ...drone, payloadEnumValue: payload.payloadEnumValue, lens: payload.lens };
}

function checkIdentity(id: DjiIdentity): void {
  const ok = (v: number) => Number.isInteger(v) && v >= 0 && v <= 65535;
  if (!ok(id.droneEnumValue) || !ok(id.droneSubEnumValue) || !ok(id.payloadEnumValue)) {
    throw new PlanFormatError('DJI 机型/负载枚举值须为非负整数 / DJI drone and payload enums must be integers ≥ 0');
  }
}

/** Ellipsoid height of a waypoint for `executeHeight` / `ellipsoidHeight`. */
function ellipsoidHeight(w: Wayline, p: WpmlWaypoint): number {
  return w.heightMode === 'amsl' ? amslToEllipsoidM(p.lon, p.lat, p.heightM) : p.heightM;
}

function actionParams(a: WpmlAction, id: DjiIdentity, suffix: string): XmlNode[] {
  const payload = wEl('payloadPositionIndex', 0);
  switch (a.func) {
    case 'takePhoto':
    case 'startRecord':
      return [
        payload,
        wEl('fileSuffix', suffix),
        wEl('payloadLensIndex', id.lens),
        wEl('useGlobalPayloadLensIndex', 0),
      ];
    case 'stopRecord':
      return [payload, wEl('payloadLensIndex', id.lens)];
    case 'gimbalRotate':
      return [
        // 'north' is the only gimbalHeadingYawBase value DJI documents; the yaw is enabled only when set.
        wEl('gimbalHeadingYawBase', 'north'),
        wEl('gimbalRotateMode', 'absoluteAngle'),
        wEl('gimbalPitchRotateEnable', 1),
        wEl('gimbalPitchRotateAngle', num(a.pitchDeg, 3)),
        wEl('gimbalRollRotateEnable', a.rollDeg !== 0 ? 1 : 0),
        wEl('gimbalRollRotateAngle', num(a.rollDeg, 3)),
        wEl('gimbalYawRotateEnable', a.yawDeg !== 0 ? 1 : 0),
        wEl('gimbalYawRotateAngle', num(toSignedDeg(a.yawDeg), 3)),
        wEl('gimbalRotateTimeEnable', 0),
        wEl('gimbalRotateTime', 0),
        payload,
      ];
    case 'hover':
      return [wEl('hoverTime', num(a.hoverTimeS, 3))];
    case 'rotateYaw':
      return [wEl('aircraftHeading', num(toSignedDeg(a.headingDeg), 3)), wEl('aircraftPathMode', 'clockwise')];
  }
}

function groupNode(g: WpmlActionGroup, groupId: number, id: DjiIdentity, suffix: string): XmlNode {
  const t = g.trigger;
  return wNode('actionGroup', [
    wEl('actionGroupId', groupId),
    wEl('actionGroupStartIndex', g.startIndex),
    wEl('actionGroupEndIndex', g.endIndex),
    wEl('actionGroupMode', 'sequence'),
    wNode('actionTrigger', [
      wEl('actionTriggerType', t.type),
      t.type === 'multipleDistance' && wEl('actionTriggerParam', num(t.distanceM, 6)),
      t.type === 'multipleTiming' && wEl('actionTriggerParam', num(t.intervalS, 6)),
    ]),
    ...g.actions.map((a, actionId) =>
      wNode('action', [
        wEl('actionId', actionId),
        wEl('actionActuatorFunc', a.func),
        wNode('actionActuatorFuncParam', actionParams(a, id, suffix)),
      ]),
    ),
  ]);
}

function headingNode(p: WpmlWaypoint): XmlNode {
  return wNode('waypointHeadingParam', [
    wEl('waypointHeadingMode', p.headingDeg === null ? 'followWayline' : 'smoothTransition'),
    p.headingDeg !== null && wEl('waypointHeadingAngle', num(toSignedDeg(p.headingDeg), 3)),
    wEl('waypointHeadingPathMode', 'followBadArc'),
  ]);
}

function turnNodes(p: WpmlWaypoint): XmlChild[] {
  return [
    wNode('waypointTurnParam', [
      wEl(
        'waypointTurnMode',
        p.turn === 'pass' ? 'toPointAndPassWithContinuityCurvature' : 'toPointAndStopWithDiscontinuityCurvature',
      ),
      wEl('waypointTurnDampingDist', num(p.turnDampingM, 1)),
    ]),
    // "Pass through, turn early" is toPointAndPassWithContinuityCurvature with useStraightLine 1 (共用元素).
    p.turn === 'pass' && wEl('useStraightLine', 1),
  ];
}

function missionConfig(
  id: DjiIdentity,
  o: WpmlExportOptions,
  finish: FinishAction,
  transitSpeed: number,
  rthHeightM: number,
  takeOffRefPoint: string | null,
): XmlNode {
  return wNode('missionConfig', [
    wEl('flyToWaylineMode', 'safely'),
    wEl('finishAction', finish),
    wEl('exitOnRCLost', o.onRcLost === 'continue' ? 'goContinue' : 'executeLostAction'),
    wEl('executeRCLostAction', 'goBack'),
    // Climb straight up to 20 m before heading for the first waypoint (DJI's example value; RC [1.2, 1500], Dock [8, 1500]).
    wEl('takeOffSecurityHeight', 20),
    takeOffRefPoint !== null && wEl('takeOffRefPoint', takeOffRefPoint),
    wEl('globalTransitionalSpeed', num(transitSpeed, 3)),
    wEl('globalRTHHeight', num(rthHeightM, 1)),
    wNode('droneInfo', [wEl('droneEnumValue', id.droneEnumValue), wEl('droneSubEnumValue', id.droneSubEnumValue)]),
    wNode('payloadInfo', [
      wEl('payloadEnumValue', id.payloadEnumValue),
      wEl('payloadSubEnumValue', 0),
      wEl('payloadPositionIndex', 0),
    ]),
  ]);
}

/**
 * The `template.kml` and `waylines.wpml` of one sortie as DJI Pilot 2, FlightHub 2 and the Dock read them
 * (waypoint template, `wpml` namespace version {@link WPML_VERSION_WRITTEN}). Heights: relative plans as
 * `relativeToStartPoint`; AMSL plans (terrain following over a DEM) as EGM96 heights in the template
 * (`heightMode` EGM96) and WGS84 ellipsoid heights (EGM96 + geoid undulation) in the executed wayline
 * (`executeHeightMode` WGS84). Throws {@link PlanFormatError} for a plan WPML cannot carry faithfully.
 */
export function wpmlDocuments(plan: Plan, o: WpmlExportOptions = {}): WpmlDocuments {
  const idx = o.sortie ?? 0;
  const sortie = plan.sorties[idx];
  if (!sortie)
    throw new PlanFormatError(`没有第 ${idx + 1} 架次 / plan has no sortie ${idx + 1} (it has ${plan.sorties.length})`);
  const id = identityOf(plan, o);
  checkIdentity(id);
  const w = waylineFromSortie(sortie, plan.speedMps);
  const wps = w.waypoints;
  const now = (o.now ?? new Date()).getTime();
  const suffix = `xuncha-s${idx + 1}`;
  const [lo, hi] = WPML_SPEED_RANGE_MPS;
  const transit = Math.min(hi, Math.max(lo, wps[0]!.speedMps));
  // Return home at the sortie's highest height above takeoff (never below 20 m): it already flies there.
  const route = sortie.route.coordinates;
  const rth = Math.min(1500, Math.max(20, Math.ceil(Math.max(...route.map((c) => c[2] ?? 0)))));
  const launch = sortie.launch ?? plan.launch;
  const launchAmsl = sortie.launch ? undefined : plan.launch.altAmslM;
  const refPoint =
    launchAmsl === undefined
      ? null
      : `${num(launch.lat, 10)},${num(launch.lon, 10)},${num(amslToEllipsoidM(launch.lon, launch.lat, launchAmsl), 3)}`;
  // takeOffRefPoint is a template element only (template.kml 说明).
  const config = (withRef: boolean) => missionConfig(id, o, w.finish, transit, rth, withRef ? refPoint : null);
  const groupsAt = (i: number) => w.groups.filter((g) => g.startIndex === i);
  let groupId = 0;
  const groupIds = new Map<WpmlActionGroup, number>();
  wps.forEach((_, i) => groupsAt(i).forEach((g) => groupIds.set(g, groupId++)));
  const groupNodes = (i: number) => groupsAt(i).map((g) => groupNode(g, groupIds.get(g)!, id, suffix));
  const point = (p: WpmlWaypoint) => node('Point', [el('coordinates', `${num(p.lon, 10)},${num(p.lat, 10)}`)]);
  const usePitch = wps.some((p) => p.gimbalPitchDeg !== null);

  const templatePlacemarks = wps.map((p, i) =>
    node('Placemark', [
      point(p),
      wEl('index', i),
      wEl('useGlobalHeight', 0),
      wEl('ellipsoidHeight', num(ellipsoidHeight(w, p), 3)),
      wEl('height', num(p.heightM, 3)),
      wEl('useGlobalSpeed', 0),
      wEl('waypointSpeed', num(p.speedMps, 3)),
      wEl('useGlobalHeadingParam', 0),
      headingNode(p),
      wEl('useGlobalTurnParam', 0),
      ...turnNodes(p),
      usePitch && wEl('gimbalPitchAngle', num(p.gimbalPitchDeg ?? 0, 3)),
      ...groupNodes(i),
    ]),
  );
  const globalHeight = w.heightMode === 'relative' ? wps[0]!.heightM : (route[1]?.[2] ?? plan.altAglM);
  const template = node(
    'kml',
    [
      node('Document', [
        wEl('author', 'Xuncha 巡查'),
        wEl('createTime', now),
        wEl('updateTime', now),
        config(true),
        node('Folder', [
          wEl('templateType', 'waypoint'),
          wEl('templateId', 0),
          wNode('waylineCoordinateSysParam', [
            wEl('coordinateMode', 'WGS84'),
            wEl('heightMode', w.heightMode === 'amsl' ? 'EGM96' : 'relativeToStartPoint'),
            wEl('positioningType', 'GPS'),
          ]),
          wEl('autoFlightSpeed', num(wps[0]!.speedMps, 3)),
          wEl('globalHeight', num(globalHeight, 3)),
          wEl('gimbalPitchMode', usePitch ? 'usePointSetting' : 'manual'),
          wNode('globalWaypointHeadingParam', [
            wEl('waypointHeadingMode', 'followWayline'),
            wEl('waypointHeadingPathMode', 'followBadArc'),
          ]),
          wEl('globalWaypointTurnMode', 'toPointAndStopWithDiscontinuityCurvature'),
          ...templatePlacemarks,
          wNode('payloadParam', [wEl('payloadPositionIndex', 0), wEl('imageFormat', id.lens)]),
        ]),
      ]),
    ],
    { xmlns: KML_NS, 'xmlns:wpml': WPML_NS_PREFIX + WPML_VERSION_WRITTEN },
  );

  let lengthM = 0;
  for (let i = 1; i < wps.length; i++) {
    const a = wps[i - 1]!;
    const b = wps[i]!;
    lengthM += Math.hypot(distance([a.lon, a.lat], [b.lon, b.lat], { units: 'meters' }), b.heightM - a.heightM);
  }
  const waylinePlacemarks = wps.map((p, i) =>
    node('Placemark', [
      point(p),
      wEl('index', i),
      wEl('executeHeight', num(ellipsoidHeight(w, p), 3)),
      wEl('waypointSpeed', num(p.speedMps, 3)),
      headingNode(p),
      ...turnNodes(p),
      ...groupNodes(i),
    ]),
  );
  const waylines = node(
    'kml',
    [
      node('Document', [
        config(false),
        node('Folder', [
          wEl('templateId', 0),
          wEl('executeHeightMode', w.heightMode === 'amsl' ? 'WGS84' : 'relativeToStartPoint'),
          wEl('waylineId', 0),
          wEl('distance', num(lengthM, 1)),
          wEl('duration', num(sortie.durationS, 1)),
          wEl('autoFlightSpeed', num(wps[0]!.speedMps, 3)),
          ...waylinePlacemarks,
        ]),
      ]),
    ],
    { xmlns: KML_NS, 'xmlns:wpml': WPML_NS_PREFIX + WPML_VERSION_WRITTEN },
  );
  return { templateKml: renderXml(template), waylinesWpml: renderXml(waylines) };
}

/** One sortie as a DJI WPML KMZ (zip with `wpmz/template.kml` and `wpmz/waylines.wpml`); see {@link wpmlDocuments}. */
export function exportWpmlKmz(plan: Plan, o: WpmlExportOptions = {}): Uint8Array {
  const docs = wpmlDocuments(plan, o);
  // Zip (DOS) times hold only 1980–2099.
  const t = (o.now ?? new Date()).getTime();
  const mtime = new Date(Math.min(Math.max(t, Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 30)));
  return zipSync(
    {
      [KMZ_TEMPLATE_PATH]: [strToU8(docs.templateKml), { mtime }],
      [KMZ_WAYLINES_PATH]: [strToU8(docs.waylinesWpml), { mtime }],
    },
    { level: 6 },
  );
}
