/**
 * Mission files built in the test, shaped the way the ground stations write them, so that the default suite
 * needs no third-party sample: QGroundControl `.plan` documents (QGC 4.x layout, like the MAVSDK test plans
 * the compatibility suite reads), `QGC WPL 110` text as Mission Planner saves it, and a Fields2Cover-style
 * GML field (a `GAOS_parcel` in EPSG:4258).
 */

type Params = [number | null, number | null, number | null, number | null, number | null, number | null, number];

/** A `SimpleItem` as QGroundControl writes it; positioned items also carry QGC's altitude fields. */
export function simpleItem(command: number, frame: number, params: Params, doJumpId: number): Record<string, unknown> {
  const base = { autoContinue: true, command, doJumpId, frame, params, type: 'SimpleItem' };
  return frame === 3 ? { AMSLAltAboveTerrain: null, Altitude: params[6], AltitudeMode: 1, ...base } : base;
}

/** Take-off, two waypoints with a photo between them, and return to launch, in Zürich like MAVSDK's sample. */
export function plainItems(): Record<string, unknown>[] {
  return [
    simpleItem(22, 3, [15, 0, 0, null, 47.3977507, 8.5456075, 50], 1),
    simpleItem(16, 3, [0, 0, 0, null, 47.39777106, 8.5466122, 50], 2),
    simpleItem(2000, 2, [0, 0, 1, 0, 0, 0, 0], 3),
    simpleItem(16, 3, [0, 0, 0, null, 47.39827377, 8.54660532, 50], 4),
    simpleItem(16, 3, [0, 0, 0, null, 47.39827842, 8.54560824, 50], 5),
    simpleItem(20, 2, [0, 0, 0, 0, 0, 0, 0], 6),
  ];
}

/** A survey complex item; `embedItems: false` leaves out `TransectStyleComplexItem.Items` (as old QGC did). */
export function surveyItem(o: { version?: number; embedItems?: boolean } = {}): Record<string, unknown> {
  const lanes: [number, number][] = [
    [47.3977059, 8.5463396],
    [47.3977059, 8.5457443],
    [47.3974811, 8.5456316],
    [47.3974811, 8.5463421],
    [47.3972563, 8.5463421],
    [47.3972563, 8.5456316],
  ];
  const items = lanes.flatMap(([lat, lon], k) => [
    simpleItem(16, 3, [0, 0, 0, null, lat, lon, 50], 2 + 2 * k),
    simpleItem(206, 2, [k % 2 === 0 ? 25 : 0, 0, 1, 0, 0, 0, 0], 3 + 2 * k),
  ]);
  return {
    TransectStyleComplexItem: {
      CameraCalc: { CameraName: 'Manual (no camera specs)', DistanceToSurface: 50, version: 1 },
      CameraShots: 6,
      ...(o.embedItems === false ? {} : { Items: items }),
      VisualTransectPoints: lanes,
      version: 1,
    },
    angle: 90,
    complexItemType: 'survey',
    polygon: [
      [47.397925, 8.545725],
      [47.397931, 8.546204],
      [47.397448, 8.54621],
      [47.397445, 8.545768],
    ],
    type: 'ComplexItem',
    version: o.version ?? 5,
  };
}

/** A structure scan: QGroundControl computes its items at load time and stores none. */
export function structureScanItem(): Record<string, unknown> {
  return {
    complexItemType: 'StructureScan',
    Layers: 2,
    StructureHeight: 100,
    polygon: [
      [47.398175, 8.546362],
      [47.398094, 8.546896],
      [47.397531, 8.546657],
    ],
    type: 'ComplexItem',
    version: 3,
  };
}

/** A whole `.plan` document; `mission: null` leaves the mission out (a fence-only file). */
export function qgcPlanDoc(
  o: {
    items?: Record<string, unknown>[];
    version?: number;
    missionVersion?: number;
    home?: [number, number, number];
    mission?: null;
  } = {},
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    fileType: 'Plan',
    geoFence: { circles: [], polygons: [], version: 2 },
    groundStation: 'QGroundControl',
    rallyPoints: { points: [], version: 2 },
    version: o.version ?? 1,
  };
  if (o.mission !== null) {
    doc.mission = {
      cruiseSpeed: 15,
      firmwareType: 12,
      globalPlanAltitudeMode: 1,
      hoverSpeed: 5,
      items: o.items ?? plainItems(),
      plannedHomePosition: o.home ?? [47.3977507, 8.5456075, 488.93],
      vehicleType: 2,
      version: o.missionVersion ?? 2,
    };
  }
  return doc;
}

