/**
 * Same seed, same commands → the same flight, step for step (gusts included); another seed differs.
 */
import { expect, test } from 'vitest';
import { Vehicle } from '../src/vehicle/vehicle.ts';

function fly(seed: number): { lon: number; lat: number; altAmslM: number; batteryPct: number } {
  const v = new Vehicle({
    sysId: 1,
    home: { lon: 119.14, lat: 28.07, altAmslM: 200 },
    bootDelayS: 0,
    seed,
    wind: { speedMps: 6, fromDeg: 300, gustMps: 1.5 },
  });
  expect(v.ap.setMode('GUIDED').ok).toBe(true);
  expect(v.ap.arm().ok).toBe(true);
  expect(v.ap.takeoff(25).ok).toBe(true);
  for (let i = 0; i < 50 * 20; i++) v.step(0.02);
  expect(v.ap.reposition(28.075, 119.145, 230, 8).ok).toBe(true);
  for (let i = 0; i < 50 * 60; i++) v.step(0.02);
  const s = v.state();
  return { lon: s.lon, lat: s.lat, altAmslM: s.altAmslM, batteryPct: s.batteryPct };
}

test('a flight is repeatable under a seed', () => {
  const a = fly(7);
  expect(fly(7)).toEqual(a);
  expect(fly(8)).not.toEqual(a);
});
