/**
 * A made-up piece of southern Chinese countryside, drawn from a place seed: a valley with a river
 * (or a canal-sized stream), field blocks on the valley floor, villages at the hill foot joined by a
 * road, dirt tracks, ponds, tributary streams, bamboo groves, tea terraces and forest on the hills,
 * sometimes a construction site, over an analytic DEM. Output is geodata-style layers (GeoJSON in
 * WGS84) plus candidate sites where incidents and hard negatives can be planted, so the camera renders
 * a generated place exactly like a real area.
 *
 * Valley frame: a = along the valley, c = across it (metres); world east/north = a·A + c·C with
 * A = (sin θ, cos θ), C = (cos θ, −sin θ) for the valley direction θ.
 */
import type { Feature, FeatureCollection, Position } from 'geojson';
import { localFrame, type LocalFrame } from '../scene/local-frame.ts';
import { fbm } from '../scene/noise.ts';
import { Rng, mixSeed } from '../scene/random.ts';

const DEG = Math.PI / 180;

/** A spot on the bank where an outfall can sit: position, downstream heading, the water's side. */
export interface BankSite {
  x: number;
  y: number;
  /** Flow direction, clockwise from north. */
  headingDeg: number;
  /** Half-width of the channel there (m). */
  halfWidthM: number;
  /** Direction from the water toward the land, clockwise from north. */
  landDeg: number;
}

/** A rectangle on the ground (centre, size, heading of its length). */
export interface AreaSite {
  x: number;
  y: number;
  lengthM: number;
  widthM: number;
  headingDeg: number;
}

export interface PlaceSites {
  /** Field blocks (burns, stubble, ploughed and wet fields go here). */
  fields: AreaSite[];
  /** River banks (outfalls). */
  banks: BankSite[];
  /** Slide sites on the hills (exposed slopes): length down the fall line, heading = downhill. */
  slopes: AreaSite[];
  /** Village centres and radii (cooking smoke). */
  villages: { x: number; y: number; radiusM: number }[];
  /** Points on tracks and roads with their direction (vehicle dust). */
  tracks: { x: number; y: number; headingDeg: number }[];
  /** Where a construction site was laid out, if any. */
  construction: AreaSite[];
  /** Where tributaries enter the river. */
  tributaries: { x: number; y: number }[];
}

export interface Place {
  id: string;
  seed: number;
  origin: [number, number];
  frame: LocalFrame;
  layers: Record<string, FeatureCollection>;
  /** Elevation (m AMSL) at a WGS84 point, or null for a flat place (photos use the takeoff plane). */
  dem: ((lon: number, lat: number) => number) | null;
  /** Elevation in local metres (the valley floor when flat). */
  heightAt(x: number, y: number): number;
  sites: PlaceSites;
}

