import { isNavWithPosition, fromDegE7, sequenceItems, type MissionItem } from '../planning/mavlink.ts';
import { assertLatLon, fileFrameFromItem, missionItemFromFile, PlanFormatError } from './qgc-plan.ts';

/** A `QGC WPL 110` file: the home row (when present) and the mission items. */
export interface WaypointFile {
  home?: { lat: number; lon: number; altM: number };
  items: MissionItem[];
}

/**
 * Reads a `QGC WPL 110` waypoint file (Mission Planner / QGC): tab-separated rows
 * `index current frame command p1 p2 p3 p4 lat lon alt autocontinue`. Row 0 is taken as home when it
 * is a plain waypoint (ArduPilot's convention), otherwise as the first item.
 */
export function readWpl(text: string): WaypointFile {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const header = lines[0];
  if (!header || !/^QGC WPL 110$/.test(header)) {
    throw new PlanFormatError(
      `不是 QGC WPL 110 文件 / not a "QGC WPL 110" file (first line: "${(header ?? '').slice(0, 40)}")`,
    );
  }
  const rows = lines.slice(1).map((l, i) => {
    const f = l.split(/\s+/).map(Number);
    if (f.length !== 12 || f.some((v) => !Number.isFinite(v))) {
      throw new PlanFormatError(`第 ${i + 2} 行应有 12 个数字 / line ${i + 2}: expected 12 numbers`);
    }
    return f;
  });
  let home: WaypointFile['home'];
  const items: MissionItem[] = [];
  rows.forEach((f, i) => {
    const [, , frame, command, p1, p2, p3, p4, lat, lon, alt, ac] = f as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (i === 0 && command === 16 && frame === 0) {
      assertLatLon(lat, lon, 'line 2 (home)');
      home = { lat, lon, altM: alt };
      return;
    }
    items.push(
      missionItemFromFile(
        { frame, command, params: [p1, p2, p3, p4, lat, lon, alt], autoContinue: ac !== 0 },
        `line ${i + 2}`,
      ),
    );
  });
  return { ...(home ? { home } : {}), items: sequenceItems(items) };
}

/** Writes items as `QGC WPL 110`, with home as row 0 (ArduPilot's convention). NaN params are written as 0. */
export function writeWpl(file: WaypointFile): string {
  const num = (v: number | null) => (v === null || !Number.isFinite(v) ? '0' : String(Number(v.toFixed(8))));
  const rows: string[] = ['QGC WPL 110'];
  const h = file.home ?? { lat: 0, lon: 0, altM: 0 };
  rows.push(['0', '1', '0', '16', '0', '0', '0', '0', num(h.lat), num(h.lon), num(h.altM), '1'].join('\t'));
  file.items.forEach((it, i) => {
    const hasPos = isNavWithPosition(it.command);
    rows.push(
      [
        String(i + 1),
        '0',
        String(fileFrameFromItem(it.frame)),
        String(it.command),
        num(it.param1),
        num(it.param2),
        num(it.param3),
        num(it.param4),
        num(hasPos ? fromDegE7(it.x) : it.x),
        num(hasPos ? fromDegE7(it.y) : it.y),
        num(it.z),
        String(it.autocontinue),
      ].join('\t'),
    );
  });
  return rows.join('\n') + '\n';
}
