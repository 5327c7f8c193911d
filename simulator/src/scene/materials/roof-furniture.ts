/**
 * What stands on the flat concrete roofs of southern-Chinese villages and county towns, as drone photos
 * show them: a stairwell housing over one end, a row of solar water heaters (dark tube panels with a
 * white tank along their top edge), a round water tank, and on some roofs a blue or white steel-sheet
 * shed built over a good part of the roof; between them rain stains and patches of newer waterproofing.
 *
 * Everything is laid out from the house's hash in roof metres, and `roofItemAt` is read both by the
 * height functions (shadows, parallax: the items stand up in oblique views) and by the painters, so what
 * stands and what is painted agree.
 */
import type { RGB } from '../look.ts';
import { periodicAmp, type Surface } from '../surface.ts';

export const ROOF_BARE = 0;
export const ROOF_STAIR = 1;
export const ROOF_SOLAR = 2;
export const ROOF_TANK = 3;
export const ROOF_SHED = 4;

/** Heights (m) over the roof: a stairwell storey, a heater's tank edge, a water tank, a shed storey. */
const STAIR_H = 2.7;
const SOLAR_LOW_H = 0.45;
const SOLAR_TOP_H = 1.25;
const TANK_H = 1.4;
const SHED_H = 2.5;
/** Clear margin (m) inside the parapet. */
const INSET_M = 0.5;
/** A solar water heater: width along the row, depth up its tilt; the tank along its top (m). */
const SOLAR_W = 1.05;
const SOLAR_D = 1.7;
const SOLAR_TANK_D = 0.35;

const SOLAR_PANEL: RGB = [0.12, 0.14, 0.2];
const TANK_WHITE: RGB = [0.84, 0.84, 0.82];
const TANK_BLUE: RGB = [0.18, 0.34, 0.56];
const SHED_BLUE: RGB = [0.16, 0.3, 0.5];
const SHED_WHITE: RGB = [0.7, 0.72, 0.72];
/** Waterproofing laid over old concrete: green-grey paint, silver membrane, red-brown felt. */
const MEMBRANES: RGB[] = [
  [0.4, 0.46, 0.41],
  [0.66, 0.66, 0.64],
  [0.42, 0.3, 0.25],
];

/** The item under a roof point (reused object: read it before the next call). */
export interface RoofItem {
  kind: number;
  /** Height over the roof (m), 0 on the bare roof. */
  heightM: number;
  /** Position inside the item (0..1): up the heater's tilt, or from a tank's centre out. */
  t: number;
  /** Metres across the roof's long side (the heaters' tubes and the sheds' corrugations run the other way). */
  across: number;
}
const item: RoofItem = { kind: ROOF_BARE, heightM: 0, t: 0, across: 0 };
/** A roof point with nothing on it. */
export const BARE_ROOF: Readonly<RoofItem> = { kind: ROOF_BARE, heightM: 0, t: 0, across: 0 };

const frac = (v: number): number => v - Math.floor(v);

/**
 * The item at (u, v) metres into a flat roof of `widthM` × `depthM` whose house has hash `hash`;
 * `shedShare` is the share of roofs that carry a steel shed.
 */