/** Generate the place `id` (any string; the seed decides everything). */
export function generatePlace(id: string, seed: number): Place {
  const rng = new Rng(mixSeed(seed, 0x91ace));
  const origin: [number, number] = [
    Math.round(rng.range(118.95, 119.4) * 1e5) / 1e5,
    Math.round(rng.range(27.85, 28.25) * 1e5) / 1e5,
  ];
  const frame = localFrame(origin[0], origin[1]);
  const theta = rng.range(0, 180) * DEG;
  const A: [number, number] = [Math.sin(theta), Math.cos(theta)];
  const C: [number, number] = [Math.cos(theta), -Math.sin(theta)];
  const toXY = (a: number, c: number): [number, number] => [a * A[0] + c * C[0], a * A[1] + c * C[1]];
  const toAC = (x: number, y: number): [number, number] => [x * A[0] + y * A[1], x * C[0] + y * C[1]];
  const ll = (a: number, c: number): Position => {
    const [x, y] = toXY(a, c);
    const [lon, lat] = frame.toLonLat(x, y);
    return [Math.round(lon * 1e8) / 1e8, Math.round(lat * 1e8) / 1e8];
  };

  // River: a meandering centreline across the valley frame.
  const m1 = rng.range(15, 110);
  const l1 = rng.range(160, 520);
  const p1 = rng.range(0, 6.28);
  const m2 = rng.range(5, 30);
  const l2 = rng.range(60, 150);
  const p2 = rng.range(0, 6.28);
  const riverSize = rng.weighted({ stream: 0.3, river: 0.5, large: 0.2 });
  const riverWidthM =
    riverSize === 'stream' ? rng.range(7, 14) : riverSize === 'river' ? rng.range(18, 40) : rng.range(45, 80);
  const riverC = (a: number): number => m1 * Math.sin(a / l1 + p1) + m2 * Math.sin(a / l2 + p2);
  const halfVL = rng.range(200, 650);
  const halfVR = rng.range(200, 650);
  const footSeed = mixSeed(seed, 7);
  const footL = (a: number): number => riverC(a) - halfVL - 60 * (fbm(a, 0, footSeed, 300, 3, 1) - 0.5);
  const footR = (a: number): number => riverC(a) + halfVR + 60 * (fbm(a, 50, footSeed, 300, 3, 1) - 0.5);

  const flat = rng.chance(0.15);
  const floorM = rng.range(120, 420);
  const tiltM = rng.range(-0.004, 0.004);
  const hillM = rng.range(70, 320);
  const riseM = rng.range(90, 260);
  const hillSeed = mixSeed(seed, 11);
  const heightAC = (a: number, c: number): number => {
    const base = floorM + tiltM * a;
    if (flat) return base;
    const rc = riverC(a);
    const fl = footL(a);
    const fr = footR(a);
    const beyond = c < fl ? fl - c : c > fr ? c - fr : 0;
    // Softplus foot so the floor bends smoothly into the hills; ridges and spurs from fbm.
    const foot = 25 * Math.log1p(Math.exp(Math.min(40, (beyond - 20) / 25)));
    const rise = hillM * (1 - Math.exp(-foot / riseM));
    const ridges = beyond > 0 ? (fbm(a, c, hillSeed, 260, 4, 2) - 0.5) * 0.6 * rise : 0;
    // A slight dip into the channel (banks ~2–4 m high).
    const d = Math.abs(c - rc);
    const channel = d < riverWidthM * 0.5 + 4 ? -Math.min(3, (riverWidthM * 0.5 + 4 - d) * 0.6) : 0;
    return base + rise + ridges + channel;
  };
  const heightAt = (x: number, y: number): number => {
    const [a, c] = toAC(x, y);
    return heightAC(a, c);
  };
  const dem = flat
    ? null
    : (lon: number, lat: number): number => {
        const [x, y] = frame.toLocal(lon, lat);
        return heightAt(x, y);
      };

  const EXTENT = 1100; // half-size of the generated area along the valley (m)
  const features: Record<string, Feature[]> = {
    river: [],
    stream: [],
    farmland: [],
    hillside: [],
    village: [],
    road: [],
    track: [],
    pond: [],
    bamboo: [],
    tea: [],
    construction: [],
  };
  const sites: PlaceSites = {
    fields: [],
    banks: [],
    slopes: [],
    villages: [],
    tracks: [],
    construction: [],
    tributaries: [],
  };
  let fid = 0;
  const add = (kind: string, geometry: Feature['geometry'], props: Record<string, unknown> = {}): void => {
    (features[kind] as Feature[]).push({ type: 'Feature', id: `${kind}-${fid++}`, properties: props, geometry });
  };
  const polyAC = (pts: [number, number][]): Feature['geometry'] => ({
    type: 'Polygon',
    coordinates: [[...pts.map(([a, c]) => ll(a, c)), ll(pts[0]![0], pts[0]![1])]],
  });
  const lineAC = (pts: [number, number][]): Feature['geometry'] => ({
    type: 'LineString',
    coordinates: pts.map(([a, c]) => ll(a, c)),
  });

  // River centreline.
  const riverPts: [number, number][] = [];
  for (let a = -EXTENT - 200; a <= EXTENT + 200; a += 25) riverPts.push([a, riverC(a)]);
  add('river', lineAC(riverPts), { widthM: Math.round(riverWidthM * 10) / 10 });
  const flowSign = rng.chance(0.5) ? 1 : -1;
  const riverHeadingAt = (a: number): number => {
    const dc = (riverC(a + 1) - riverC(a - 1)) / 2;
    // Direction (along, across) → world, flowing toward +a or −a.
    const da = flowSign;
    const dcs = dc * flowSign;
    const wx = da * A[0] + dcs * C[0];
    const wy = da * A[1] + dcs * C[1];
    return (((Math.atan2(wx, wy) / DEG) % 360) + 360) % 360;
  };
  for (let a = -EXTENT + 60; a < EXTENT - 60; a += rng.range(35, 70))
    for (const side of [-1, 1]) {
      const c = riverC(a) + side * (riverWidthM / 2 + 0.6);
      const [x, y] = toXY(a, c);
      const landDeg = (((Math.atan2(side * C[0], side * C[1]) / DEG) % 360) + 360) % 360;
      sites.banks.push({ x, y, headingDeg: riverHeadingAt(a), halfWidthM: riverWidthM / 2, landDeg });
    }

  // Hills: forest beyond each foot line, out to the edge of the generated area.
  for (const side of [-1, 1]) {
    const foot = side < 0 ? footL : footR;
    const pts: [number, number][] = [];
    for (let a = -EXTENT - 300; a <= EXTENT + 300; a += 40) pts.push([a, foot(a) + side * rng.range(0, 12)]);
    const far = side * 2500;
    pts.push([EXTENT + 300, far], [-EXTENT - 300, far]);
    add('hillside', polyAC(pts), { name: side < 0 ? '左山' : '右山' });
  }

  // Main road along one side of the valley floor, a few metres in from the hill foot.
  const roadSide = rng.chance(0.5) ? -1 : 1;
  const roadFoot = roadSide < 0 ? footL : footR;
  const roadInset = rng.range(15, 45);
  const roadC = (a: number): number => roadFoot(a) - roadSide * roadInset;
  const roadPts: [number, number][] = [];
  for (let a = -EXTENT - 200; a <= EXTENT + 200; a += 30) roadPts.push([a, roadC(a)]);
  const roadWidthM = rng.range(4.5, 8);
  add('road', lineAC(roadPts), { widthM: Math.round(roadWidthM * 10) / 10 });
  for (let a = -EXTENT + 50; a < EXTENT - 50; a += 90) {
    const [x, y] = toXY(a, roadC(a));
    sites.tracks.push({ x, y, headingDeg: (((Math.atan2(A[0], A[1]) / DEG) % 360) + 360) % 360 });
  }

  // Villages at the hill foot along the road, sometimes one on the other side.
  const villages: { a: number; c: number; r: number }[] = [];
  const nVillages = rng.int(1, 3);
  for (let i = 0; i < nVillages; i++) {
    const a = rng.range(-EXTENT + 150, EXTENT - 150);
    const r = rng.range(55, 140);
    const other = i > 0 && rng.chance(0.35);
    const side = other ? -roadSide : roadSide;
    const foot = side < 0 ? footL : footR;
    const c = foot(a) - side * (r * rng.range(0.5, 0.9));
    if (villages.some((v) => Math.hypot(v.a - a, v.c - c) < v.r + r + 40)) continue;
    villages.push({ a, c, r });
    const [x, y] = toXY(a, c);
    add('village', { type: 'Point', coordinates: ll(a, c) }, { radiusM: Math.round(r), name: `村 ${i + 1}` });
    sites.villages.push({ x, y, radiusM: r });
    if (other) {
      // A lane from the road to the village, crossing the river on a bridge.
      add(
        'road',
        lineAC([
          [a, roadC(a)],
          [a + rng.range(-40, 40), c],
        ]),
        { widthM: rng.range(3.5, 5) },
      );
    }
  }
  const inVillage = (a: number, c: number, pad: number): boolean =>
    villages.some((v) => Math.hypot(v.a - a, v.c - c) < v.r + pad);

  // Tributary streams from the hills to the river (clean water: a hard negative for outfalls).
  const nTrib = rng.int(0, 2);
  for (let i = 0; i < nTrib; i++) {
    const a0 = rng.range(-EXTENT + 200, EXTENT - 200);
    const side = rng.chance(0.5) ? -1 : 1;
    const foot = side < 0 ? footL : footR;
    const pts: [number, number][] = [];
    const wig = rng.range(8, 30);
    const c0 = foot(a0) + side * 250;
    const c1 = riverC(a0);
    for (let k = 0; k <= 20; k++) {
      const t = k / 20;
      pts.push([a0 + wig * Math.sin(t * 9 + i) + t * rng.range(-3, 3), c0 + (c1 - c0) * t]);
    }
    add('stream', lineAC(pts), { widthM: Math.round(rng.range(3, 7) * 10) / 10 });
    const [x, y] = toXY(pts[pts.length - 1]![0], c1);
    sites.tributaries.push({ x, y });
  }

  // Construction site beside the road, sometimes.
  const constructionRects: { a: number; c: number; l: number; w: number }[] = [];
  if (rng.chance(0.45)) {
    const a = rng.range(-EXTENT + 200, EXTENT - 200);
    const l = rng.range(45, 130);
    const w = rng.range(35, 90);
    const c = roadC(a) - roadSide * (w / 2 + 6);
    if (!inVillage(a, c, w)) {
      constructionRects.push({ a, c, l, w });
      add('construction', polyAC(rectAC(a, c, l, w, rng.range(-0.1, 0.1))));
      const [x, y] = toXY(a, c);
      sites.construction.push({ x, y, lengthM: l, widthM: w, headingDeg: theta / DEG });
    }
  }
  const inConstruction = (a: number, c: number, pad: number): boolean =>
    constructionRects.some((r) => Math.abs(a - r.a) < r.l / 2 + pad && Math.abs(c - r.c) < r.w / 2 + pad);

  // Ponds on the valley floor.
  const ponds: { a: number; c: number; r: number }[] = [];
  const nPonds = rng.int(0, 4);
  for (let i = 0; i < nPonds; i++) {
    const a = rng.range(-EXTENT + 100, EXTENT - 100);
    const side = rng.chance(0.5) ? -1 : 1;
    const foot = side < 0 ? footL : footR;
    const rc = riverC(a);
    const c = rc + side * rng.range(riverWidthM / 2 + 40, Math.max(riverWidthM / 2 + 41, Math.abs(foot(a) - rc) - 50));
    const r = rng.range(10, 35);
    if (inVillage(a, c, r + 10) || inConstruction(a, c, r + 10)) continue;
    ponds.push({ a, c, r });
    const pts: [number, number][] = [];
    const sq = rng.chance(0.6); // fish ponds are usually rectangular
    const rot = rng.range(-0.3, 0.3);
    if (sq) pts.push(...rectAC(a, c, r * 2.4, r * 1.6, rot));
    else
      for (let k = 0; k < 16; k++) {
        const t = (k / 16) * 2 * Math.PI;
        const rr = r * (0.8 + 0.35 * Math.sin(3 * t + i) * rng.range(0.3, 1));
        pts.push([a + rr * Math.cos(t), c + rr * Math.sin(t)]);
      }
    add('pond', polyAC(pts));
  }
  const inPond = (a: number, c: number, pad: number): boolean =>
    ponds.some((p) => Math.hypot(p.a - a, p.c - c) < p.r * 1.3 + pad);

  // Field blocks: strips across the floor on each side of the river, separated by tracks.
  const blockL = rng.range(60, 150);
  const blockW = rng.range(50, 110);
  const skew = rng.range(-0.15, 0.15);
  for (const side of [-1, 1]) {
    for (let a0 = -EXTENT; a0 < EXTENT; a0 += blockL + rng.range(2, 6)) {
      const l = blockL * rng.range(0.8, 1.2);
      const am = a0 + l / 2;
      const rc = riverC(am);
      const foot = side < 0 ? footL(am) : footR(am);
      const start = rc + side * (riverWidthM / 2 + rng.range(8, 25));
      const stop = foot - side * 12;
      const span = (stop - start) * side;
      if (span < 30) continue;
      let c0 = start;
      while ((stop - c0) * side > 25) {
        const w = Math.min(blockW * rng.range(0.7, 1.3), (stop - c0) * side);
        const cm = c0 + (side * w) / 2;
        const ok =
          !inVillage(am, cm, Math.max(l, w) / 2) &&
          !inConstruction(am, cm, Math.max(l, w) / 2) &&
          !inPond(am, cm, Math.max(l, w) / 2 - 10) &&
          Math.abs(cm - roadC(am)) > w / 2 + roadWidthM;
        if (ok) {
          const rot = skew + rng.range(-0.03, 0.03);
          add('farmland', polyAC(rectAC(am, cm, l - 3, w - 3, rot)), { name: `田 ${fid}` });
          const [x, y] = toXY(am, cm);
          sites.fields.push({ x, y, lengthM: l - 3, widthM: w - 3, headingDeg: theta / DEG + rot / DEG });
        }
        c0 += side * (w + rng.range(2, 5));
      }
      // A dirt track along the block boundary every few blocks.
      if (rng.chance(0.3)) {
        const tr: [number, number][] = [
          [a0 - 1, start],
          [a0 - 1, stop],
        ];
        add('track', lineAC(tr), { widthM: Math.round(rng.range(2.5, 4) * 10) / 10 });
        const [x, y] = toXY(a0 - 1, (start + stop) / 2);
        sites.tracks.push({ x, y, headingDeg: (((Math.atan2(C[0], C[1]) / DEG) % 360) + 360) % 360 });
      }
    }
  }

  // Bamboo groves and tea terraces at the hill foot; exposed-slope sites on the lower hills.
  for (let i = rng.int(1, 4); i > 0; i--) {
    const a = rng.range(-EXTENT + 100, EXTENT - 100);
    const side = rng.chance(0.5) ? -1 : 1;
    const foot = side < 0 ? footL : footR;
    const r = rng.range(18, 55);
    const c = foot(a) + side * rng.range(-10, 40);
    const pts: [number, number][] = [];
    for (let k = 0; k < 14; k++) {
      const t = (k / 14) * 2 * Math.PI;
      pts.push([a + r * 1.3 * Math.cos(t) * rng.range(0.8, 1.1), c + r * Math.sin(t) * rng.range(0.8, 1.1)]);
    }
    add('bamboo', polyAC(pts));
  }
  for (let i = rng.int(0, 2); i > 0; i--) {
    const a = rng.range(-EXTENT + 150, EXTENT - 150);
    const side = rng.chance(0.5) ? -1 : 1;
    const foot = side < 0 ? footL : footR;
    const l = rng.range(90, 240);
    const w = rng.range(60, 150);
    const c = foot(a) + side * (w / 2 + rng.range(10, 80));
    add('tea', polyAC(rectAC(a, c, l, w, rng.range(-0.2, 0.2))));
  }
  if (!flat)
    for (let a = -EXTENT + 100; a < EXTENT - 100; a += rng.range(70, 140))
      for (const side of [-1, 1]) {
        const foot = side < 0 ? footL : footR;
        // Real slides are long tracks down the fall line, 2–6× longer than wide (the old 25–110 × 22–75 m
        // drew mostly squat outlines). The same three draws as before, so the rest of the place is unchanged.
        const up = rng.range(0, 140);
        const lengthM = Math.exp(rng.range(Math.log(40), Math.log(200)));
        const widthM = lengthM / rng.range(2, 6);
        // The toe sits near the hill foot (the debris fan reaches the valley floor), the head up the hill.
        const c = foot(a) + side * (0.4 * lengthM + up);
        const [x, y] = toXY(a, c);
        // Downhill = toward the valley: −side across the valley.
        const dwx = -side * C[0];
        const dwy = -side * C[1];
        sites.slopes.push({
          x,
          y,
          lengthM,
          widthM,
          headingDeg: (((Math.atan2(dwx, dwy) / DEG) % 360) + 360) % 360,
        });
      }

  const layers: Record<string, FeatureCollection> = {};
  for (const [k, v] of Object.entries(features)) layers[k] = { type: 'FeatureCollection', features: v };
  return { id, seed, origin, frame, layers, dem, heightAt, sites };
}

/** Corners (a, c) of a rectangle centred at (a, c), `l` along a, `w` across, turned by `rot` rad. */
function rectAC(a: number, c: number, l: number, w: number, rot: number): [number, number][] {
  const ca = Math.cos(rot);
  const sa = Math.sin(rot);
  return [
    [-l / 2, -w / 2],
    [l / 2, -w / 2],
    [l / 2, w / 2],
    [-l / 2, w / 2],
  ].map(([u, v]) => [a + (u as number) * ca - (v as number) * sa, c + (u as number) * sa + (v as number) * ca]);
}
