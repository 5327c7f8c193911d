import { DOMParser } from '@xmldom/xmldom';
import { PlanFormatError } from './qgc-plan.ts';
import {
  KML_NS,
  WPML_NS_PREFIX,
  WPML_VERSIONS_KNOWN,
  toCompassDeg,
  type FinishAction,
  type WpmlAction,
  type WpmlTrigger,
} from './wpml-model.ts';

/** Minimal DOM surface used here (xmldom's). */
interface XEl {
  namespaceURI: string | null;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number }>;
  attributes: ArrayLike<{ name: string; value: string }>;
}

/** A waypoint as read, before it becomes mission items. */
export interface ReadWaypoint {
  index: number;
  lon: number;
  lat: number;
  /** In the wayline's {@link ReadWayline.heightMode}: relative (m above takeoff), amsl (EGM96), terrain (AGL). */
  heightM: number;
  speedMps: number;
  headingDeg: number | null;
  /** Template `gimbalPitchAngle` (usePointSetting), null otherwise. */
  gimbalPitchDeg: number | null;
}

export interface ReadGroup {
  startIndex: number;
  endIndex: number;
  trigger: WpmlTrigger;
  actions: WpmlAction[];
}

export interface ReadWayline {
  heightMode: 'relative' | 'amsl' | 'terrain';
  /** Heights as read are WGS84 ellipsoid heights (executeHeightMode WGS84): convert to EGM96 before use. */
  heightsAreEllipsoidal: boolean;
  autoFlightSpeedMps: number;
  durationS: number | null;
  waypoints: ReadWaypoint[];
  groups: ReadGroup[];
  startActions: WpmlAction[];
}

export interface ReadMission {
  version: string;
  finish: FinishAction;
  droneEnum: { value: number; sub: number } | null;
  payloadEnum: number | null;
  /** `takeOffRefPoint`: lat, lon, WGS84 ellipsoid height. */
  takeOffRef: { lat: number; lon: number; ellipsoidM: number } | null;
  waylines: ReadWayline[];
}

/** Collects warnings: Chinese first, English beside, one per unmapped item. */
export type Warn = (code: string, zh: string, en: string) => void;

function kids(e: XEl): XEl[] {
  return Array.from(e.childNodes).filter((n) => n.nodeType === 1) as unknown as XEl[];
}

/** Reader bound to one document's WPML namespace. */
class Doc {
  constructor(
    readonly ns: string,
    readonly what: string,
  ) {}
  /** Direct children named `wpml:name` (or KML `name` with `kml`). */
  all(e: XEl, name: string, kml = false): XEl[] {
    return kids(e).filter((k) => k.localName === name && k.namespaceURI === (kml ? KML_NS : this.ns));
  }
  one(e: XEl, name: string, kml = false): XEl | null {
    return this.all(e, name, kml)[0] ?? null;
  }
  text(e: XEl, name: string): string | null {
    const k = this.one(e, name);
    return k ? (k.textContent ?? '').trim() : null;
  }
  num(e: XEl, name: string, where: string): number | null {
    const t = this.text(e, name);
    if (t === null || t === '') return null;
    const v = Number(t);
    if (!Number.isFinite(v)) {
      throw new PlanFormatError(
        `${this.what} ${where} 的 wpml:${name} 不是数字（"${t.slice(0, 20)}"）/ ${this.what} ${where}: wpml:${name} is not a number ("${t.slice(0, 20)}")`,
      );
    }
    return v;
  }
  need(e: XEl, name: string, where: string): number {
    const v = this.num(e, name, where);
    if (v === null) {
      throw new PlanFormatError(
        `${this.what} ${where} 缺少 wpml:${name} / ${this.what} ${where}: required wpml:${name} is missing`,
      );
    }
    return v;
  }
}

