import { describe, expect, it } from 'vitest';
import { filedCases, median, metresBetween, scoreCases, type PlantedIncident } from './score.ts';

const LON = 119.077;
const LAT = 28.0615;
/** A point `eastM` east and `northM` north of (LON, LAT). */
const at = (eastM: number, northM: number) => ({
  lon: LON + eastM / (111_320 * Math.cos((LAT * Math.PI) / 180)),
  lat: LAT + northM / 110_574,
});
const fire: PlantedIncident = { id: 'fire', class: 'straw_burning', ...at(0, 0), extentM: 18 };
const outfall: PlantedIncident = { id: 'outfall', class: 'sewage_outfall', ...at(500, 0), extentM: 40 };

describe('scoring filed cases against planted incidents', () => {
  it('measures distances in metres', () => {
    expect(metresBetween(at(0, 0), at(30, 40))).toBeCloseTo(50, 0);
  });

  it('passes when every incident is filed once, close to where it was planted', () => {
    const s = scoreCases(
      [fire, outfall],
      [
        { id: 'c1', category: 'straw_burning', ...at(3, 0) },
        { id: 'c2', category: 'sewage_outfall', ...at(504, 0) },
      ],
      { flownKm2: 1 },
    );
    expect(s.missed).toEqual([]);
    expect(s.duplicated).toEqual([]);
    expect(s.falseCases).toEqual([]);
    expect(s.medianErrorM).toBeCloseTo(3.5, 0);
    expect(s.meets).toEqual({ everyIncidentOnce: true, falseRate: true, medianError: true });
  });

  it('counts a missed incident, a doubled one and a case of the wrong class nearby as false', () => {
    const s = scoreCases(
      [fire, outfall],
      [
        { id: 'c1', category: 'straw_burning', ...at(2, 0) },
        { id: 'c2', category: 'straw_burning', ...at(-20, 0) },
        { id: 'c3', category: 'exposed_slope', ...at(500, 0) },
      ],
      { flownKm2: 2 },
    );
    expect(s.missed).toEqual(['outfall']);
    expect(s.duplicated).toEqual(['fire']);
    expect(s.falseCases).toEqual(['c3']);
    expect(s.falsePer10Km2).toBeCloseTo(5);
    expect(s.incidents.find((i) => i.id === 'fire')).toMatchObject({ cases: 2 });
    expect(s.meets).toEqual({ everyIncidentOnce: false, falseRate: false, medianError: true });
  });

  it('takes a case beyond the extent and slack as false, and fails the error bound when positions are off', () => {
    const s = scoreCases([fire], [{ id: 'far', category: 'straw_burning', ...at(40, 0) }], { flownKm2: 20 });
    expect(s.falseCases).toEqual(['far']);
    expect(s.falsePer10Km2).toBeCloseTo(0.5);
    expect(s.meets.falseRate).toBe(true);
    expect(s.medianErrorM).toBeNull();
    expect(s.meets.medianError).toBe(false);
    const off = scoreCases([fire], [{ id: 'off', category: 'straw_burning', ...at(0, 12) }], { flownKm2: 1 });
    expect(off.medianErrorM).toBeCloseTo(12, 0);
    expect(off.meets.medianError).toBe(false);
  });

  it('takes the median of an even count as the mean of the middle two and refuses a zero flown area', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(() => scoreCases([fire], [], { flownKm2: 0 })).toThrow(RangeError);
  });
});

it('cases as the API lists them become pins to score', () => {
  expect(
    filedCases([{ id: 'case_1', category: 'straw_burning', position: { coordinates: [119.077, 28.0615] } }]),
  ).toEqual([{ id: 'case_1', category: 'straw_burning', lon: 119.077, lat: 28.0615 }]);
});
