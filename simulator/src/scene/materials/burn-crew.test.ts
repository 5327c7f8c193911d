/**
 * The people and truck beside a straw fire (issue 15: real frames of field burns show "vehicles and
 * people nearby"). They stand out of the smoke, paint what they stand for, and cast shadows off their feet
 * as long as they are tall.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoLonLat, demoShader } from '../demo-shader.ts';
import { demoRiverY } from '../demo-world.ts';
import { Rng } from '../random.ts';
import { Surface } from '../surface.ts';
import {
  burnPlace,
  crewSunShare,
  paintCrew,
  planCrew,
  type BurnCrew,
  type Tender,
  type ViewToward,
} from './burn-crew.ts';
import type { IncidentShape } from '../incident-shape.ts';

function burn(headingDeg: number, radiusM: number, lengthM = 0, widthM = 0): IncidentShape {
  return {
    id: 'b',
    cls: 'straw_burning',
    lon: 0,
    lat: 0,
    shape: lengthM > 0 ? 'rect' : 'disc',
    headingDeg,
    radiusM,
    lengthM,
    widthM,
    side: 0,
    intensity: 0.8,
  };
}

const DEG = Math.PI / 180;

/** A crew with at least one person, from the first seed at or after `seed` that gives one. */
/** A camera straight above, and the sun in the east. */
const NADIR: ViewToward = { ux: 0, uy: 0, tan: Infinity };
const paintNadir = (s: Surface, crew: BurnCrew, x: number, y: number, gsd: number): boolean =>
  paintCrew(s, crew, x, y, gsd, NADIR, 1, 0);

function crewWithPerson(seed: number, headingDeg = 0): { crew: BurnCrew; t: Tender } {
  for (let k = seed; ; k++) {
    const crew = planCrew(new Rng(k), burnPlace(burn(headingDeg, 15), 0, 0, headingDeg * DEG));
    if (crew?.tenders.length) return { crew, t: crew.tenders[0] as Tender };
  }
}