/** Parses one WPML XML document; returns its root and namespace reader. */
export function parseWpmlXml(text: string, what: string, warn: Warn): { root: XEl; doc: Doc; version: string } {
  const errors: string[] = [];
  let root: XEl | null = null;
  try {
    const dom = new DOMParser({ onError: (level, msg) => level !== 'warning' && errors.push(msg) }).parseFromString(
      text,
      'text/xml',
    );
    root = dom.documentElement as unknown as XEl | null;
  } catch (e) {
    errors.push((e as Error).message);
  }
  if (errors.length || !root || root.localName !== 'kml') {
    throw new PlanFormatError(
      `${what} 不是有效的 XML/KML / ${what} is not valid KML XML${errors[0] ? `: ${errors[0].slice(0, 120)}` : ''}`,
    );
  }
  if (root.namespaceURI !== KML_NS) {
    throw new PlanFormatError(`${what} 的根元素不是 KML 2.2 / ${what}: root is not KML 2.2 (${KML_NS})`);
  }
  const nsAttr = Array.from(root.attributes).find(
    (a) => a.name.startsWith('xmlns:') && a.value.startsWith(WPML_NS_PREFIX),
  );
  if (!nsAttr) {
    throw new PlanFormatError(
      `${what} 没有 DJI WPML 命名空间 / ${what} declares no DJI WPML namespace (${WPML_NS_PREFIX}x.y.z)`,
    );
  }
  const version = nsAttr.value.slice(WPML_NS_PREFIX.length);
  if (!WPML_VERSIONS_KNOWN.includes(version)) {
    warn(
      'wpml-unknown-version',
      `${what} 的 WPML 版本 ${version} 未知，按已知版本读取，请核对结果`,
      `${what}: unknown WPML version ${version}, read as the known versions (${WPML_VERSIONS_KNOWN.join(', ')}); check the result`,
    );
  }
  return { root, doc: new Doc(nsAttr.value, what), version };
}

const FINISH: readonly FinishAction[] = ['goHome', 'noAction', 'autoLand', 'gotoFirstWaypoint'];

function readAction(d: Doc, a: XEl, where: string, warn: Warn): WpmlAction | null {
  const func = d.text(a, 'actionActuatorFunc') ?? '';
  const p = d.one(a, 'actionActuatorFuncParam') ?? a;
  const skip = (why = '') => {
    warn(
      'wpml-action-unmapped',
      `${where} 的动作「${func}」未映射，已略过${why ? `（${why}）` : ''}`,
      `${where}: action "${func}" is not mapped and was skipped${why ? ` (${why})` : ''}`,
    );
    return null;
  };
  switch (func) {
    case 'takePhoto':
      return { func: 'takePhoto' };
    case 'startRecord':
      return { func: 'startRecord' };
    case 'stopRecord':
      return { func: 'stopRecord' };
    case 'hover': {
      const s = d.num(p, 'hoverTime', where);
      return s !== null && s > 0 ? { func: 'hover', hoverTimeS: s } : skip('hoverTime 无效 / no valid hoverTime');
    }
    case 'rotateYaw': {
      const h = d.num(p, 'aircraftHeading', where);
      return h === null ? skip('缺少 aircraftHeading / no aircraftHeading') : { func: 'rotateYaw', headingDeg: h };
    }
    case 'gimbalRotate': {
      const mode = d.text(p, 'gimbalRotateMode');
      if (mode !== null && mode !== 'absoluteAngle') return skip(`gimbalRotateMode ${mode}`);
      const on = (axis: string) => d.num(p, `gimbal${axis}RotateEnable`, where) === 1;
      const angle = (axis: string) => (on(axis) ? (d.num(p, `gimbal${axis}RotateAngle`, where) ?? 0) : 0);
      if (!on('Pitch') && !on('Roll') && !on('Yaw')) return skip('未启用任何轴 / no axis enabled');
      if (on('Yaw') && angle('Yaw') !== 0 && d.text(p, 'gimbalHeadingYawBase') === 'north') {
        warn(
          'wpml-gimbal-yaw-north',
          `${where} 的云台偏航相对正北，按相对机头导入`,
          `${where}: gimbal yaw relative to north imported as relative to the aircraft (MAVLink mount yaw)`,
        );
      }
      return { func: 'gimbalRotate', pitchDeg: angle('Pitch'), rollDeg: angle('Roll'), yawDeg: angle('Yaw') };
    }
    default:
      return skip();
  }
}

