import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportQgcPlan, importQgcPlan, PlanFormatError } from '../src/formats/qgc-plan.ts';
import { readWpl, writeWpl } from '../src/formats/wpl.ts';
import { readGmlPolygons, readKml, readKmz, readShapefile } from '../src/formats/areas.ts';
import { planSchema } from '../src/plan-schema.ts';
import { planSurvey } from '../src/planning/survey.ts';
import { MAV_CMD, MAV_FRAME } from '../src/planning/mavlink.ts';
import { lonLat, polygonM } from './helpers.ts';
import { builtPlans, fields2coverGml, missionPlannerWpl, qgcPlanDoc } from './plan-files.ts';

// Files built in the test (./plan-files.ts); the real third-party samples are read by formats.compat.test.ts.
describe('QGroundControl .plan import', () => {
  for (const [name, { doc, want }] of Object.entries(builtPlans)) {
    it(name, () => {
      const text = JSON.stringify(doc, null, 4);
      if (typeof want === 'number') {
        const plan = importQgcPlan(text);
        expect(() => planSchema.parse(plan)).not.toThrow();
        expect(plan.sorties[0]!.items.length).toBeGreaterThanOrEqual(want);
      } else {
        expect(() => importQgcPlan(text)).toThrow(want);
        expect(() => importQgcPlan(text)).toThrow(PlanFormatError);
      }
    });
  }

  it('reads positions, frames and planned home of the plain plan', () => {
    const plan = importQgcPlan(JSON.stringify(qgcPlanDoc()));
    const first = plan.sorties[0]!.items[0]!;
    expect(first.command).toBe(MAV_CMD.NAV_TAKEOFF);
    expect(first.frame).toBe(MAV_FRAME.GLOBAL_RELATIVE_ALT_INT);
    expect(first.x).toBe(473977507);
    expect(first.y).toBe(85456075);
    expect(plan.launch.lat).toBeCloseTo(47.3977507, 7);
  });

  it('takes the embedded items of the survey in order', () => {
    const plan = importQgcPlan(JSON.stringify(builtPlans['survey with embedded items']!.doc));
    const cmds = plan.sorties[0]!.items.map((i) => i.command);
    expect(cmds.slice(0, 3)).toEqual([530, MAV_CMD.NAV_WAYPOINT, MAV_CMD.DO_SET_CAM_TRIGG_DIST]);
    expect(cmds.filter((c) => c === MAV_CMD.NAV_WAYPOINT)).toHaveLength(6);
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => importQgcPlan('\u0000garbage')).toThrow(/not JSON/);
  });
});

describe('QGroundControl .plan export', () => {
  it('round-trips a planned survey with its geofence', () => {
    const nofly = polygonM(
      [
        [
          [500, 500],
          [600, 500],
          [600, 600],
          [500, 600],
        ],
      ],
      { id: 'nf' },
    );
    const plan = planSurvey(
      polygonM([
        [
          [0, 0],
          [300, 0],
          [300, 200],
          [0, 200],
        ],
      ]),
      { launch: lonLat(-20, -20), altAglM: 60, nofly },
    );
    const text = exportQgcPlan(plan);
    const doc = JSON.parse(text);
    expect(doc.version).toBe(1);
    expect(doc.mission.version).toBe(2);
    expect(doc.geoFence.polygons[0].inclusion).toBe(false);
    expect(doc.mission.items[0].frame).toBe(3);
    const back = importQgcPlan(text);
    expect(back.sorties[0]!.items.map((i) => [i.command, i.frame, i.x, i.y])).toEqual(
      plan.sorties[0]!.items.map((i) => [i.command, i.frame, i.x, i.y]),
    );
    expect(back.geofence!.polygons).toHaveLength(1);
  });
});

