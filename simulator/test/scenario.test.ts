/**
 * Scenario files: the shipped ones, malformed ones refused with messages naming the problem, and
 * scenarios driving startSimulation / launchSimulation.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { launchSimulation, scenariosDir } from '../src/runner/launch.ts';
import { startSimulation, type RunningSimulation } from '../src/runner/start-simulation.ts';
import { loadScenario, parseScenario, ScenarioError } from '../src/scenario/load.ts';
import { distanceM } from '../src/vehicle/geo.ts';

let sim: RunningSimulation | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('shipped scenarios', () => {
  test('demo: two drones on farmland near Longquan and a handful of incidents', async () => {
    const s = await loadScenario(path.join(scenariosDir, 'demo.json'));
    expect(s.drones).toHaveLength(2);
    expect(s.incidents.length).toBeGreaterThanOrEqual(4);
    expect(s.incidents.length).toBeLessThanOrEqual(6);
    for (const d of s.drones) expect(distanceM(d.home.lon, d.home.lat, 119.14, 28.07)).toBeLessThan(5000);
  });

  test('evaluation: more incidents of all three classes, nadir and oblique cameras', async () => {
    const s = await loadScenario(path.join(scenariosDir, 'evaluation.json'));
    expect(s.incidents.length).toBeGreaterThan(10);
    expect(new Set(s.incidents.map((i) => i.class))).toEqual(
      new Set(['straw_burning', 'sewage_outfall', 'exposed_slope']),
    );
    const pitches = new Set(s.drones.map((d) => d.gimbalPitchDeg ?? -90));
    expect(pitches.has(-90)).toBe(true);
    expect([...pitches].some((p) => p > -80)).toBe(true);
  });
});

describe('malformed scenarios', () => {
  const dir = mkdtemp(path.join(os.tmpdir(), 'xuncha-scenario-'));
  const file = async (name: string, text: string): Promise<string> => {
    const p = path.join(await dir, name);
    await writeFile(p, text);
    return p;
  };

  test('missing file and broken JSON name the file', async () => {
    await expect(loadScenario('/nonexistent/s.json')).rejects.toThrow(/scenario file not found: \/nonexistent\/s.json/);
    const broken = await file('broken.json', '{"drones": [');
    await expect(loadScenario(broken)).rejects.toThrow(ScenarioError);
    await expect(loadScenario(broken)).rejects.toThrow(/not valid JSON: .*broken.json/);
  });

  test('bad fields are listed by path', () => {
    const bad = {
      drones: [{ home: { lon: 119.1, lat: 95 } }, { home: { lon: 119.1, lat: 28 }, signingKeyHex: 'xyz' }],
      weather: { windMps: -3 },
      incidents: [{ id: 'a', class: 'volcano', lon: 119, lat: 28 }],
      surprise: true,
    };
    let msg = '';
    try {
      parseScenario(bad, 'bad.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/^场景文件无效 \/ invalid scenario bad.json/);
    expect(msg).toContain('drones.0.home.lat');
    expect(msg).toContain('drones.1.signingKeyHex');
    // Cross-field rules (checked once the fields themselves are valid).
    expect(() =>
      parseScenario({ drones: [{ home: { lon: 119, lat: 28 } }, { sysId: 1, home: { lon: 119, lat: 28 } }] }),
    ).toThrow(/drones\.1\.sysId: .*sysId 1 duplicates drones\[0\]/);
    expect(msg).toContain('weather.windMps');
    expect(msg).toContain('incidents.0.class');
    expect(msg).toContain('surprise');
  });
});

describe('scenarios drive the simulation', () => {
  test('homes, personalities, battery, faults and signing come from the scenario', async () => {
    const s = parseScenario({
      drones: [
        { home: { lon: 119.1114, lat: 28.0607, altAmslM: 210 }, batteryPct: 80 },
        {
          sysId: 7,
          home: { lon: 119.112, lat: 28.061, altAmslM: 212 },
          personality: 'px4',
          signingKeyHex: 'ab'.repeat(32),
          faults: { packetLossPct: 10 },
          gimbalPitchDeg: -45,
        },
      ],
    });
    sim = await startSimulation({ scenario: s, basePort: 0, bootDelayS: 0 });
    const [a, b] = sim.vehicles;
    expect(a!.sysId).toBe(1);
    expect(a!.state()).toMatchObject({
      lon: 119.1114,
      lat: 28.0607,
      altAmslM: 210,
      personality: 'ardupilot',
      batteryPct: 80,
    });
    expect(b!.sysId).toBe(7);
    expect(b!.state()).toMatchObject({ personality: 'px4', gimbalPitchDeg: -45 });
    expect(b!.faults.packetLossPct).toBe(10);
    expect(b!.connection).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  test('extra drones line up beside the first home with their own sysids and ports', async () => {
    const s = parseScenario({ drones: [{ sysId: 2, home: { lon: 119.14, lat: 28.07 } }] });
    sim = await startSimulation({ scenario: s, drones: 3, basePort: 0, bootDelayS: 0 });
    expect(sim.vehicles.map((v) => v.sysId)).toEqual([2, 1, 3]);
    expect(new Set(sim.vehicles.map((v) => v.port)).size).toBe(3);
    const [v0, v1, v2] = sim.vehicles.map((v) => v.state());
    expect(distanceM(v0!.lon, v0!.lat, v1!.lon, v1!.lat)).toBeCloseTo(5, 1);
    expect(distanceM(v0!.lon, v0!.lat, v2!.lon, v2!.lat)).toBeCloseTo(10, 1);
  });

  test('launchSimulation starts the shipped demo', async () => {
    const launched = await launchSimulation({ basePort: 0, demPath: null, bootDelayS: 0 });
    sim = launched.sim;
    expect(launched.scenario.name).toMatch(/demo/);
    expect(sim.vehicles).toHaveLength(2);
    expect(launched.photos).toBe(false);
    expect(sim.vehicles.every((v) => /^tcp:\/\/127\.0\.0\.1:\d+$/.test(v.connection))).toBe(true);
  });

  test('refuses a bad drone count, speedup or port range', async () => {
    await expect(startSimulation({ drones: 0, basePort: 0 })).rejects.toThrow(/drones must be/);
    await expect(startSimulation({ speedup: -1, basePort: 0 })).rejects.toThrow(/speedup must be/);
    // The last drone's UDP port would be 65540: refused up front, not thrown later inside the loop.
    await expect(startSimulation({ drones: 2, basePort: 0, udpOutBasePort: 65530 })).rejects.toThrow(
      /udpOutBasePort 65530 gives ports 65530–65540/,
    );
    await expect(startSimulation({ drones: 2, basePort: 65530 })).rejects.toThrow(/basePort 65530/);
    await expect(startSimulation({ basePort: -1 })).rejects.toThrow(/basePort -1/);
  });
});