function readGroup(d: Doc, g: XEl, wpIndex: number, warn: Warn): ReadGroup | null {
  const where = `航点 ${wpIndex} / waypoint ${wpIndex}`;
  const start = d.num(g, 'actionGroupStartIndex', where) ?? wpIndex;
  const end = d.num(g, 'actionGroupEndIndex', where) ?? start;
  const t = d.one(g, 'actionTrigger');
  const type = t ? d.text(t, 'actionTriggerType') : 'reachPoint';
  const param = t ? d.num(t, 'actionTriggerParam', where) : null;
  const actionEls = d.all(g, 'action');
  const unmappedGroup = (why: string) => {
    actionEls.forEach((a) => {
      const func = d.text(a, 'actionActuatorFunc') ?? '?';
      warn(
        'wpml-action-unmapped',
        `${where} 的动作「${func}」（触发器 ${type}）未映射，已略过：${why}`,
        `${where}: action "${func}" (trigger ${type}) is not mapped and was skipped: ${why}`,
      );
    });
    return null;
  };
  let trigger: WpmlTrigger;
  if (type === 'reachPoint') trigger = { type: 'reachPoint' };
  else if ((type === 'multipleDistance' || type === 'multipleTiming') && param !== null && param > 0) {
    // Repeating triggers map to MAVLink's camera triggers: only takePhoto repeats.
    const nonPhoto = actionEls.filter((a) => d.text(a, 'actionActuatorFunc') !== 'takePhoto');
    if (nonPhoto.length) {
      unmappedGroup('重复触发只映射拍照 / repeating triggers are mapped for takePhoto only');
      return null;
    }
    if (end <= start) {
      unmappedGroup('起止航点相同，不覆盖任何航段 / it starts and ends at the same waypoint, covering no leg');
      return null;
    }
    trigger = type === 'multipleDistance' ? { type, distanceM: param } : { type: 'multipleTiming', intervalS: param };
  } else
    return unmappedGroup(
      `触发器 ${type ?? '?'} 无对应 MAVLink 命令 / trigger ${type ?? '?'} has no MAVLink counterpart`,
    );
  const actions = actionEls.map((a) => readAction(d, a, where, warn)).filter((a): a is WpmlAction => a !== null);
  return { startIndex: start, endIndex: Math.max(start, end), trigger, actions };
}

function readCoords(d: Doc, pm: XEl, where: string): [number, number] {
  const point = d.one(pm, 'Point', true);
  const c = point ? d.one(point, 'coordinates', true) : null;
  const parts = (c?.textContent ?? '')
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  const [lon, lat] = parts;
  if (
    parts.length < 2 ||
    !Number.isFinite(lon) ||
    !Number.isFinite(lat) ||
    Math.abs(lat!) > 90 ||
    Math.abs(lon!) > 180
  ) {
    throw new PlanFormatError(
      `${d.what} ${where} 坐标无效（"${(c?.textContent ?? '').trim().slice(0, 40)}"）/ ${d.what} ${where}: invalid Point coordinates`,
    );
  }
  return [lon!, lat!];
}

function readHeading(d: Doc, pm: XEl, where: string, warn: Warn): number | null {
  const h = d.one(pm, 'waypointHeadingParam');
  if (!h) return null;
  const mode = d.text(h, 'waypointHeadingMode');
  const angle = d.num(h, 'waypointHeadingAngle', where);
  if (mode === 'followWayline' || mode === null) return null;
  if ((mode === 'smoothTransition' || mode === 'fixed') && angle !== null) return toCompassDeg(angle);
  warn(
    'wpml-heading-unmapped',
    `${where} 的偏航模式 ${mode} 未映射，按沿航线方向导入`,
    `${where}: heading mode "${mode}" is not mapped; imported as following the route`,
  );
  return null;
}