/** The `.plan` cases of the MAVSDK sample set, built here: item count at least, or the refusal expected. */
export const builtPlans: Record<string, { doc: Record<string, unknown>; want: number | RegExp }> = {
  plain: { doc: qgcPlanDoc(), want: 6 },
  'digicam control, home at (0, 0)': {
    doc: qgcPlanDoc({ items: [simpleItem(203, 2, [1, 0, 0, 0, 1, 0, 0], 7)], home: [0, 0, 0] }),
    want: 1,
  },
  'survey with embedded items': {
    doc: qgcPlanDoc({ items: [simpleItem(530, 2, [0, 2, null, null, null, null, 0], 1), surveyItem()] }),
    want: 13,
  },
  'structure scan': { doc: qgcPlanDoc({ items: [structureScanItem()] }), want: /StructureScan.*not supported/ },
  'survey without embedded items': {
    doc: qgcPlanDoc({ items: [surveyItem({ embedItems: false })] }),
    want: /no embedded TransectStyleComplexItem\.Items/,
  },
  'survey version 9': {
    doc: qgcPlanDoc({ items: [surveyItem({ version: 9 })] }),
    want: /survey version 9 unsupported/,
  },
  'no mission': { doc: qgcPlanDoc({ mission: null }), want: /no mission/ },
  'mission version 7': { doc: qgcPlanDoc({ missionVersion: 7 }), want: /unsupported mission version 7/ },
  'plan version 42': { doc: qgcPlanDoc({ version: 42 }), want: /unsupported \.plan version 42/ },
};

/** `QGC WPL 110` as Mission Planner saves it: take-off, two waypoints and RTL, frame 5 (relative). */
export function missionPlannerWpl(): string {
  const rows = [
    [0, 1, 5, 22, 0, 0, 0, 0, 47.3978101, 8.545538, 15, 1],
    [1, 0, 5, 16, 0, 0, 0, 0, 47.3977992, 8.5454669, 15, 1],
    [2, 0, 5, 16, 0, 0, 0, 0, 47.3977883, 8.5453958, 15, 1],
    [3, 0, 5, 20, 0, 0, 0, 0, 47.3977774, 8.5453247, 0, 1],
  ];
  return ['QGC WPL 110', ...rows.map((r) => r.join('\t'))].join('\r\n') + '\r\n';
}

/**
 * A field in Fields2Cover's GML layout (`GAOS_parcel` → `Field` → `gml:Polygon` in EPSG:4258, then an `Edge`
 * line string that is not an area): an irregular ring of `vertices` distinct corners, closed, near Longquan.
 */
export function fields2coverGml(vertices = 12): string {
  const ring: string[] = [];
  for (let k = 0; k < vertices; k++) {
    const a = (2 * Math.PI * k) / vertices;
    const r = 0.002 * (1 + 0.25 * Math.sin(3 * a));
    ring.push(`${(119.13 + r * Math.cos(a)).toFixed(9)},${(28.06 + r * Math.sin(a)).toFixed(9)}`);
  }
  ring.push(ring[0]!);
  return `<GAOS_parcel xmlns:gml="http://www.opengis.net/gml" id="built-field">
  <Field area="17.2" id="boundary" swath_width="3">
    <geometry>
      <gml:Polygon srsName="EPSG:4258">
        <gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>${ring.join(' ')}</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs>
      </gml:Polygon>
    </geometry>
  </Field>
  <Edge id="1" include="1">
    <geometry><gml:LineString srsName="EPSG:4258"><gml:coordinates>${ring.slice(0, 3).join(' ')}</gml:coordinates></gml:LineString></geometry>
  </Edge>
</GAOS_parcel>`;
}
