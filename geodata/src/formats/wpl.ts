import { isNavWithPosition, fromDegE7, sequenceItems, type MissionItem } from '../planning/mavlink.ts';
import {
  assertLatLon,
  fileFrameFromItem,
  missionItemFromFile,
  PlanFormatError,
  type ImportOptions,
  type ImportWarning,
} from './qgc-plan.ts';

/** A `QGC WPL 110` file: the home row (when present) and the mission items. */
export interface WaypointFile {
  home?: { lat: number; lon: number; altM: number };
  items: MissionItem[];
  /** What the import had to compute (none: WPL rows carry their altitudes). */
  warnings?: ImportWarning[];
}

const COLUMNS = ['index', 'current', 'frame', 'command', 'p1', 'p2', 'p3', 'p4', 'lat', 'lon', 'alt', 'autocontinue'];

/**
 * Reads a `QGC WPL 110` waypoint file (Mission Planner / QGC): tab-separated rows
 * `index current frame command p1 p2 p3 p4 lat lon alt autocontinue`. Row 0 is taken as home when it
 * is a plain waypoint (ArduPilot's convention), otherwise as the first item. A row with a field that is not a
 * number (an empty or "nan" altitude) is refused naming the line and the column: nothing is guessed.
 */
export function readWpl(text: string, opts: ImportOptions = {}): WaypointFile {
  const warnings: ImportWarning[] = [];
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
    const raw = l.split(/\s+/);
    const f = raw.map(Number);
    if (f.length !== 12) throw new PlanFormatError(`第 ${i + 2} 行应有 12 个数字 / line ${i + 2}: expected 12 numbers`);
    const bad = f.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const col = COLUMNS[bad]!;
      throw new PlanFormatError(
        `第 ${i + 2} 行的 ${col} 不是数字 / line ${i + 2}: expected 12 numbers, ${col} (column ${bad + 1}) is "${raw[bad]}"` +
          (col === 'alt' ? '; refusing to guess an altitude' : ''),
      );
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
        opts,
        warnings,
      ),
    );
  });
  return { ...(home ? { home } : {}), items: sequenceItems(items), warnings };
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
