/** Child-process entry of sim-process.ts: start the simulation, print its connections, run until SIGTERM. */
import { startSimulation } from './start-simulation.ts';
import type { SimProcessOptions } from './sim-process.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as SimProcessOptions;
const sim = await startSimulation({
  drones: opts.drones ?? 1,
  personality: opts.personality ?? 'ardupilot',
  speedup: opts.speedup ?? 1,
  seed: opts.seed ?? 1,
  basePort: 0,
  host: '127.0.0.1',
  bootDelayS: 0,
  ...(opts.signingKeyHex ? { signingKey: Buffer.from(opts.signingKeyHex, 'hex') } : {}),
});
const stop = (): void => {
  void sim.stop().finally(() => process.exit(0));
};
// Listen before printing: the parent may signal as soon as it reads the connections.
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdout.write(`${JSON.stringify({ connections: sim.vehicles.map((v) => v.connection) })}\n`);
