/**
 * The people, and sometimes the truck, beside a straw fire. Real frames of field burns show them: the
 * farmers who lit it stand at its flanks or behind it with rakes, out of its smoke, and some came in a
 * light truck parked upwind. From the air a person is a head or a straw hat (斗笠) over the shoulders, a
 * rake's handle, and a shadow longer than the person is wide. Painted on the ground: a camera ray reaching
 * the ground behind a person (seen from the camera) is traced back up to where it met them (personHit), so
 * at oblique views they stand up, legs, body and head; the truck stands in the sun-shadow mask
 * (crewHeight), people's shadows are traced (crewSunShare).
 */
import type { IncidentShape } from '../incident-shape.ts';
import type { RGB } from '../look.ts';
import type { Rng } from '../random.ts';
import type { Surface } from '../surface.ts';
import { paintVehicle, VEHICLE_HALF_LENGTH_M, vehicleHeight } from './vehicle.ts';

/** One person: where they stand (scene frame), which way they face, what they wear. */
export interface Tender {
  x: number;
  y: number;
  cos: number;
  sin: number;
  clothes: RGB;
  /** A straw hat over the head, or bare dark hair. */
  hat: boolean;
  /** Holding a rake (handle forward and to the right). */
  rake: boolean;
}

/** A parked truck: its centre, heading (forward unit vector) and vehicle.ts salt. */
export interface ParkedTruck {
  x: number;
  y: number;
  cos: number;
  sin: number;
  salt: number;
}

export interface BurnCrew {
  tenders: Tender[];
  truck: ParkedTruck | null;
  /** Centre and half-size (m) of a square holding all of them. */
  cx: number;
  cy: number;
  boundM: number;
}

/** The burn a crew stands round: its centre, the way its smoke goes, its outline's size along a direction. */
export interface BurnPlace {
  cx: number;
  cy: number;
  /** Unit vector downwind (where the smoke goes), scene frame: (east, north). */
  sinH: number;
  cosH: number;
  /** Distance (m) from the centre to the nominal outline at `angle` (rad) from downwind. */
  reachM: (angle: number) => number;
}

/**
 * Straw burn `shape` at scene point (cx, cy), the wind blowing toward `downwindRad` (clockwise from north),
 * as a crew's place. A disc's fire head is downwind; a whole field's burn lies along the field, whatever
 * the wind, so its outline is measured in its own frame.
 */
export function burnPlace(shape: IncidentShape, cx: number, cy: number, downwindRad: number): BurnPlace {
  const sinH = Math.sin(downwindRad);
  const cosH = Math.cos(downwindRad);
  const own = shape.headingDeg * (Math.PI / 180);
  const sinS = Math.sin(own);
  const cosS = Math.cos(own);
  return {
    cx,
    cy,
    sinH,
    cosH,
    reachM: (angle) => {
      if (shape.shape === 'disc') return shape.radiusM;
      // The direction at `angle` from downwind, in the burn's (along, across) frame; a rectangle's outline
      // is where the larger of its two normalised coordinates reaches 1.
      const [ex, ny] = turn(sinH, cosH, angle);
      const along = ex * sinS + ny * cosS;
      const across = ex * cosS - ny * sinS;
      return 1 / Math.max(Math.abs(along) / (shape.lengthM / 2), Math.abs(across) / (shape.widthM / 2), 1e-9);
    },
  };
}

/** The unit vector (east, north) at `ang` (rad, clockwise) from the unit vector (sinH, cosH). */
function turn(sinH: number, cosH: number, ang: number): [number, number] {
  const c = Math.cos(ang);
  const s = Math.sin(ang);
  return [sinH * c + cosH * s, cosH * c - sinH * s];
}

const SHOULDER_HALF_M = 0.23;
const CHEST_HALF_M = 0.14;
const HEAD_M = 0.11;
const HAT_M = 0.27;
const SHOULDER_HEIGHT_M = 1.45;
const HEAD_HEIGHT_M = 1.65;
const HAT_HEIGHT_M = 1.7;
/** The rake's handle: from the hands (forward, right) out to its head, held at about waist height. */
const RAKE_FROM: [number, number] = [0.15, 0.2];
const RAKE_TO: [number, number] = [1.7, 0.45];
const RAKE_HALF_M = 0.025;
const RAKE_HEIGHT_M = 0.9;
/** A person's area seen from above (m²): shoulders' ellipse, for the share of a coarse pixel they cover. */
const PERSON_AREA_M2 = Math.PI * SHOULDER_HALF_M * CHEST_HALF_M;

