/**
 * Builds the synthetic Longquan (龙泉) sample data set (see make-longquan.ts for the command). Deterministic:
 * same code → byte-identical files. Refuses to produce a data set that fails the layer validators or the
 * cross-layer consistency checks.
 */
import {
  JIAOYANG,
  MAIN,
  PUYUN,
  STUDY_BBOX,
  frame,
  frameRing,
  mainValleyHalfWidthM,
  makeTerrain,
  minRadiusM,
  sampleCurve,
  toLonLat,
  toXY,
  type LonLat,
  type RiverCurve,
  type XY,
} from './longquan-model.ts';
import { checkLayerConsistency } from '../src/layers/consistency.ts';
import { formatLayerIssue, layerSetSchema, validateLayerGeometry } from '../src/layers/index.ts';
import { departmentsFileSchema } from '../src/layers/departments.ts';
import { encodeDemGeoTiff } from '../src/dem/encode-dem.ts';

type Props = Record<string, unknown>;
interface Feature {
  type: 'Feature';
  properties: Props;
  geometry: { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'LineString'; coordinates: LonLat[] };
}

// ---------------------------------------------------------------------------------------------------------------
// geometry helpers

/** Signed area of a lon/lat ring (positive = counter-clockwise). */
function signedArea(ring: LonLat[]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Local-metre ring → closed lon/lat ring with the requested winding (RFC 7946: outer CCW, holes CW). */
function ring(xys: XY[], ccw: boolean): LonLat[] {
  const r = xys.map(toLonLat);
  const first = r[0]!;
  const last = r[r.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) r.push([first[0], first[1]]);
  // drop consecutive duplicates that 6-decimal rounding may have produced
  const dedup = r.filter((p, i) => i === 0 || p[0] !== r[i - 1]![0] || p[1] !== r[i - 1]![1]);
  if (signedArea(dedup) > 0 !== ccw) dedup.reverse();
  return dedup;
}

function polygon(props: Props, outer: XY[], holes: XY[][] = []): Feature {
  return {
    type: 'Feature',
    properties: props,
    geometry: { type: 'Polygon', coordinates: [ring(outer, true), ...holes.map((h) => ring(h, false))] },
  };
}

function circleXY(c: XY, radiusM: number, n = 32): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    out.push([c[0] + radiusM * Math.cos(a), c[1] + radiusM * Math.sin(a)]);
  }
  return out;
}

/** Rectangle on a hillside: along the river tangent at x0, from offset `fromM` to `toM` on side `side`. */
function hillsideRect(x0: number, side: 1 | -1, lengthM: number, fromM: number, toM: number): XY[] {
  const o = frame(x0, 0);
  const n1 = frame(x0, 1);
  const nx = n1[0] - o[0];
  const ny = n1[1] - o[1];
  // tangent = normal rotated clockwise
  const tx = ny;
  const ty = -nx;
  const pt = (along: number, off: number): XY => [
    o[0] + tx * along + nx * off * side,
    o[1] + ty * along + ny * off * side,
  ];
  const h = lengthM / 2;
  // a slightly irregular quadrilateral with a bent upper edge, like a surveyed slope block
  return [pt(-h, fromM), pt(h, fromM + 40), pt(h * 0.9, toM), pt(0, toM + 60), pt(-h * 1.05, toM - 30)];
}

// ---------------------------------------------------------------------------------------------------------------
// rivers

const RIVER_META: Record<string, { name: string; namePinyin: string; nameEn: string }> = {
  [MAIN.id]: { name: '龙泉溪', namePinyin: 'Longquan Xi', nameEn: 'Longquan River' },
  [JIAOYANG.id]: { name: '蛟垟溪', namePinyin: 'Jiaoyang Xi', nameEn: 'Jiaoyang Stream' },
  [PUYUN.id]: { name: '瀑云溪', namePinyin: 'Puyun Xi', nameEn: 'Puyun Stream' },
};

