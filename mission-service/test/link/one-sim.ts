/**
 * The simulator set-up the link's system and CLI tests share: one drone on 127.0.0.1, OS-assigned ports,
 * no boot delay, 10x speed unless the test says otherwise. Test-only.
 */
import { startSimulation, type RunningSimulation, type StartSimulationOptions } from '@xuncha/simulator';

/** Starts one simulated drone; `opts` picks the personality, seed, speedup, faults, signing key... */
export function startOneSim(opts: StartSimulationOptions): Promise<RunningSimulation> {
  return startSimulation({ drones: 1, speedup: 10, basePort: 0, host: '127.0.0.1', bootDelayS: 0, ...opts });
}