describe('a straw burn’s crew', () => {
  it('is there at seven burns in ten, with a truck at a third, and no one stands downwind in the smoke', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 359 }),
        fc.integer({ min: 0, max: 359 }),
        fc.boolean(),
        fc.integer({ min: 5, max: 40 }),
        fc.nat(),
        (wind, hd, rect, size, seed) => {
          // A disc's head is downwind; a whole field's burn lies along its field, whatever the wind.
          const shape = rect ? burn(hd, 0, 2 * size, size) : burn(wind, size);
          const crew = planCrew(new Rng(seed), burnPlace(shape, 100, -50, wind * DEG));
          const dx = Math.sin(wind * DEG);
          const dy = Math.cos(wind * DEG);
          for (const t of crew?.tenders ?? []) {
            const ex = t.x - 100;
            const ny = t.y + 50;
            const dist = Math.hypot(ex, ny);
            // 100–260° from downwind: the downwind part is at most cos 100° of the distance.
            expect(ex * dx + ny * dy).toBeLessThanOrEqual(Math.cos(100 * DEG) * dist + 1e-9);
            // Just outside the outline, or on the burnt ground behind the front (normalised to the outline).
            const h = shape.headingDeg * DEG;
            const along = ex * Math.sin(h) + ny * Math.cos(h);
            const across = ex * Math.cos(h) - ny * Math.sin(h);
            const rho = rect ? Math.max(Math.abs(along) / size, Math.abs(across) / (size / 2)) : dist / size;
            expect(rho <= 0.85 + 1e-9 ? rho >= 0.5 - 1e-9 : rho >= 1.08 - 1e-9 && rho <= 1.3 + 1e-9).toBe(true);
          }
        },
      ),
    );
    let people = 0;
    let trucks = 0;
    const n = 600;
    for (let seed = 0; seed < n; seed++) {
      const crew = planCrew(new Rng(seed), burnPlace(burn(30, 15), 0, 0, 30 * DEG));
      if (crew?.tenders.length) people++;
      if (crew?.truck) trucks++;
    }
    expect(people / n).toBeGreaterThan(0.62);
    expect(people / n).toBeLessThan(0.78);
    expect(trucks / n).toBeGreaterThan(0.26);
    expect(trucks / n).toBeLessThan(0.4);
  });

  it('paints a person where they stand, and a share of a pixel coarser than them', () => {
    const { crew, t } = crewWithPerson(1);
    const s = new Surface();
    s.set([0.5, 0.5, 0.5]);
    expect(paintNadir(s, crew, t.x, t.y, 0.02)).toBe(true);
    expect(s.objH).toBeGreaterThanOrEqual(1.45);
    s.reset();
    s.set([0.5, 0.5, 0.5]);
    expect(paintNadir(s, crew, t.x + 0.6, t.y + 0.6, 0.02)).toBe(false);
    // A 1 m pixel over them: tinted by their shoulders' area (0.1 m²), not painted over.
    s.reset();
    s.set([1, 1, 1]);
    expect(paintNadir(s, crew, t.x + 0.2, t.y - 0.3, 1)).toBe(true);
    const share = (1 - s.r) / (1 - t.clothes[0]);
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
  });

  it('stands a person up in an oblique view: legs, body and head over the ground behind them', () => {
    // One bareheaded person in an orange jacket at the origin, facing east; the camera 45° up in the south,
    // so a ray reaching the ground d metres north of them passed over their feet at height d.
    const t: Tender = { x: 0, y: 0, cos: 1, sin: 0, clothes: [0.8, 0.35, 0.08], hat: false, rake: false };
    const crew: BurnCrew = { tenders: [t], truck: null, cx: 0, cy: 0, boundM: 1 };
    const south: ViewToward = { ux: 0, uy: -1, tan: 1 };
    const s = new Surface();
    const seen = (x: number, y: number): boolean => {
      s.reset();
      s.set([0.5, 0.5, 0.5]);
      return paintCrew(s, crew, x, y, 0.02, south, 1, 0);
    };
    // Met at the height of the run back to their axis: trousers, then the jacket, then the head.
    expect(seen(0, 0.5)).toBe(true);
    expect(s.objH).toBeCloseTo(0.5 + 0.196, 1);
    expect(s.r).toBeLessThan(0.15);
    expect(seen(0, 1.1)).toBe(true);
    expect(s.r).toBeGreaterThan(s.b * 3);
    // Its sunlight is read on the jacket's south face, 5 cm out of it (0.246 m south of their axis), not on
    // the ground 1.1 m north of them.
    expect(s.sunAtDx).toBeCloseTo(0, 6);
    expect(1.1 + s.sunAtDy).toBeCloseTo(-0.246, 2);
    expect(seen(0, 1.55)).toBe(true);
    expect(s.objH).toBeGreaterThan(1.45);
    // Above their head, beside them and in front of them the ground shows.
    expect(seen(0, 1.95)).toBe(false);
    expect(seen(0.3, 1)).toBe(false);
    expect(seen(0, -0.5)).toBe(false);
    // The side toward the sun (east) is lit, the other in its own shade.
    seen(0.15, 1.1);
    const east = s.r;
    seen(-0.15, 1.1);
    expect(east).toBeGreaterThan(s.r * 1.3);
    // Seen from straight above, the same person is their shoulders' top, 0.23 m across.
    expect(paintNadir(s, crew, 0, 0.5, 0.02)).toBe(false);
    expect(paintNadir(s, crew, 0, 0.2, 0.02)).toBe(true);
  });

  it('casts a shadow away from the sun as long as a person is tall over the sun’s tangent', () => {
    const { crew, t } = crewWithPerson(3);
    const tan30 = Math.tan(Math.PI / 6);
    // Sun in the east, 30° up: the shadow runs west.
    const lit = (dx: number, dy: number) => crewSunShare(crew, t.x + dx, t.y + dy, 0, 1, 0, tan30);
    expect(lit(-1.5, 0)).toBe(0);
    expect(lit(1.5, 0)).toBe(1);
    expect(lit(-1.5, 0.5)).toBe(1);
    let end = 0;
    for (let d = 0; d < 5; d += 0.01) if (lit(-d, 0) === 0) end = d;
    const tall = t.hat ? 1.7 : 1.65;
    expect(Math.abs(end - tall / tan30)).toBeLessThan(0.03);
    // The sun higher, the shadow shorter.
    const tan60 = Math.tan(Math.PI / 3);
    expect(crewSunShare(crew, t.x - 1.5, t.y, 0, 1, 0, tan60)).toBe(1);
    expect(crewSunShare(crew, t.x - 0.8, t.y, 0, 1, 0, tan60)).toBe(0);
  });

  it('stands in a rendered scene: a shader’s sun visibility is its shadow', () => {
    const y0 = demoRiverY(0) + 150;
    const [lon, lat] = demoLonLat(0, y0);
    for (let seed = 1; seed < 40; seed++) {
      const sh = demoShader({
        incidents: [{ id: 'b', class: 'straw_burning', lon, lat, radiusM: 20, intensity: 0.8 }],
        seed,
      });
      const t = sh.crews[0]?.tenders[0];
      if (!t || sh.tanSun < 0.2) continue;
      const h = Math.hypot(sh.sunX, sh.sunY);
      const ux = sh.sunX / h;
      const uy = sh.sunY / h;
      // A metre from their feet away from the sun: in their shadow; toward the sun: lit by them.
      const away = sh.sunVisibility(t.x - ux, t.y - uy, 0, 0.05);
      const toward = sh.sunVisibility(t.x + ux, t.y + uy, 0, 0.05);
      expect(away).toBe(0);
      expect(toward).toBeGreaterThan(0);
      return;
    }
    throw new Error('no seed gave a burn with a person under a sun above 11°');
  });
});
