/**
 * An independent check of WPML files against DJI's published element tables (DJI Cloud API › 航线文件格式:
 * template.kml 说明, waylines.wpml 说明, 共用元素), written from the tables and not from the exporter: required
 * elements ("必需元素"), enumerations and value ranges. Returns the list of violations (empty = valid).
 */
import { DOMParser } from '@xmldom/xmldom';

const KML = 'http://www.opengis.net/kml/2.2';

interface E {
  namespaceURI: string | null;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number }>;
  getAttribute(n: string): string | null;
}

const kids = (e: E) => Array.from(e.childNodes).filter((n) => n.nodeType === 1) as unknown as E[];

export function checkWpml(text: string, kind: 'template' | 'waylines'): string[] {
  const errs: string[] = [];
  const root = new DOMParser().parseFromString(text, 'text/xml').documentElement as unknown as E;
  if (root.namespaceURI !== KML || root.localName !== 'kml') errs.push('root is not {KML 2.2}kml');
  const wpml = root.getAttribute('xmlns:wpml');
  if (!wpml || !/^http:\/\/www\.dji\.com\/wpmz\/1\.0\.\d+$/.test(wpml)) errs.push(`wpml namespace ${wpml}`);
  const w = (e: E, n: string) => kids(e).filter((k) => k.namespaceURI === wpml && k.localName === n);
  const k = (e: E, n: string) => kids(e).filter((c) => c.namespaceURI === KML && c.localName === n);
  const txt = (e: E, n: string) => w(e, n)[0]?.textContent?.trim() ?? null;
  const need = (e: E, n: string, where: string) => {
    if (w(e, n).length !== 1) errs.push(`${where}: wpml:${n} required once`);
    return txt(e, n);
  };
  const oneOf = (v: string | null, vals: string[], where: string) => {
    if (v !== null && !vals.includes(v)) errs.push(`${where}: "${v}" not in ${vals.join('|')}`);
  };
  const range = (v: string | null, lo: number, hi: number, where: string) => {
    if (v === null) return;
    const x = Number(v);
    if (!(x >= lo && x <= hi)) errs.push(`${where}: ${v} outside [${lo}, ${hi}]`);
  };
  const int = (v: string | null, where: string) => {
    if (v !== null && !/^\d+$/.test(v)) errs.push(`${where}: ${v} is not an integer ≥ 0`);
  };

  const doc = k(root, 'Document')[0];
  if (!doc) return [...errs, 'no Document'];
  const mc = w(doc, 'missionConfig')[0];
  if (!mc) errs.push('no wpml:missionConfig');
  else {
    oneOf(need(mc, 'flyToWaylineMode', 'missionConfig'), ['safely', 'pointToPoint'], 'flyToWaylineMode');
    oneOf(
      need(mc, 'finishAction', 'missionConfig'),
      ['goHome', 'noAction', 'autoLand', 'gotoFirstWaypoint'],
      'finishAction',
    );
    const lost = need(mc, 'exitOnRCLost', 'missionConfig');
    oneOf(lost, ['goContinue', 'executeLostAction'], 'exitOnRCLost');
    if (lost === 'executeLostAction')
      oneOf(need(mc, 'executeRCLostAction', 'missionConfig'), ['goBack', 'landing', 'hover'], 'executeRCLostAction');
    range(need(mc, 'takeOffSecurityHeight', 'missionConfig'), 1.2, 1500, 'takeOffSecurityHeight');
    range(need(mc, 'globalTransitionalSpeed', 'missionConfig'), 1, 15, 'globalTransitionalSpeed');
    range(need(mc, 'globalRTHHeight', 'missionConfig'), 2, 1500, 'globalRTHHeight');
    const ref = txt(mc, 'takeOffRefPoint');
    if (ref !== null) {
      if (kind !== 'template') errs.push('takeOffRefPoint is a template.kml element');
      const [lat, lon, h] = ref.split(',').map(Number);
      range(String(lat), -90, 90, 'takeOffRefPoint lat');
      range(String(lon), -180, 180, 'takeOffRefPoint lon');
      if (!Number.isFinite(h)) errs.push('takeOffRefPoint height');
    }
    const di = w(mc, 'droneInfo')[0];
    if (!di) errs.push('no droneInfo');
    else {
      int(need(di, 'droneEnumValue', 'droneInfo'), 'droneEnumValue');
      int(need(di, 'droneSubEnumValue', 'droneInfo'), 'droneSubEnumValue');
    }
    const pi = w(mc, 'payloadInfo')[0];
    if (!pi) errs.push('no payloadInfo');
    else {
      int(need(pi, 'payloadEnumValue', 'payloadInfo'), 'payloadEnumValue');
      int(need(pi, 'payloadPositionIndex', 'payloadInfo'), 'payloadPositionIndex');
    }
  }

  const folders = k(doc, 'Folder');
  if (folders.length === 0) errs.push('no Folder');
  for (const f of folders) {
    int(need(f, 'templateId', 'Folder'), 'templateId');
    range(need(f, 'autoFlightSpeed', 'Folder'), 1, 15, 'autoFlightSpeed');
    if (kind === 'template') {
      oneOf(need(f, 'templateType', 'Folder'), ['waypoint', 'mapping2d', 'mapping3d', 'mappingStrip'], 'templateType');
      const sys = w(f, 'waylineCoordinateSysParam')[0];
      if (!sys) errs.push('no waylineCoordinateSysParam');
      else {
        oneOf(need(sys, 'coordinateMode', 'coordinateSys'), ['WGS84'], 'coordinateMode');
        oneOf(
          need(sys, 'heightMode', 'coordinateSys'),
          ['EGM96', 'relativeToStartPoint', 'aboveGroundLevel', 'realTimeFollowSurface'],
          'heightMode',
        );
      }
      need(f, 'globalHeight', 'Folder');
      oneOf(need(f, 'gimbalPitchMode', 'Folder'), ['manual', 'usePointSetting'], 'gimbalPitchMode');
      oneOf(need(f, 'globalWaypointTurnMode', 'Folder'), TURN_MODES, 'globalWaypointTurnMode');
      const pp = w(f, 'payloadParam')[0];
      if (pp) need(pp, 'imageFormat', 'payloadParam');
    } else {
      int(need(f, 'waylineId', 'Folder'), 'waylineId');
      oneOf(
        need(f, 'executeHeightMode', 'Folder'),
        ['WGS84', 'relativeToStartPoint', 'realTimeFollowSurface'],
        'executeHeightMode',
      );
    }
    const pms = k(f, 'Placemark');
    const groupIds = new Set<string>();
    pms.forEach((pm, i) => {
      const where = `Placemark ${i}`;
      const coords = k(pm, 'Point')[0] && k(k(pm, 'Point')[0]!, 'coordinates')[0]?.textContent?.trim();
      const [lon, lat] = (coords ?? '').split(',').map(Number);
      if (!(Math.abs(lon!) <= 180 && Math.abs(lat!) <= 90)) errs.push(`${where}: Point coordinates "${coords}"`);
      if (need(pm, 'index', where) !== String(i)) errs.push(`${where}: index must run 0, 1, 2, … in order`);
      if (kind === 'waylines') {
        need(pm, 'executeHeight', where);
        range(need(pm, 'waypointSpeed', where), 1, 15, `${where} waypointSpeed`);
      } else {
        if (need(pm, 'useGlobalHeight', where) === '0') {
          need(pm, 'ellipsoidHeight', where);
          need(pm, 'height', where);
        }
        if (need(pm, 'useGlobalSpeed', where) === '0')
          range(need(pm, 'waypointSpeed', where), 1, 15, `${where} waypointSpeed`);
      }
      const ownHeading = kind === 'waylines' || need(pm, 'useGlobalHeadingParam', where) === '0';
      const ownTurn = kind === 'waylines' || need(pm, 'useGlobalTurnParam', where) === '0';
      const hp = w(pm, 'waypointHeadingParam')[0];
      if (!hp) {
        if (ownHeading) errs.push(`${where}: waypointHeadingParam required`);
      } else {
        const mode = need(hp, 'waypointHeadingMode', where);
        oneOf(mode, ['followWayline', 'manually', 'fixed', 'smoothTransition', 'towardPOI'], 'waypointHeadingMode');
        if (mode === 'smoothTransition') range(need(hp, 'waypointHeadingAngle', where), -180, 180, `${where} heading`);
        oneOf(
          txt(hp, 'waypointHeadingPathMode'),
          ['clockwise', 'counterClockwise', 'followBadArc'],
          'waypointHeadingPathMode',
        );
      }
      const tp = w(pm, 'waypointTurnParam')[0];
      if (!tp) {
        if (ownTurn) errs.push(`${where}: waypointTurnParam required`);
      } else {
        const mode = need(tp, 'waypointTurnMode', where);
        oneOf(mode, TURN_MODES, 'waypointTurnMode');
        const straight = txt(pm, 'useStraightLine');
        if (
          mode?.includes('ContinuityCurvature') &&
          mode !== 'toPointAndStopWithDiscontinuityCurvature' &&
          straight === null
        )
          errs.push(`${where}: useStraightLine required with ${mode}`);
        const damp = txt(tp, 'waypointTurnDampingDist');
        if (mode === 'coordinateTurn' || (mode === 'toPointAndPassWithContinuityCurvature' && straight === '1')) {
          if (damp === null || !(Number(damp) > 0))
            errs.push(`${where}: waypointTurnDampingDist > 0 required with ${mode}`);
        }
      }
      if (kind === 'template' && txt(f, 'gimbalPitchMode') === 'usePointSetting') need(pm, 'gimbalPitchAngle', where);
      for (const g of w(pm, 'actionGroup')) {
        const gid = need(g, 'actionGroupId', `${where} actionGroup`);
        int(gid, 'actionGroupId');
        if (gid !== null && groupIds.has(gid)) errs.push(`${where}: actionGroupId ${gid} repeated`);
        if (gid !== null) groupIds.add(gid);
        const s = Number(need(g, 'actionGroupStartIndex', where));
        const e = Number(need(g, 'actionGroupEndIndex', where));
        if (!(e >= s) || e >= pms.length) errs.push(`${where}: action group ${s}..${e} outside the wayline`);
        oneOf(need(g, 'actionGroupMode', where), ['sequence'], 'actionGroupMode');
        const t = w(g, 'actionTrigger')[0];
        const type = t ? need(t, 'actionTriggerType', where) : null;
        oneOf(type, ['reachPoint', 'betweenAdjacentPoints', 'multipleTiming', 'multipleDistance'], 'actionTriggerType');
        if ((type === 'multipleTiming' || type === 'multipleDistance') && !(Number(txt(t!, 'actionTriggerParam')) > 0))
          errs.push(`${where}: actionTriggerParam > 0 required for ${type}`);
        w(g, 'action').forEach((a, j) => {
          if (need(a, 'actionId', `${where} action`) !== String(j)) errs.push(`${where}: actionId must run 0, 1, …`);
          const func = need(a, 'actionActuatorFunc', `${where} action`);
          oneOf(func, ACTIONS, 'actionActuatorFunc');
          const p = w(a, 'actionActuatorFuncParam')[0];
          for (const req of ACTION_PARAMS[func ?? ''] ?? [])
            if (!p || txt(p, req) === null) errs.push(`${where} ${func}: ${req} required`);
        });
      }
    });
  }
  return errs;
}