export function roofItemAt(
  u: number,
  v: number,
  widthM: number,
  depthM: number,
  hash: number,
  shedShare: number,
): RoofItem {
  item.kind = ROOF_BARE;
  item.heightM = 0;
  item.t = 0;
  item.across = 0;
  // Lay things out along the roof's long side (l) and across it (c).
  const longU = widthM >= depthM;
  const lenL = longU ? widthM : depthM;
  const lenC = longU ? depthM : widthM;
  // Mirrored by the hash, so the stairwell is not always at the same end.
  const flipL = frac(hash * 19.3) < 0.5;
  const flipC = frac(hash * 23.9) < 0.5;
  let l = longU ? u : v;
  let c = longU ? v : u;
  if (flipL) l = lenL - l;
  if (flipC) c = lenC - c;
  item.across = c;
  if (l < INSET_M || c < INSET_M || l > lenL - INSET_M || c > lenC - INSET_M) return item;
  // Small roofs (sheds, kitchens) hold a tank at most.
  const roomy = lenL >= 7 && lenC >= 5;
  // A steel shed over the far end of the roof, the full width inside the parapet.
  const shed = roomy && frac(hash * 53.1) < shedShare;
  const shedFrom = lenL * (1 - (0.45 + 0.3 * frac(hash * 61.7)));
  if (shed && l > shedFrom) {
    item.kind = ROOF_SHED;
    item.heightM = SHED_H;
    return item;
  }
  // A stairwell housing at the near end, to one side.
  if (roomy && frac(hash * 91.7) < 0.65) {
    const sl = 2.6 + 0.8 * frac(hash * 7.3);
    const sc = 2.4 + 0.6 * frac(hash * 5.9);
    if (l < INSET_M + sl && c < INSET_M + sc) {
      item.kind = ROOF_STAIR;
      item.heightM = STAIR_H;
      return item;
    }
  }
  // A row of solar water heaters along the far side (before the shed, if any), tilted up toward it.
  const rowEnd = shed ? shedFrom - 0.6 : lenL - INSET_M;
  if (roomy && frac(hash * 37.3) < 0.6) {
    const n = 1 + Math.floor(3 * frac(hash * 43.1));
    const c0 = INSET_M + 0.4 + (lenC - 2 * INSET_M - 0.8 - n * SOLAR_W) * frac(hash * 29.3);
    const dc = c - c0;
    const dl = rowEnd - l;
    if (dc >= 0 && dc < n * SOLAR_W && dl >= 0 && dl < SOLAR_D && dc % SOLAR_W < SOLAR_W - 0.08) {
      item.kind = ROOF_SOLAR;
      item.t = 1 - dl / SOLAR_D;
      item.heightM = dl < SOLAR_TANK_D ? SOLAR_TOP_H : SOLAR_LOW_H + (SOLAR_TOP_H - SOLAR_LOW_H) * (1 - dl / SOLAR_D);
      return item;
    }
  }
  // A round water tank in the middle stretch.
  if (frac(hash * 17.9) < 0.45) {
    const r = 0.55 + 0.25 * frac(hash * 3.7);
    const tl = lenL * (0.35 + 0.2 * frac(hash * 11.3));
    const tc = INSET_M + r + (lenC - 2 * (INSET_M + r)) * frac(hash * 13.1);
    const d2 = (l - tl) ** 2 + (c - tc) ** 2;
    if (d2 < r * r) {
      item.kind = ROOF_TANK;
      item.heightM = TANK_H;
      item.t = Math.sqrt(d2) / r;
      return item;
    }
  }
  return item;
}

/**
 * Paint the roof item `it` (from roofItemAt at this point) over the roof colour already in `s`; (u, v)
 * roof metres, `hash` the house's, `grain` the detail texture's grain, `gsd` the footprint (m).
 */
export function paintRoofItem(
  s: Surface,
  it: Readonly<RoofItem>,
  u: number,
  v: number,
  hash: number,
  grain: number,
  gsd: number,
): void {
  switch (it.kind) {
    case ROOF_BARE: {
      // Newer waterproofing over a part of many roofs, in sheets with straight edges.
      if (frac(hash * 71.3) < 0.35) {
        const m = MEMBRANES[Math.floor(frac(hash * 83.9) * MEMBRANES.length)] as RGB;
        const edge = 2 + 4 * frac(hash * 97.1);
        if ((frac(hash * 5.1) < 0.5 ? u : v) < edge) s.mix(m, 0.75);
      }
      return;
    }
    case ROOF_STAIR:
      // Its own small flat roof, a shade lighter and cleaner than the main one.
      s.mul(1.08 + 0.04 * (grain - 0.5));
      return;
    case ROOF_SOLAR: {
      if (it.heightM >= SOLAR_TOP_H) {
        s.set(TANK_WHITE, 0.95 + 0.1 * grain);
        s.spec = 0.15;
        return;
      }
      // Evacuated tubes: dark glass with bright reflector strips between them, ~8 cm apart.
      const amp = periodicAmp(0.08, gsd);
      const tubes = amp > 0 ? 1 + 0.35 * amp * Math.sin((Math.PI * 2 * it.across) / 0.08) : 1;
      s.set(SOLAR_PANEL, (0.9 + 0.2 * grain) * tubes * (1 + 0.25 * (1 - amp)));
      s.spec = 0.3;
      return;
    }
    case ROOF_TANK: {
      const blue = frac(hash * 59.3) < 0.35;
      s.set(blue ? TANK_BLUE : TANK_WHITE, (0.92 + 0.08 * grain) * (it.t > 0.85 ? 0.85 : 1));
      s.spec = blue ? 0.05 : 0.12;
      return;
    }
    case ROOF_SHED: {
      const white = frac(hash * 67.1) < 0.3;
      s.set(white ? SHED_WHITE : SHED_BLUE, 0.92 + 0.12 * grain);
      // Corrugations across the sheets, ~20 cm.
      const amp = periodicAmp(0.2, gsd);
      if (amp > 0) s.mul(1 + 0.1 * amp * Math.sin((Math.PI * 2 * it.across) / 0.2));
      s.spec = 0.08;
      return;
    }
  }
}
