/**
 * Per-test simulator set-up shared by the flight, failsafe and link tests: start a simulation on OS-assigned
 * ports with no boot delay, connect test ground stations, and close everything after each test. Test-only.
 */
import { afterEach } from 'vitest';
import {
  startSimulation,
  type RunningSimulation,
  type StartSimulationOptions,
} from '../../src/runner/start-simulation.ts';
import type { Vehicle } from '../../src/vehicle/vehicle.ts';
import { TestGcs } from './test-gcs.ts';

type GcsOptions = Parameters<typeof TestGcs.connect>[1];

/** Registers an `afterEach` cleanup in the calling test file; `speedup` is the file's default. */
export function useSimHarness(speedup: number) {
  let sim: RunningSimulation | null = null;
  const clients: TestGcs[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim?.stop();
    sim = null;
  });

  /** Starts the simulation (stopped after the test). */
  async function start(opts: StartSimulationOptions = {}): Promise<RunningSimulation> {
    sim = await startSimulation({ basePort: 0, speedup, bootDelayS: 0, ...opts });
    return sim;
  }

  /** Connects a ground station to `v` (closed after the test). */
  async function connect(v: Vehicle, opts?: GcsOptions): Promise<TestGcs> {
    const g = await TestGcs.connect(v.port, opts);
    clients.push(g);
    return g;
  }

  /** Starts the simulation and connects one ground station to its first vehicle. */
  async function setup(opts: StartSimulationOptions = {}, gcsOpts?: GcsOptions): Promise<{ v: Vehicle; g: TestGcs }> {
    const v = (await start(opts)).vehicles[0]!;
    return { v, g: await connect(v, gcsOpts) };
  }

  return { start, connect, setup };
}