function riverFeature(r: RiverCurve): Feature {
  const meta = RIVER_META[r.id]!;
  const coords = sampleCurve(r, r.pFrom, r.pTo, 100).map((q) => toLonLat(q.xy));
  return {
    type: 'Feature',
    properties: { id: r.id, ...meta, kind: 'river', halfWidthM: r.halfWidthM },
    geometry: { type: 'LineString', coordinates: coords },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// jurisdictions

interface NameSet {
  name: string;
  namePinyin: string;
  nameEn: string;
}

interface VillageSpec extends NameSet {
  slug: string;
  x0: number;
  x1: number;
  t0: number;
  t1: number;
}

interface TownshipSpec extends NameSet {
  slug: string;
  code: string;
  villages: VillageSpec[];
}

const v = (
  slug: string,
  name: string,
  namePinyin: string,
  nameEn: string,
  x0: number,
  x1: number,
  t0: number,
  t1: number,
): VillageSpec => ({
  slug,
  name,
  namePinyin,
  nameEn,
  x0,
  x1,
  t0,
  t1,
});

const BANKS = 1250;
const TOWNSHIPS: TownshipSpec[] = [
  {
    slug: 'xijie',
    code: 'XJ',
    name: '西街街道',
    namePinyin: 'Xijie Jiedao',
    nameEn: 'Xijie Subdistrict',
    villages: [
      v('gongtou', '宫头村', 'Gongtou Cun', 'Gongtou Village', -9500, -7100, -BANKS, BANKS),
      v('dasha', '大沙村', 'Dasha Cun', 'Dasha Village', -7100, -4600, -BANKS, BANKS),
      v('yangao', '杨岙村', "Yang'ao Cun", "Yang'ao Village", -4600, -2100, -BANKS, BANKS),
    ],
  },
  {
    slug: 'jianchi',
    code: 'JC',
    name: '剑池街道',
    namePinyin: 'Jianchi Jiedao',
    nameEn: 'Jianchi Subdistrict',
    villages: [
      v('hualou', '华楼社区', 'Hualou Shequ', 'Hualou Community', -1300, -100, 30, 1300),
      v('liuchazhou', '留槎洲社区', 'Liuchazhou Shequ', 'Liuchazhou Community', -100, 1300, 30, 1300),
      v('wudu', '五都村', 'Wudu Cun', 'Wudu Village', 1300, 2600, 30, 1300),
    ],
  },
  {
    slug: 'longyuan',
    code: 'LY',
    name: '龙渊街道',
    namePinyin: 'Longyuan Jiedao',
    nameEn: 'Longyuan Subdistrict',
    villages: [
      v('shuinan', '水南社区', 'Shuinan Shequ', 'Shuinan Community', -1300, -100, -1300, -30),
      v('xinhua', '新华社区', 'Xinhua Shequ', 'Xinhua Community', -100, 1300, -1300, -30),
      v('chengnan', '城南社区', 'Chengnan Shequ', 'Chengnan Community', 1300, 2600, -1300, -30),
    ],
  },
  {
    slug: 'tashi',
    code: 'TS',
    name: '塔石街道',
    namePinyin: 'Tashi Jiedao',
    nameEn: 'Tashi Subdistrict',
    villages: [
      v('tashi', '塔石村', 'Tashi Cun', 'Tashi Village', 3400, 5500, -BANKS, BANKS),
      v('xiazhang', '下樟村', 'Xiazhang Cun', 'Xiazhang Village', 5500, 7600, -BANKS, BANKS),
      v('anfu', '安福村', 'Anfu Cun', 'Anfu Village', 7600, 9500, -BANKS, BANKS),
    ],
  },
];

/** River-frame x where the township boundaries cross 龙泉溪 (multiples of the 100 m river sampling). */
const XW = -1700;
const XE = 3000;
const NEAR_T = 1400;

/** A township boundary line from the south edge to the north edge, perpendicular to the river near it. */
function boundaryLine(xr: number, yS: number, yN: number, wiggle: number): XY[] {
  const near: XY[] = [];
  for (let t = -NEAR_T; t <= NEAR_T; t += 100) near.push(frame(xr, t));
  const q1 = near[0]!;
  const p1 = near[near.length - 1]!;
  return [
    [q1[0] - 0.6 * wiggle, yS],
    [q1[0] + wiggle, (q1[1] + yS) / 2],
    ...near,
    [p1[0] - wiggle, (p1[1] + yN) / 2 + 300],
    [p1[0] + 0.5 * wiggle, yN],
  ];
}

function jurisdictionFeatures(): Feature[] {
  const [w, s, e, n] = STUDY_BBOX;
  const [xW, yS] = toXY([w, s]);
  const [xE, yN] = toXY([e, n]);
  const west = boundaryLine(XW, yS, yN, 280);
  const east = boundaryLine(XE, yS, yN, -220);
  // index of the river crossing (t = 0) in a boundary line: two outer vertices, then t = -NEAR_T … 0
  const wR = 2 + NEAR_T / 100;
  const eR = wR;
  if (west[wR]![0] !== XW || east[eR]![0] !== XE)
    throw new Error('boundary lines do not cross the river where expected');
  const riverMid: XY[] = [];
  for (let x = XW; x <= XE; x += 100) riverMid.push(frame(x, 0));

  const cityRing: XY[] = [
    [xW, yS],
    west[0]!,
    east[0]!,
    [xE, yS],
    [xE, yN],
    east[east.length - 1]!,
    west[west.length - 1]!,
    [xW, yN],
  ];
  const rings: Record<string, XY[]> = {
    xijie: [[xW, yS], ...west, [xW, yN]],
    tashi: [...east, [xE, yN], [xE, yS]],
    jianchi: [...west.slice(wR), ...east.slice(eR).reverse(), ...riverMid.slice(1, -1).reverse()],
    longyuan: [...riverMid, ...east.slice(0, eR).reverse(), ...west.slice(0, wR)],
  };

  const feats: Feature[] = [
    polygon(
      {
        id: 'jur-longquan',
        name: '龙泉市',
        namePinyin: 'Longquan Shi',
        nameEn: 'Longquan City',
        kind: 'jurisdiction',
        level: 'city',
        parentId: null,
        gridCode: 'LQ',
        gridName: '龙泉市社会治理中心',
      },
      cityRing,
    ),
  ];
  for (const t of TOWNSHIPS) {
    const tid = `jur-${t.slug}`;
    feats.push(
      polygon(
        {
          id: tid,
          name: t.name,
          namePinyin: t.namePinyin,
          nameEn: t.nameEn,
          kind: 'jurisdiction',
          level: 'township',
          parentId: 'jur-longquan',
          gridCode: `LQ-${t.code}`,
          gridName: `${t.name}网格中心`,
        },
        rings[t.slug]!,
      ),
    );
    t.villages.forEach((vs, i) => {
      const num = String(i + 1).padStart(2, '0');
      feats.push(
        polygon(
          {
            id: `jur-${t.slug}-${vs.slug}`,
            name: vs.name,
            namePinyin: vs.namePinyin,
            nameEn: vs.nameEn,
            kind: 'jurisdiction',
            level: 'village',
            parentId: tid,
            gridCode: `LQ-${t.code}-${num}`,
            gridName: `${t.name}第${i + 1}网格`,
          },
          frameRing(
            [
              [vs.x0, vs.t0],
              [vs.x1, vs.t0],
              [vs.x1, vs.t1],
              [vs.x0, vs.t1],
            ],
            100,
          ),
        ),
      );
    });
  }
  return feats;
}

// ---------------------------------------------------------------------------------------------------------------
// farmland

type Shape = 'rect' | 'L' | 'hole';
interface FarmSpec {
  x0: number;
  x1: number;
  t0: number;
  t1: number;
  shape: Shape;
  crop: string;
}

const FARMS: FarmSpec[] = [
  { x0: -9200, x1: -8700, t0: 100, t1: 450, shape: 'rect', crop: '水稻' },
  { x0: -8500, x1: -8000, t0: -500, t1: -120, shape: 'L', crop: '水稻' },
  { x0: -7800, x1: -7300, t0: 120, t1: 500, shape: 'hole', crop: '水稻' },
  { x0: -7000, x1: -6500, t0: -450, t1: -110, shape: 'rect', crop: '水稻' },
  { x0: -6300, x1: -5800, t0: 150, t1: 600, shape: 'L', crop: '茭白' },
  { x0: -5600, x1: -5100, t0: -600, t1: -150, shape: 'rect', crop: '水稻' },
  { x0: -4900, x1: -4400, t0: 110, t1: 400, shape: 'rect', crop: '蔬菜' },
  { x0: -4200, x1: -4000, t0: -300, t1: -120, shape: 'rect', crop: '蔬菜' },
  { x0: -3000, x1: -2600, t0: 120, t1: 380, shape: 'L', crop: '水稻' },
  { x0: 3500, x1: 4000, t0: -600, t1: -130, shape: 'rect', crop: '水稻' },
  { x0: 4300, x1: 4700, t0: -500, t1: -120, shape: 'hole', crop: '水稻' },
  { x0: 5750, x1: 6250, t0: 140, t1: 550, shape: 'L', crop: '水稻' },
  { x0: 6300, x1: 6800, t0: -520, t1: -130, shape: 'rect', crop: '茭白' },
  { x0: 7000, x1: 7500, t0: 130, t1: 500, shape: 'hole', crop: '水稻' },
  { x0: 7700, x1: 8200, t0: -450, t1: -120, shape: 'L', crop: '水稻' },
  { x0: 8400, x1: 8900, t0: 120, t1: 450, shape: 'rect', crop: '蔬菜' },
  { x0: 9000, x1: 9400, t0: -400, t1: -110, shape: 'rect', crop: '水稻' },
];

const CROP_EN: Record<string, string> = { 水稻: 'rice', 茭白: 'water bamboo', 蔬菜: 'vegetables' };

function villageAt(x: number, t: number): { township: TownshipSpec; village: VillageSpec } {
  for (const township of TOWNSHIPS) {
    for (const village of township.villages) {
      if (x >= village.x0 && x <= village.x1 && t >= village.t0 && t <= village.t1) return { township, village };
    }
  }
  throw new Error(`no village at river-frame (${x}, ${t})`);
}

function farmlandFeatures(): Feature[] {
  const perVillage = new Map<string, number>();
  return FARMS.map((f, i) => {
    const floor = mainValleyHalfWidthM((f.x0 + f.x1) / 2);
    if (Math.max(Math.abs(f.t0), Math.abs(f.t1)) > floor - 150)
      throw new Error(`farm ${i + 1} leaves the valley floor`);
    const { village } = villageAt((f.x0 + f.x1) / 2, (f.t0 + f.t1) / 2);
    const k = (perVillage.get(village.slug) ?? 0) + 1;
    perVillage.set(village.slug, k);
    const xm = f.x0 + (f.x1 - f.x0) * 0.55;
    const tm = f.t0 + (f.t1 - f.t0) * 0.5;
    const outer: XY[] =
      f.shape === 'L'
        ? [
            [f.x0, f.t0],
            [f.x1, f.t0],
            [f.x1, tm],
            [xm, tm],
            [xm, f.t1],
            [f.x0, f.t1],
          ]
        : [
            [f.x0, f.t0],
            [f.x1, f.t0],
            [f.x1, f.t1],
            [f.x0, f.t1],
          ];
    const holes: XY[][] = [];
    if (f.shape === 'hole') {
      // a farmhouse plot (宅基地) of about 45 m × 40 m inside the block
      const hx = f.x0 + (f.x1 - f.x0) * 0.4;
      const ht = f.t0 + (f.t1 - f.t0) * 0.45;
      holes.push(
        frameRing([
          [hx, ht],
          [hx + 45, ht],
          [hx + 45, ht + 40],
          [hx, ht + 40],
        ]),
      );
    }
    const num = String(i + 1).padStart(2, '0');
    return polygon(
      {
        id: `farm-${num}`,
        name: `${village.name}${k}号田块`,
        namePinyin: `${village.namePinyin} ${k} Hao Tiankuai`,
        nameEn: `${village.nameEn} field block ${k}`,
        kind: 'farmland',
        crop: f.crop,
        cropEn: CROP_EN[f.crop],
      },
      frameRing(outer),
      holes,
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------
// hillsides and no-fly zones

function hillsideFeatures(): Feature[] {
  const specs: { x0: number; side: 1 | -1; len: number; depth: number; n: NameSet }[] = [
    {
      x0: -7800,
      side: 1,
      len: 800,
      depth: 650,
      n: { name: '宫头后山坡地', namePinyin: 'Gongtou Houshan Podi', nameEn: 'Gongtou back-hill slope' },
    },
    {
      x0: -5300,
      side: -1,
      len: 700,
      depth: 600,
      n: { name: '大沙岭坡地', namePinyin: 'Dasha Ling Podi', nameEn: 'Dasha ridge slope' },
    },
    {
      x0: -600,
      side: 1,
      len: 900,
      depth: 700,
      n: { name: '凤凰山南坡', namePinyin: 'Fenghuang Shan Nanpo', nameEn: 'Fenghuang Hill south slope' },
    },
    {
      x0: 6600,
      side: -1,
      len: 750,
      depth: 550,
      n: { name: '下樟山坡地', namePinyin: 'Xiazhang Shan Podi', nameEn: 'Xiazhang hill slope' },
    },
    {
      x0: 8600,
      side: 1,
      len: 600,
      depth: 500,
      n: { name: '安福岭坡地', namePinyin: 'Anfu Ling Podi', nameEn: 'Anfu ridge slope' },
    },
  ];
  return specs.map((s, i) => {
    const from = mainValleyHalfWidthM(s.x0) + 150;
    return polygon(
      { id: `hill-${String(i + 1).padStart(2, '0')}`, ...s.n, kind: 'hillside' },
      hillsideRect(s.x0, s.side, s.len, from, from + s.depth),
    );
  });
}

function noflyFeatures(): Feature[] {
  return [
    polygon(
      {
        id: 'nofly-hospital-gov',
        name: '市人民医院及市政府禁飞区',
        namePinyin: 'Shi Renmin Yiyuan ji Shi Zhengfu Jinfeiqu',
        nameEn: "People's Hospital and city government no-fly zone",
        kind: 'nofly',
        reason: '医院及政府机关上空禁止飞行 / no flights over the hospital and the government compound',
      },
      circleXY(frame(300, 520), 320),
    ),
    polygon(
      {
        id: 'nofly-substation',
        name: '城南110千伏变电站禁飞区',
        namePinyin: 'Chengnan 110 Qianfu Biandianzhan Jinfeiqu',
        nameEn: 'Chengnan 110 kV substation no-fly zone',
        kind: 'nofly',
        reason: '高压变电站 / high-voltage substation',
      },
      circleXY(frame(2200, -520), 220),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// departments

const DEPARTMENTS = {
  departments: [
    {
      id: 'dept-ecology',
      name: '丽水市生态环境局龙泉分局',
      nameEn: 'Ecology and Environment Bureau (Longquan branch)',
      categories: ['straw_burning', 'sewage_outfall'],
    },
    {
      id: 'dept-natural-resources',
      name: '龙泉市自然资源和规划局',
      nameEn: 'Natural Resources and Planning Bureau',
      categories: ['exposed_slope'],
    },
    { id: 'dept-water', name: '龙泉市水利局', nameEn: 'Water Resources Bureau', categories: ['sewage_outfall'] },
    {
      id: 'dept-housing',
      name: '龙泉市住房和城乡建设局（市政园林）',
      nameEn: 'Housing and Urban-Rural Development Bureau (municipal gardens)',
      categories: [],
    },
    {
      id: 'dept-township',
      name: '乡镇（街道）办事处',
      nameEn: 'Township / sub-district office',
      categories: ['straw_burning'],
    },
  ],
  routing: [
    { category: 'straw_burning', lead: 'township', assist: ['dept-ecology'] },
    { category: 'sewage_outfall', lead: 'dept-ecology', assist: ['dept-water'] },
    { category: 'exposed_slope', lead: 'dept-natural-resources', assist: [] },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// DEM

export const DEM_BBOX = [119.02, 27.99, 119.26, 28.14] as const;
export const DEM_RES_DEG = 0.0003;

function makeDem(): Uint8Array {
  const [w, s, e, n] = DEM_BBOX;
  const width = Math.round((e - w) / DEM_RES_DEG);
  const height = Math.round((n - s) / DEM_RES_DEG);
  const terrain = makeTerrain();
  const values = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    const lat = n - (j + 0.5) * DEM_RES_DEG;
    for (let i = 0; i < width; i++) {
      const lon = w + (i + 0.5) * DEM_RES_DEG;
      const [x, y] = toXY([lon, lat]);
      // centimetre rounding keeps the file reproducible across float libms
      values[j * width + i] = Math.round(terrain(x, y) * 100) / 100;
    }
  }
  return encodeDemGeoTiff({
    width,
    height,
    west: w,
    north: n,
    pixelSizeLonDeg: DEM_RES_DEG,
    pixelSizeLatDeg: DEM_RES_DEG,
    values,
    noData: null,
  });
}

// ---------------------------------------------------------------------------------------------------------------

/** One feature per line: diffs stay readable and the files stay small. */
function featureCollectionText(features: Feature[]): string {
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

/** Builds every file of the data set in memory: file name → contents. Throws if the data set is inconsistent. */
export function buildLongquanFiles(): Map<string, string | Uint8Array> {
  if (minRadiusM(-10_000, 10_500) < 1.2 * NEAR_T) throw new Error('river bends too tight for the river frame');
  const collections = {
    rivers: [MAIN, JIAOYANG, PUYUN].map(riverFeature),
    farmland: farmlandFeatures(),
    hillsides: hillsideFeatures(),
    nofly: noflyFeatures(),
    jurisdictions: jurisdictionFeatures(),
  };
  const fc = (features: Feature[]) => ({ type: 'FeatureCollection' as const, features });
  const layers = layerSetSchema.parse({
    rivers: fc(collections.rivers),
    farmland: fc(collections.farmland),
    hillsides: fc(collections.hillsides),
    nofly: fc(collections.nofly),
    jurisdictions: fc(collections.jurisdictions),
    departments: departmentsFileSchema.parse(DEPARTMENTS),
  });
  const problems = [
    ...(['rivers', 'farmland', 'hillsides', 'nofly', 'jurisdictions'] as const).flatMap((k) =>
      validateLayerGeometry(layers[k], k),
    ),
    ...checkLayerConsistency(layers),
  ];
  if (problems.length > 0) {
    throw new Error(`generated data set is invalid:\n  ${problems.map(formatLayerIssue).join('\n  ')}`);
  }
  const files = new Map<string, string | Uint8Array>();
  for (const [name, feats] of Object.entries(collections)) files.set(`${name}.geojson`, featureCollectionText(feats));
  files.set('departments.json', `${JSON.stringify(DEPARTMENTS, null, 2)}\n`);
  files.set('dem.tif', makeDem());
  return files;
}