/** Work clothes: dark blue, grey, black, faded green, white shirts, and a few orange or red jackets. */
const CLOTHES: RGB[] = [
  [0.12, 0.16, 0.3],
  [0.35, 0.35, 0.34],
  [0.08, 0.08, 0.08],
  [0.28, 0.32, 0.2],
  [0.78, 0.78, 0.75],
  [0.8, 0.35, 0.08],
  [0.6, 0.1, 0.08],
];
const HAIR: RGB = [0.05, 0.045, 0.04];
const STRAW_HAT: RGB = [0.74, 0.64, 0.44];
const HANDLE: RGB = [0.5, 0.4, 0.26];

/**
 * Draw a burn's crew: none for three burns in ten, else one to three people at its flanks and back, just
 * outside its outline or (one in four) on the burnt ground behind the front, facing the fire; a truck
 * upwind 6–14 m off the outline for a third of the burns.
 */
export function planCrew(r: Rng, b: BurnPlace): BurnCrew | null {
  const tenders: Tender[] = [];
  let truck: ParkedTruck | null = null;
  const n = r.chance(0.3) ? 0 : r.int(1, 3);
  let far = 0;
  for (let i = 0; i < n; i++) {
    const behind = r.chance(0.25);
    // Angles from downwind: sides and back (100–260°), out of the smoke; behind the front, upwind (150–210°).
    const ang = (behind ? r.range(150, 210) : r.range(100, 260)) * (Math.PI / 180);
    const reach = b.reachM(ang) * (behind ? r.range(0.5, 0.85) : r.range(1.08, 1.3));
    const [x, y] = at(b, ang, reach);
    // Facing the fire's centre, give or take 40°.
    const face = Math.atan2(b.cy - y, b.cx - x) + r.range(-0.7, 0.7);
    tenders.push({
      x,
      y,
      cos: Math.cos(face),
      sin: Math.sin(face),
      clothes: r.pick(CLOTHES),
      hat: r.chance(0.35),
      rake: r.chance(0.6),
    });
    far = Math.max(far, reach + 2);
  }
  if (r.chance(0.33)) {
    const ang = r.range(140, 220) * (Math.PI / 180);
    const reach = b.reachM(ang) + r.range(6, 14);
    const [x, y] = at(b, ang, reach);
    const heading = r.range(0, 2 * Math.PI);
    truck = { x, y, cos: Math.cos(heading), sin: Math.sin(heading), salt: r.int(0, 1 << 20) };
    far = Math.max(far, reach + VEHICLE_HALF_LENGTH_M + 1);
  }
  if (!tenders.length && !truck) return null;
  return { tenders, truck, cx: b.cx, cy: b.cy, boundM: far };
}

/** The scene point `reach` metres from the burn's centre at `ang` from downwind. */
function at(b: BurnPlace, ang: number, reach: number): [number, number] {
  const [ex, ny] = turn(b.sinH, b.cosH, ang);
  return [b.cx + ex * reach, b.cy + ny * reach];
}

/** Whether (x, y) is within `more` metres of the crew's square. */
const near = (c: BurnCrew, x: number, y: number, more = 0): boolean =>
  Math.abs(x - c.cx) <= c.boundM + more && Math.abs(y - c.cy) <= c.boundM + more;

/** The camera as seen from a ground point: the unit vector toward it across the ground, and the ray's rise per metre. */
export interface ViewToward {
  ux: number;
  uy: number;
  tan: number;
}

/** How far (m) out of a person's side its sunlight is read. */
const SIDE_OUT_M = 0.05;
/** Rays steeper than this (rise per metre, about 7° from the vertical) see people from above, as at nadir. */
const TOP_VIEW_TAN = 8;
/** Below this height (m) a standing person shows trousers, above it their jacket or shirt. */
const WAIST_M = 0.85;
const TROUSERS: RGB = [0.1, 0.1, 0.11];
const SKIN: RGB = [0.55, 0.4, 0.3];
/** A person's columns, from the top down: radius (m), bottom and top height (m), and what each is. */
const HATTED: [number, number, number, string][] = [
  [HAT_M, HAT_HEIGHT_M - 0.1, HAT_HEIGHT_M, 'hat'],
  [HEAD_M, SHOULDER_HEIGHT_M, HAT_HEIGHT_M - 0.1, 'head'],
  [SHOULDER_HALF_M * 0.85, 0, SHOULDER_HEIGHT_M, 'body'],
];
const BAREHEADED: [number, number, number, string][] = [
  [HEAD_M, SHOULDER_HEIGHT_M, HEAD_HEIGHT_M, 'head'],
  [SHOULDER_HALF_M * 0.85, 0, SHOULDER_HEIGHT_M, 'body'],
];

/** What personHit found: the part met, whether on its top, the height (m) and the outward normal of its side. */
const met = { part: '', top: false, z: 0, nx: 0, ny: 0 };