/** Reads waypoints (Placemarks) and action groups of one Folder. */
function readFolder(
  d: Doc,
  folder: XEl,
  fi: number,
  heightOf: (pm: XEl, where: string) => number,
  warn: Warn,
): Omit<ReadWayline, 'heightMode' | 'heightsAreEllipsoidal'> {
  const autoSpeed = d.num(folder, 'autoFlightSpeed', `Folder ${fi}`) ?? 0;
  // Per-point gimbal pitch is a template element, meaningful under gimbalPitchMode usePointSetting only.
  const usePitch = d.text(folder, 'gimbalPitchMode') === 'usePointSetting';
  const pms = d.all(folder, 'Placemark', true);
  if (pms.length < 2) {
    throw new PlanFormatError(
      `${d.what} 第 ${fi + 1} 条航线少于 2 个航点 / ${d.what} wayline ${fi + 1} has fewer than 2 waypoints`,
    );
  }
  const turns = new Map<string, number[]>();
  const waypoints: ReadWaypoint[] = [];
  const groups: ReadGroup[] = [];
  pms.forEach((pm, k) => {
    const index = d.num(pm, 'index', `Placemark ${k}`) ?? k;
    const where = `航点 ${index} / waypoint ${index}`;
    const [lon, lat] = readCoords(d, pm, where);
    const useGlobalSpeed = d.num(pm, 'useGlobalSpeed', where) === 1;
    const speed = (useGlobalSpeed ? null : d.num(pm, 'waypointSpeed', where)) ?? autoSpeed;
    const pitch = usePitch ? d.num(pm, 'gimbalPitchAngle', where) : null;
    waypoints.push({
      index,
      lon,
      lat,
      heightM: heightOf(pm, where),
      speedMps: speed,
      headingDeg: readHeading(d, pm, where, warn),
      gimbalPitchDeg: pitch,
    });
    const turn = d.one(pm, 'waypointTurnParam');
    const mode = turn ? d.text(turn, 'waypointTurnMode') : null;
    const curved =
      mode === 'coordinateTurn' ||
      ((mode === 'toPointAndPassWithContinuityCurvature' || mode === 'toPointAndStopWithContinuityCurvature') &&
        d.num(pm, 'useStraightLine', where) === 0);
    if (mode && curved) turns.set(mode, [...(turns.get(mode) ?? []), index]);
    d.all(pm, 'actionGroup').forEach((g) => {
      const rg = readGroup(d, g, index, warn);
      if (rg) groups.push(rg);
    });
  });
  waypoints.sort((a, b) => a.index - b.index);
  if (waypoints.some((w, i) => w.index !== i)) {
    throw new PlanFormatError(
      `${d.what} 第 ${fi + 1} 条航线的 wpml:index 不是从 0 连续递增 / ${d.what} wayline ${fi + 1}: wpml:index must run 0, 1, 2, …`,
    );
  }
  for (const [mode, idx] of turns) {
    warn(
      'wpml-turn-unmapped',
      `转弯模式 ${mode}（${idx.length} 个航点：${idx.slice(0, 8).join(', ')}${idx.length > 8 ? '…' : ''}）未映射，按直线过点导入`,
      `turn mode ${mode} at ${idx.length} waypoints (${idx.slice(0, 8).join(', ')}${idx.length > 8 ? '…' : ''}) is not mapped: imported as straight legs through each point`,
    );
  }
  for (const g of groups) {
    if (g.endIndex >= waypoints.length) {
      throw new PlanFormatError(
        `${d.what} 动作组结束航点 ${g.endIndex} 超出航线 / ${d.what}: action group ends at waypoint ${g.endIndex}, beyond the wayline`,
      );
    }
  }
  const start = d.one(folder, 'startActionGroup');
  const startActions = start
    ? d
        .all(start, 'action')
        .map((a) => readAction(d, a, '航线初始动作 / start action group', warn))
        .filter((a): a is WpmlAction => {
          if (a?.func !== 'hover') return a !== null;
          // A hold before the first waypoint has no MAVLink item of its own (holds belong to waypoints).
          warn(
            'wpml-action-unmapped',
            '航线初始动作 / start action group 的动作「hover」未映射，已略过',
            'start action group: action "hover" is not mapped and was skipped',
          );
          return false;
        })
    : [];
  return {
    autoFlightSpeedMps: autoSpeed,
    durationS: d.num(folder, 'duration', `Folder ${fi}`),
    waypoints,
    groups,
    startActions,
  };
}

function readConfig(d: Doc, documentEl: XEl, warn: Warn): Omit<ReadMission, 'version' | 'waylines'> {
  const mc = d.one(documentEl, 'missionConfig');
  if (!mc) throw new PlanFormatError(`${d.what} 缺少 wpml:missionConfig / ${d.what}: wpml:missionConfig is missing`);
  const f = d.text(mc, 'finishAction') ?? 'goHome';
  let finish: FinishAction = 'noAction';
  if ((FINISH as readonly string[]).includes(f)) finish = f as FinishAction;
  else {
    warn(
      'wpml-finish-unmapped',
      `结束动作 ${f} 未知，按“不动作”导入（无返航）`,
      `unknown finishAction "${f}": imported as noAction (no return to launch)`,
    );
  }
  const di = d.one(mc, 'droneInfo');
  const pi = d.one(mc, 'payloadInfo');
  const dv = di ? d.num(di, 'droneEnumValue', 'droneInfo') : null;
  const ref = d.text(mc, 'takeOffRefPoint');
  let takeOffRef: ReadMission['takeOffRef'] = null;
  if (ref) {
    const [lat, lon, h] = ref.split(',').map((x) => Number(x.trim()));
    if ([lat, lon, h].every((v) => Number.isFinite(v)) && Math.abs(lat!) <= 90 && Math.abs(lon!) <= 180)
      takeOffRef = { lat: lat!, lon: lon!, ellipsoidM: h! };
    else warn('wpml-takeoff-ref-invalid', `takeOffRefPoint 无效（${ref}）`, `invalid takeOffRefPoint "${ref}" ignored`);
  }
  return {
    finish,
    droneEnum: dv === null ? null : { value: dv, sub: (di && d.num(di, 'droneSubEnumValue', 'droneInfo')) ?? 0 },
    payloadEnum: pi ? d.num(pi, 'payloadEnumValue', 'payloadInfo') : null,
    takeOffRef,
  };
}

