/**
 * Properties of the vehicle's local geometry, fence test and flight model limits (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { haversineM } from '@xuncha/geodata';
import { breachesFence, buildFence } from '../src/vehicle/fence.ts';
import { DEFAULT_LIMITS, FlightModel } from '../src/vehicle/flight-model.ts';
import { bearingDeg, distanceM, movePoint, offsetM } from '../src/vehicle/geo.ts';
import { createPrng } from '../src/vehicle/prng.ts';
import type { MissionItemState } from '../src/vehicle/types.ts';
import { MavFrame } from '../src/vehicle/mav.ts';

const lonArb = fc.double({ min: 73, max: 135, noNaN: true });
const latArb = fc.double({ min: 18, max: 53, noNaN: true });
const metres = fc.double({ min: -5000, max: 5000, noNaN: true });

describe('local geometry', () => {
  test('moving by an offset and measuring it back agree', () => {
    fc.assert(
      fc.property(lonArb, latArb, metres, metres, (lon, lat, n, e) => {
        const p = movePoint(lon, lat, n, e);
        const o = offsetM(lon, lat, p.lon, p.lat);
        expect(Math.abs(o.northM - n)).toBeLessThan(1e-3 * Math.max(1, Math.abs(n)) + 0.01);
        expect(Math.abs(o.eastM - e)).toBeLessThan(1e-3 * Math.max(1, Math.abs(e)) + 0.01);
      }),
    );
  });

  test('distances match the great circle within 0.5 % up to 5 km', () => {
    fc.assert(
      fc.property(lonArb, latArb, metres, metres, (lon, lat, n, e) => {
        fc.pre(Math.hypot(n, e) > 10);
        const p = movePoint(lon, lat, n, e);
        const d = distanceM(lon, lat, p.lon, p.lat);
        expect(Math.abs(d - haversineM(lon, lat, p.lon, p.lat)) / d).toBeLessThan(0.005);
        const b = bearingDeg(lon, lat, p.lon, p.lat);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(360);
      }),
    );
  });
});

describe('fence', () => {
  const square = (lon: number, lat: number, d: number, command: number): MissionItemState[] =>
    [
      [lat - d, lon - d],
      [lat - d, lon + d],
      [lat + d, lon + d],
      [lat + d, lon - d],
    ].map(([la, lo], seq) => ({
      seq,
      frame: MavFrame.GLOBAL_INT,
      command,
      current: 0,
      autocontinue: 1,
      param1: 4,
      param2: 0,
      param3: 0,
      param4: 0,
      x: Math.round(la! * 1e7),
      y: Math.round(lo! * 1e7),
      z: 0,
    }));

  test('inclusion square: breached exactly outside; exclusion: exactly inside', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.003, max: 0.003, noNaN: true }),
        fc.double({ min: -0.003, max: 0.003, noNaN: true }),
        (dx, dy) => {
          fc.pre(Math.abs(Math.abs(dx) - 0.002) > 1e-6 && Math.abs(Math.abs(dy) - 0.002) > 1e-6);
          const inside = Math.abs(dx) < 0.002 && Math.abs(dy) < 0.002;
          const inc = buildFence(square(119.14, 28.07, 0.002, 5001));
          const exc = buildFence(square(119.14, 28.07, 0.002, 5002));
          expect(breachesFence(inc, 119.14 + dx, 28.07 + dy)).toBe(!inside);
          expect(breachesFence(exc, 119.14 + dx, 28.07 + dy)).toBe(inside);
        },
      ),
    );
  });

  test('circles use metres', () => {
    const c: MissionItemState = { ...square(119.14, 28.07, 0, 5003)[0]!, param1: 100, x: 280700000, y: 1191400000 };
    const f = buildFence([c]);
    const near = movePoint(119.14, 28.07, 99, 0);
    const far = movePoint(119.14, 28.07, 0, 101);
    expect(breachesFence(f, near.lon, near.lat)).toBe(false);
    expect(breachesFence(f, far.lon, far.lat)).toBe(true);
  });
});

describe('flight model', () => {
  test('respects speed and climb limits and arrives, in any wind it can fly in', () => {
    fc.assert(
      fc.property(
        metres,
        metres,
        fc.double({ min: 5, max: 120, noNaN: true }),
        fc.double({ min: 0, max: 12, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (n, e, altM, windMps, windDeg, seed) => {
          const fm = new FlightModel(119.14, 28.07, 200, 0, DEFAULT_LIMITS, createPrng(seed));
          const target = movePoint(119.14, 28.07, n, e);
          const sp = {
            lat: target.lat,
            lon: target.lon,
            altAmslM: 200 + altM,
            speedMps: 10,
            yawDeg: null,
            land: false,
            drift: false,
          };
          const w = (windDeg * Math.PI) / 180;
          const env = {
            windNorthMps: windMps * Math.cos(w),
            windEastMps: windMps * Math.sin(w),
            gustMps: 0,
            groundAmslM: 200,
          };
          let prevUp = 0;
          let worst = 0; // largest limit violation seen (plain checks: expect() per step is slow)
          for (let i = 0; i < 50 * 1200; i++) {
            if (fm.step(0.02, sp, env) !== 'none') throw new Error('unexpected ground contact');
            worst = Math.max(
              worst,
              fm.groundSpeedMps - DEFAULT_LIMITS.maxSpeedMps,
              fm.vUp - DEFAULT_LIMITS.maxClimbMps,
              -fm.vUp - DEFAULT_LIMITS.maxSinkMps,
              Math.abs(fm.vUp - prevUp) - 2.5 * 0.02,
            );
            prevUp = fm.vUp;
            if (distanceM(fm.lon, fm.lat, sp.lon, sp.lat) < 0.5 && Math.abs(fm.altAmslM - sp.altAmslM) < 0.5) {
              expect(worst).toBeLessThanOrEqual(1e-9);
              return;
            }
          }
          throw new Error('did not arrive in 20 minutes');
        },
      ),
      { numRuns: 30 },
    );
  });

  test('landing: soft touchdown lands, a fast one crashes', () => {
    const land = new FlightModel(119.14, 28.07, 230, 0, DEFAULT_LIMITS, createPrng(1));
    land.onGround = false;
    const env = { windNorthMps: 0, windEastMps: 0, gustMps: 0, groundAmslM: 200 };
    const sp = { lat: 28.07, lon: 119.14, altAmslM: 0, speedMps: 5, yawDeg: null, land: true, drift: false };
    let ev = 'none';
    for (let i = 0; i < 50 * 200 && ev === 'none'; i++) ev = land.step(0.02, sp, env);
    expect(ev).toBe('landed');
    const fall = new FlightModel(119.14, 28.07, 230, 0, DEFAULT_LIMITS, createPrng(1));
    fall.onGround = false;
    ev = 'none';
    for (let i = 0; i < 50 * 60 && ev === 'none'; i++) ev = fall.step(0.02, null, env);
    expect(ev).toBe('crash');
  });
});