/**
 * Whether the camera ray that reaches the ground at (x, y) met person `t` on its way down (the person a
 * column, as for their shadow: body, then head or hat); the first part it met is in `met`. The ray passes
 * the person's axis `s` metres from (x, y) toward the camera; it is inside a column of radius r while
 * within √(r² − d²) of that point, d its distance from the axis, at the height its run times `v.tan`.
 */
function personHit(t: Tender, x: number, y: number, v: ViewToward): boolean {
  const fx = t.x - x;
  const fy = t.y - y;
  const s = fx * v.ux + fy * v.uy;
  const px = fx - s * v.ux;
  const py = fy - s * v.uy;
  const d2 = px * px + py * py;
  for (const [r, z0, z1, part] of t.hat ? HATTED : BAREHEADED) {
    if (d2 > r * r) continue;
    const half = Math.sqrt(r * r - d2);
    const top = z1 / v.tan;
    // The highest point of the ray inside this column (the first the ray reaches), if any.
    const w = Math.min(s + half, top);
    if (w < Math.max(s - half, z0 / v.tan, 0)) continue;
    met.part = part;
    met.top = w === top;
    met.z = w * v.tan;
    met.nx = (w * v.ux - fx) / r;
    met.ny = (w * v.uy - fy) / r;
    return true;
  }
  return false;
}

/**
 * Height (m) of the crew's truck at (x, y), 0 where none stands: for the sun-shadow mask. People are
 * narrower than the mask keeps (it drops features under 0.75 m); their shadows are crewSunShare's.
 */
export function crewHeight(c: BurnCrew, x: number, y: number): number {
  const k = c.truck;
  if (!k || !near(c, x, y)) return 0;
  const dx = x - k.x;
  const dy = y - k.y;
  return vehicleHeight(dx * k.cos + dy * k.sin, -dx * k.sin + dy * k.cos, k.salt);
}

/** Radius (m) of a standing person's column at height z: body, then head (or hat), nothing above. */
function bodyRadius(t: Tender, z: number): number {
  if (z < 0) return 0;
  // The columns personHit meets, read from the top down: the first whose span holds z (the body's from the ground).
  for (const [r, z0, z1] of t.hat ? HATTED : BAREHEADED) if (z <= z1 && (z > z0 || z0 === 0)) return r;
  return 0;
}

/**
 * Share of direct sun reaching (x, y) at height objH past the crew's people: 0 where a person stands
 * between it and the sun. The sun is toward the unit (ux, uy) across the ground, tanSun its rise per metre.
 * A person is a column (body, head or hat), so the shadow is a long narrow figure off their feet.
 */
export function crewSunShare(
  c: BurnCrew,
  x: number,
  y: number,
  objH: number,
  ux: number,
  uy: number,
  tanSun: number,
): number {
  if (!c.tenders.length || tanSun <= 0.05) return 1;
  const reach = (HAT_HEIGHT_M - objH) / tanSun;
  if (reach <= 0) return 1;
  if (Math.abs(x - c.cx) > c.boundM + reach || Math.abs(y - c.cy) > c.boundM + reach) return 1;
  for (const t of c.tenders) {
    const fx = t.x - x;
    const fy = t.y - y;
    // How far toward the sun the person's axis passes, and how near the ray toward the sun.
    const s = fx * ux + fy * uy;
    if (s < 0 || s > reach) continue;
    const px = fx - s * ux;
    const py = fy - s * uy;
    const r = bodyRadius(t, objH + s * tanSun);
    if (r > 0 && px * px + py * py <= r * r) return 0;
  }
  return 1;
}

/** Height of person `t` at offset (dx, dy) from where they stand. */
function personHeight(t: Tender, dx: number, dy: number): number {
  if (dx > 1.8 || dx < -1.8 || dy > 1.8 || dy < -1.8) return 0;
  const a = dx * t.cos + dy * t.sin;
  const c = dx * t.sin - dy * t.cos;
  const r2 = a * a + c * c;
  if (t.hat && r2 <= HAT_M * HAT_M) return HAT_HEIGHT_M;
  if (r2 <= HEAD_M * HEAD_M) return HEAD_HEIGHT_M;
  if ((c / SHOULDER_HALF_M) ** 2 + (a / CHEST_HALF_M) ** 2 <= 1) return SHOULDER_HEIGHT_M;
  if (t.rake && onHandle(a, c)) return RAKE_HEIGHT_M;
  return 0;
}

/** Whether person-frame (a forward, c right) lies on the rake's handle. */
function onHandle(a: number, c: number): boolean {
  const [a0, c0] = RAKE_FROM;
  const da = RAKE_TO[0] - a0;
  const dc = RAKE_TO[1] - c0;
  const t = Math.max(0, Math.min(1, ((a - a0) * da + (c - c0) * dc) / (da * da + dc * dc)));
  const ea = a - (a0 + t * da);
  const ec = c - (c0 + t * dc);
  return ea * ea + ec * ec <= RAKE_HALF_M * RAKE_HALF_M;
}