/** Reads the executable `waylines.wpml` (one wayline per Folder). */
export function readWaylinesWpml(text: string, warn: Warn): ReadMission {
  const { root, doc: d, version } = parseWpmlXml(text, 'waylines.wpml', warn);
  const documentEl = d.one(root, 'Document', true);
  if (!documentEl) throw new PlanFormatError('waylines.wpml 缺少 Document / waylines.wpml has no Document');
  const config = readConfig(d, documentEl, warn);
  const folders = d.all(documentEl, 'Folder', true);
  if (folders.length === 0)
    throw new PlanFormatError('waylines.wpml 没有航线（Folder）/ waylines.wpml has no wayline (Folder)');
  const waylines = folders.map((folder, fi): ReadWayline => {
    const mode = d.text(folder, 'executeHeightMode');
    let heightMode: ReadWayline['heightMode'];
    if (mode === 'relativeToStartPoint') heightMode = 'relative';
    else if (mode === 'WGS84') heightMode = 'amsl';
    else if (mode === 'realTimeFollowSurface') {
      heightMode = 'terrain';
      warn(
        'wpml-real-time-follow-surface',
        '实时仿地高度按相对地面高度导入（MAVLink 坐标系 10，仅 ArduPilot 支持）',
        'realTimeFollowSurface heights imported as above-terrain (MAV_FRAME 10, ArduPilot only)',
      );
    } else {
      throw new PlanFormatError(
        `waylines.wpml 第 ${fi + 1} 条航线的 executeHeightMode "${mode ?? ''}" 不支持 / wayline ${fi + 1}: unsupported executeHeightMode "${mode ?? ''}" (WGS84, relativeToStartPoint, realTimeFollowSurface)`,
      );
    }
    const body = readFolder(d, folder, fi, (pm, where) => d.need(pm, 'executeHeight', where), warn);
    return { heightMode, heightsAreEllipsoidal: heightMode === 'amsl', ...body };
  });
  return { version, ...config, waylines };
}

/** Reads a waypoint `template.kml` (used when a KMZ has no waylines.wpml, and for its takeOffRefPoint). */
export function readTemplateKml(text: string, warn: Warn, needWaylines: boolean): ReadMission {
  const { root, doc: d, version } = parseWpmlXml(text, 'template.kml', warn);
  const documentEl = d.one(root, 'Document', true);
  if (!documentEl) throw new PlanFormatError('template.kml 缺少 Document / template.kml has no Document');
  const config = readConfig(d, documentEl, warn);
  if (!needWaylines) return { version, ...config, waylines: [] };
  const folders = d.all(documentEl, 'Folder', true);
  const waylines = folders.map((folder, fi): ReadWayline => {
    const type = d.text(folder, 'templateType');
    if (type !== 'waypoint') {
      throw new PlanFormatError(
        `KMZ 只有 ${type ?? '?'} 模板、没有 waylines.wpml：请先在 DJI Pilot 2 / 司空 2 中生成航线再导出 / ` +
          `the KMZ holds a "${type ?? '?'}" template but no waylines.wpml: let DJI Pilot 2 or FlightHub 2 generate the wayline and export again`,
      );
    }
    const sys = d.one(folder, 'waylineCoordinateSysParam');
    const hm = sys ? d.text(sys, 'heightMode') : 'relativeToStartPoint';
    let heightMode: ReadWayline['heightMode'];
    if (hm === 'relativeToStartPoint') heightMode = 'relative';
    else if (hm === 'EGM96') heightMode = 'amsl';
    else if (hm === 'aboveGroundLevel') {
      heightMode = 'terrain';
      warn(
        'wpml-above-ground-level',
        'AGL 高度按相对地面高度导入（MAVLink 坐标系 10，仅 ArduPilot 支持）',
        'aboveGroundLevel heights imported as above-terrain (MAV_FRAME 10, ArduPilot only)',
      );
    } else {
      throw new PlanFormatError(
        `template.kml 高度模式 "${hm ?? ''}" 不支持 / template.kml: unsupported heightMode "${hm ?? ''}"`,
      );
    }
    const globalHeight = d.num(folder, 'globalHeight', 'Folder');
    const body = readFolder(
      d,
      folder,
      fi,
      (pm, where) => {
        if (d.num(pm, 'useGlobalHeight', where) === 1 && globalHeight !== null) return globalHeight;
        return d.need(pm, 'height', where);
      },
      warn,
    );
    return { heightMode, heightsAreEllipsoidal: false, ...body };
  });
  if (waylines.length === 0)
    throw new PlanFormatError('template.kml 没有航线模板 / template.kml has no template Folder');
  return { version, ...config, waylines };
}