const TURN_MODES = [
  'coordinateTurn',
  'toPointAndStopWithDiscontinuityCurvature',
  'toPointAndStopWithContinuityCurvature',
  'toPointAndPassWithContinuityCurvature',
];
const ACTIONS = [
  'takePhoto',
  'startRecord',
  'stopRecord',
  'focus',
  'zoom',
  'customDirName',
  'gimbalRotate',
  'rotateYaw',
  'hover',
  'gimbalEvenlyRotate',
  'accurateShoot',
  'orientedShoot',
  'panoShot',
  'recordPointCloud',
];
/** Required parameters per action (共用元素 › actionActuatorFuncParam; lens index only where the M3E lists it). */
const ACTION_PARAMS: Record<string, string[]> = {
  takePhoto: ['payloadPositionIndex', 'fileSuffix', 'useGlobalPayloadLensIndex'],
  startRecord: ['payloadPositionIndex', 'fileSuffix', 'useGlobalPayloadLensIndex'],
  stopRecord: ['payloadPositionIndex'],
  gimbalRotate: [
    'payloadPositionIndex',
    'gimbalHeadingYawBase',
    'gimbalRotateMode',
    'gimbalPitchRotateEnable',
    'gimbalPitchRotateAngle',
    'gimbalRollRotateEnable',
    'gimbalRollRotateAngle',
    'gimbalYawRotateEnable',
    'gimbalYawRotateAngle',
    'gimbalRotateTimeEnable',
    'gimbalRotateTime',
  ],
  hover: ['hoverTime'],
  rotateYaw: ['aircraftHeading'],
};
