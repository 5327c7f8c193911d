/**
 * The vehicle of a vehicle_dust hard negative: a rural light truck (the blue or white 货车 of every
 * Chinese farm road), a cab in front and an open cargo bed behind with low side boards, some carrying a
 * load. It was a 4.6 × 2 × 2 m box of one colour. The painter and the heights read the one layout below,
 * in the vehicle's frame: `a` metres forward of its centre, `q` across.
 */
import type { RGB } from '../look.ts';
import type { Surface } from '../surface.ts';

export const VEHICLE_HALF_LENGTH_M = 2.3;
export const VEHICLE_HALF_WIDTH_M = 1;
/** The cab's roof (m): the tallest part, what its shadow is cast from. */
export const CAB_HEIGHT_M = 2;
const CAB_BACK_M = 0.75;
const BED_FRONT_M = 0.6;
const BOARD_M = 0.1;
const BOARD_HEIGHT_M = 1.3;
const BED_FLOOR_M = 0.9;
/** Height of a load (sacks, boxes, straw) heaped on the bed. */
const LOAD_HEIGHT_M = 1.6;

const COLOURS: RGB[] = [
  [0.2, 0.35, 0.6],
  [0.2, 0.35, 0.6],
  [0.85, 0.85, 0.84],
  [0.6, 0.15, 0.12],
  [0.25, 0.45, 0.3],
];
const GLASS: RGB = [0.08, 0.09, 0.11];
const BED: RGB = [0.32, 0.3, 0.27];
const LOAD: RGB = [0.7, 0.62, 0.45];
const CHASSIS: RGB = [0.1, 0.1, 0.1];

/** Whether the truck `salt` carries a load on its bed. */
const loaded = (salt: number): boolean => (salt >>> 3) % 3 === 0;

/** Height (m) of the truck at (a, q), 0 off it. */
export function vehicleHeight(a: number, q: number, salt: number): number {
  if (Math.abs(a) >= VEHICLE_HALF_LENGTH_M || Math.abs(q) >= VEHICLE_HALF_WIDTH_M) return 0;
  if (a >= CAB_BACK_M) return CAB_HEIGHT_M;
  if (a > BED_FRONT_M) return BED_FLOOR_M;
  const board =
    Math.abs(q) > VEHICLE_HALF_WIDTH_M - BOARD_M || a < -VEHICLE_HALF_LENGTH_M + BOARD_M || a > BED_FRONT_M - BOARD_M;
  if (board) return BOARD_HEIGHT_M;
  return loaded(salt) && Math.abs(q) < 0.7 && a > -2 && a < 0.3 ? LOAD_HEIGHT_M : BED_FLOOR_M;
}

/** Paint the truck `salt` at (a, q) into `s`, at its height; false (nothing painted) off the truck. */
export function paintVehicle(s: Surface, a: number, q: number, salt: number): boolean {
  const h = vehicleHeight(a, q, salt);
  if (h === 0) return false;
  s.dropLeaves();
  const body = COLOURS[(salt >>> 0) % COLOURS.length] as RGB;
  s.spec = 0.1;
  if (h === CAB_HEIGHT_M) {
    // The cab's roof; the windscreen's top edge shows along its front.
    if (a > VEHICLE_HALF_LENGTH_M - 0.35) s.set(GLASS);
    else s.set(body, 1 - 0.1 * Math.max(0, Math.abs(q) - 0.8) * 5);
    s.spec = a > VEHICLE_HALF_LENGTH_M - 0.35 ? 0.5 : 0.2;
  } else if (h === BOARD_HEIGHT_M) {
    s.set(body, 0.85);
    s.spec = 0.15;
  } else if (h === LOAD_HEIGHT_M) {
    s.set(LOAD, 0.9 + 0.1 * Math.cos(a * 7) * Math.cos(q * 9));
  } else if (a > BED_FRONT_M) s.set(CHASSIS);
  else s.set(BED, 0.9 + 0.1 * Math.cos(q * 40));
  s.objH = h;
  return true;
}
