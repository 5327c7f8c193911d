/**
 * The part of DJI WPML (WayPoint Markup Language) that Xuncha reads and writes, as plain data. Element names,
 * enumerations and units follow DJI's published specification (DJI Cloud API 文档 › 航线文件格式 (WPML):
 * 总体介绍 overview, template.kml 说明, waylines.wpml 说明, 共用元素 common elements —
 * https://developer.dji.com/doc/cloud-api-tutorial/cn/api-reference/dji-wpml/overview.html and the
 * template-kml / waylines-wpml / common-element pages beside it). A KMZ is a zip holding `wpmz/template.kml`
 * (the editable template) and `wpmz/waylines.wpml` (what the aircraft executes), optionally `wpmz/res/`.
 */

/** KML 2.2 namespace, the default namespace of both WPML files. */
export const KML_NS = 'http://www.opengis.net/kml/2.2';
/** WPML namespace prefix before the version (`http://www.dji.com/wpmz/1.0.2` in DJI's examples). */
export const WPML_NS_PREFIX = 'http://www.dji.com/wpmz/';
/** Version written: the one of DJI's published example files. */
export const WPML_VERSION_WRITTEN = '1.0.2';
/** Versions seen in DJI's documentation and in files exported by DJI Pilot 2 / FlightHub 2 up to 2025. */
export const WPML_VERSIONS_KNOWN: readonly string[] = ['1.0.0', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6'];
/** Paths inside the KMZ (the overview page: names must be exactly these or DJI software may not read the file). */
export const KMZ_TEMPLATE_PATH = 'wpmz/template.kml';
export const KMZ_WAYLINES_PATH = 'wpmz/waylines.wpml';

/** `wpml:executeHeightMode` (waylines.wpml, Folder). */
export type ExecuteHeightMode = 'WGS84' | 'relativeToStartPoint' | 'realTimeFollowSurface';
/** `wpml:finishAction` (missionConfig). */
export type FinishAction = 'goHome' | 'noAction' | 'autoLand' | 'gotoFirstWaypoint';

/**
 * One action of an action group. Parameters as DJI names them (共用元素 › actionActuatorFuncParam):
 * takePhoto (payloadPositionIndex, fileSuffix, payloadLensIndex, useGlobalPayloadLensIndex), gimbalRotate
 * (gimbalHeadingYawBase, gimbalRotateMode, gimbal{Pitch,Roll,Yaw}Rotate{Enable,Angle}, gimbalRotateTime{Enable,}),
 * hover (hoverTime, s), rotateYaw (aircraftHeading, ° in [-180, 180], aircraftPathMode), startRecord / stopRecord.
 */
export type WpmlAction =
  | { func: 'takePhoto' }
  | { func: 'gimbalRotate'; pitchDeg: number; rollDeg: number; yawDeg: number }
  | { func: 'hover'; hoverTimeS: number }
  | { func: 'rotateYaw'; headingDeg: number }
  | { func: 'startRecord' }
  | { func: 'stopRecord' };

/**
 * `wpml:actionTrigger`: reachPoint (at the waypoint), multipleDistance (every `actionTriggerParam` m) and
 * multipleTiming (every `actionTriggerParam` s) from `actionGroupStartIndex` to `actionGroupEndIndex`.
 */
export type WpmlTrigger =
  | { type: 'reachPoint' }
  | { type: 'multipleDistance'; distanceM: number }
  | { type: 'multipleTiming'; intervalS: number };

export interface WpmlActionGroup {
  startIndex: number;
  endIndex: number;
  trigger: WpmlTrigger;
  actions: WpmlAction[];
}

export interface WpmlWaypoint {
  lon: number;
  lat: number;
  /** Relative to takeoff (relativeToStartPoint) or EGM96 AMSL (heights written as WGS84 ellipsoid). */
  heightM: number;
  /** `wpml:waypointSpeed`: speed from this waypoint to the next, m/s in [1, 15]. */
  speedMps: number;
  /** Aircraft heading, ° clockwise from north; null: `followWayline`. */
  headingDeg: number | null;
  /** Gimbal pitch while at this waypoint (template `gimbalPitchAngle`), null when the plan never sets it. */
  gimbalPitchDeg: number | null;
  /** `stop`: toPointAndStopWithDiscontinuityCurvature; `pass`: toPointAndPassWithContinuityCurvature. */
  turn: 'stop' | 'pass';
  /** `wpml:waypointTurnDampingDist` (m), > 0 for `pass`. */
  turnDampingM: number;
}

/** One wayline (one `Folder`): what one Xuncha sortie becomes. */
export interface Wayline {
  heightMode: 'relative' | 'amsl';
  waypoints: WpmlWaypoint[];
  groups: WpmlActionGroup[];
  finish: FinishAction;
}

/** Speeds allowed for `wpml:autoFlightSpeed`, `wpml:waypointSpeed`, `wpml:globalTransitionalSpeed` (m/s). */
export const WPML_SPEED_RANGE_MPS = [1, 15] as const;

/** Heading in [-180, 180] as `wpml:waypointHeadingAngle` / `wpml:aircraftHeading` want it. */
export function toSignedDeg(deg: number): number {
  const d = ((((deg + 180) % 360) + 360) % 360) - 180;
  return d === -180 && deg > 0 ? 180 : d;
}

/** Heading in [0, 360) as Xuncha and MAVLink store it. */
export function toCompassDeg(deg: number): number {
  return ((deg % 360) + 360) % 360;
}