/**
 * Paint the crew at (x, y) over the ground in `s`, seen with pixels `gsd` metres across by a camera toward
 * `view`, the sun toward (sunUx, sunUy) across the ground; false where none of them is. A person smaller
 * than a pixel tints the pixel they stand in by the share they cover.
 */
export function paintCrew(
  s: Surface,
  c: BurnCrew,
  x: number,
  y: number,
  gsd: number,
  view: ViewToward,
  sunUx: number,
  sunUy: number,
): boolean {
  const standing = view.tan < TOP_VIEW_TAN && gsd <= 2 * SHOULDER_HALF_M;
  if (!near(c, x, y, standing ? HAT_HEIGHT_M / view.tan : 0)) return false;
  const k = c.truck;
  if (k) {
    const dx = x - k.x;
    const dy = y - k.y;
    if (paintVehicle(s, dx * k.cos + dy * k.sin, -dx * k.sin + dy * k.cos, k.salt)) return true;
  }
  if (standing) return paintStanding(s, c, x, y, view, sunUx, sunUy);
  for (const t of c.tenders) {
    const dx = x - t.x;
    const dy = y - t.y;
    const h = personHeight(t, dx, dy);
    if (gsd > 2 * SHOULDER_HALF_M) {
      // Coarser than the person: the pixel whose footprint holds them takes their share of its area.
      if (Math.abs(dx) <= gsd / 2 && Math.abs(dy) <= gsd / 2) {
        s.mix(t.clothes, Math.min(1, PERSON_AREA_M2 / (gsd * gsd)));
        return true;
      }
      continue;
    }
    if (h === 0) continue;
    s.dropLeaves();
    s.spec = 0.05;
    s.gx = 0;
    s.gy = 0;
    if (h === HAT_HEIGHT_M) s.set(STRAW_HAT, 0.9 + 0.25 * Math.cos(Math.hypot(dx, dy) * 60));
    else if (h === HEAD_HEIGHT_M) s.set(HAIR);
    else if (h === RAKE_HEIGHT_M) s.set(HANDLE);
    else {
      // Shoulders: lit on top, darker toward the arms.
      const a = dx * t.cos + dy * t.sin;
      const cc = dx * t.sin - dy * t.cos;
      s.set(t.clothes, 1 - 0.35 * ((cc / SHOULDER_HALF_M) ** 2 + (a / CHEST_HALF_M) ** 2));
    }
    s.objH = h;
    return true;
  }
  return false;
}

/**
 * The crew's people at an oblique view: where the ray to (x, y) met one of them, their side (trousers,
 * jacket, face or hair, hat), lit on the side toward the sun, or the top of their shoulders, head or hat.
 * Rakes are too thin to show standing up.
 */
function paintStanding(
  s: Surface,
  c: BurnCrew,
  x: number,
  y: number,
  view: ViewToward,
  sunUx: number,
  sunUy: number,
): boolean {
  let best: Tender | null = null;
  let bestZ = -1;
  let part = '';
  let top = false;
  let nx = 0;
  let ny = 0;
  let w = 0;
  // The person the ray met first, where two stand one behind the other: the one met highest up.
  for (const t of c.tenders)
    if (personHit(t, x, y, view) && met.z > bestZ) {
      best = t;
      bestZ = met.z;
      part = met.part;
      top = met.top;
      nx = met.nx;
      ny = met.ny;
      w = met.z / view.tan;
    }
  if (!best) return false;
  // Sunlight is read where the ray met them (a side a few centimetres out of the column, so a side toward
  // the sun is not shaded by the person themself and a side away from it is), not on the ground behind.
  const out = top ? 0 : SIDE_OUT_M;
  s.sunAtDx = w * view.ux + out * nx;
  s.sunAtDy = w * view.uy + out * ny;
  s.dropLeaves();
  s.spec = 0.05;
  s.gx = 0;
  s.gy = 0;
  s.objH = bestZ;
  // Sides toward the sun are lit, the others in their own shade; tops face the sky.
  const lit = top ? 1 : 0.55 + 0.45 * Math.max(0, nx * sunUx + ny * sunUy);
  if (part === 'hat') s.set(STRAW_HAT, (top ? 1 : 0.8) * lit);
  else if (part === 'head') {
    // The face toward where they look, hair behind and on top.
    const facing = nx * best.cos + ny * best.sin;
    s.set(!top && facing > 0.2 ? SKIN : HAIR, lit);
  } else s.set(bestZ < WAIST_M ? TROUSERS : best.clothes, lit * (top ? 1 : 0.9));
  return true;
}