describe('QGC WPL 110', () => {
  it('reads a Mission Planner file and writes it back', () => {
    const wpl = readWpl(missionPlannerWpl());
    expect(wpl.items).toHaveLength(4);
    expect(wpl.items[0]!.command).toBe(MAV_CMD.NAV_TAKEOFF);
    expect(wpl.items[3]!.command).toBe(MAV_CMD.NAV_RETURN_TO_LAUNCH);
    const again = readWpl(writeWpl({ home: { lat: 47.39, lon: 8.54, altM: 488 }, items: wpl.items }));
    expect(again.home).toEqual({ lat: 47.39, lon: 8.54, altM: 488 });
    expect(again.items.map((i) => [i.command, i.frame, i.x, i.y, i.z])).toEqual(
      wpl.items.map((i) => [i.command, i.frame, i.x, i.y, i.z]),
    );
  });
  it('rejects a file without the header or with short rows', () => {
    expect(() => readWpl('hello')).toThrow(/QGC WPL 110/);
    expect(() => readWpl('QGC WPL 110\n0\t1\t0')).toThrow(/line 2: expected 12 numbers/);
  });
});

const kmlText = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>田块A</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>119.13,28.06,0 119.135,28.06,0 119.135,28.064,0 119.13,28.064,0 119.13,28.06,0</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Document></kml>`;

/** A minimal single-polygon .shp (ESRI spec: 100-byte header, one Polygon record). */
function tinyShp(ring: Array<[number, number]>): Uint8Array {
  const contentLen = 4 + 32 + 4 + 4 + 4 + ring.length * 16;
  const buf = new DataView(new ArrayBuffer(100 + 8 + contentLen));
  buf.setInt32(0, 9994);
  buf.setInt32(24, (100 + 8 + contentLen) / 2);
  buf.setInt32(28, 1000, true);
  buf.setInt32(32, 5, true);
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  box.forEach((v, i) => buf.setFloat64(36 + i * 8, v, true));
  buf.setInt32(100, 1);
  buf.setInt32(104, contentLen / 2);
  let o = 108;
  buf.setInt32(o, 5, true);
  box.forEach((v, i) => buf.setFloat64(o + 4 + i * 8, v, true));
  buf.setInt32(o + 36, 1, true);
  buf.setInt32(o + 40, ring.length, true);
  buf.setInt32(o + 44, 0, true);
  o += 48;
  ring.forEach(([x, y], i) => {
    buf.setFloat64(o + i * 16, x, true);
    buf.setFloat64(o + i * 16 + 8, y, true);
  });
  return new Uint8Array(buf.buffer);
}

describe('area import', () => {
  it('reads KML and KMZ polygons', () => {
    const fc = readKml(kmlText);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]!.properties!.name).toBe('田块A');
    const kmz = readKmz(zipSync({ 'doc.kml': strToU8(kmlText) }));
    expect(kmz.features[0]!.geometry.type).toBe('Polygon');
    expect(() => readKml('<nope')).toThrow(/cannot parse KML/);
    expect(() => readKmz(new Uint8Array([1, 2, 3]))).toThrow(/not a valid zip/);
  });

  it('reads a Shapefile in UTM 50N from a zip and reprojects it to WGS84', async () => {
    const ring: Array<[number, number]> = [
      [500000, 3100000],
      [500000, 3100300],
      [500400, 3100300],
      [500400, 3100000],
      [500000, 3100000],
    ];
    const prj =
      'PROJCS["WGS 84 / UTM zone 50N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]';
    const fc = await readShapefile(zipSync({ 'field.shp': tinyShp(ring), 'field.prj': strToU8(prj) }));
    const c = (fc.features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]![0]!;
    expect(c[0]).toBeCloseTo(117, 3);
    expect(c[1]).toBeGreaterThan(27.9);
    expect(c[1]).toBeLessThan(28.1);
    await expect(readShapefile(new Uint8Array([9, 9]))).rejects.toThrow(/not a valid zip/);
  });

  it('reads a Fields2Cover-style GML field and leaves its edge lines out', () => {
    const fc = readGmlPolygons(fields2coverGml(12));
    expect(fc.features).toHaveLength(1);
    const ring = (fc.features[0]!.geometry as { coordinates: number[][][] }).coordinates[0]!;
    expect(ring).toHaveLength(13);
    expect(ring[0]![0]).toBeCloseTo(119.13 + 0.002, 9);
    expect(ring[0]![1]).toBeCloseTo(28.06, 9);
  });
});

describe('file edges: positions out of range and unreadable fences are refused with a reason', () => {
  const plainPlan = () => qgcPlanDoc() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('.plan: a waypoint outside ±90/±180 is named, not wrapped into int32 degE7', () => {
    const doc = plainPlan();
    doc.mission.items[1].params[4] = 470;
    expect(() => importQgcPlan(JSON.stringify(doc))).toThrow(/position out of range at item 1: lat 470/);
  });

  it('.plan: an out-of-range planned home is refused', () => {
    const doc = plainPlan();
    doc.mission.plannedHomePosition = [47.39, 853.1, 488];
    expect(() => importQgcPlan(JSON.stringify(doc))).toThrow(/mission\.plannedHomePosition/);
  });

  it('.plan: a malformed geofence is refused instead of silently dropped', () => {
    const doc = plainPlan();
    doc.geoFence = { version: 2, polygons: [{ inclusion: true, polygon: [[47.39, 8.54, 0]] }] };
    expect(() => importQgcPlan(JSON.stringify(doc))).toThrow(/malformed geoFence: polygons\.0\.polygon\.0/);
    doc.geoFence = {
      version: 2,
      polygons: [
        {
          inclusion: false,
          polygon: [
            [47.39, 8.54],
            [47.4, 8.55],
          ],
        },
      ],
    };
    expect(() => importQgcPlan(JSON.stringify(doc))).toThrow(/geoFence\.polygons\.0 has fewer than 3 vertices/);
  });

  it('WPL: out-of-range item and home positions name their line', () => {
    const row = (i: number, cmd: number, lat: number, lon: number) =>
      [i, 0, 3, cmd, 0, 0, 0, 0, lat, lon, 30, 1].join('\t');
    expect(() => readWpl(`QGC WPL 110\n${row(0, 16, 47.39, 8.54)}\n${row(1, 16, 95, 8.54)}\n`)).toThrow(
      /position out of range at line 3: lat 95/,
    );
    const home = [0, 1, 0, 16, 0, 0, 0, 0, 47.39, 1854, 488, 1].join('\t');
    expect(() => readWpl(`QGC WPL 110\n${home}\n`)).toThrow(/line 2 \(home\)/);
  });

  it('Shapefile without .prj in projected metres is refused (not read as degrees)', async () => {
    const ring: Array<[number, number]> = [
      [500000, 3100000],
      [500000, 3100300],
      [500400, 3100300],
      [500000, 3100000],
    ];
    await expect(readShapefile({ shp: tinyShp(ring) })).rejects.toThrow(/not WGS84 lon\/lat \(missing \.prj\?\)/);
  });

  it('GML with a broken coordinate is refused', () => {
    const gml = `<r xmlns:gml="http://www.opengis.net/gml"><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing>
      <gml:coordinates>0,0 1,0 x,1 0,0</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></r>`;
    expect(() => readGmlPolygons(gml)).toThrow(/GML feature 1: coordinate \(NaN, 1\)/);
  });
});

describe('zip members', () => {
  it('a KMZ is read without inflating its other members (a broken icon does not spoil the areas)', () => {
    const zip = zipSync({ 'doc.kml': strToU8(kmlText), 'files/icon.png': new Uint8Array(4096).fill(7) });
    const name = strToU8('files/icon.png');
    // Local header of the icon: signature, …, name at +30, data right after (no extra field from fflate).
    let at = -1;
    for (let i = 0; i < zip.length - 4 && at < 0; i++) {
      if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 3 && zip[i + 3] === 4) {
        const n = zip[i + 26]! | (zip[i + 27]! << 8);
        if (n === name.length && name.every((b, k) => zip[i + 30 + k] === b)) at = i + 30 + n + zip[i + 28]!;
      }
    }
    expect(at).toBeGreaterThan(0);
    zip[at] = 0x07; // deflate block type 3: invalid
    expect(() => unzipSync(zip)).toThrow();
    expect(readKmz(zip).features[0]!.properties!.name).toBe('田块A');
  });
});
