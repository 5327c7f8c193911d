#!/usr/bin/env node
// Entry point of the `xuncha` CLI. The code is TypeScript run through tsx's loader, so a fresh clone needs
// no build step: `npm install && npm start` is the whole set-up. `xuncha sim` belongs to the simulator package
// (the mission service does not depend on the simulator); every other command to the mission service.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'sim') {
  const { main } = await import('../simulator/src/cli/sim-command.ts');
  await main([process.argv[0], 'xuncha sim', ...process.argv.slice(3)]);
} else {
  const { main } = await import('../mission-service/src/cli/main.ts');
  // Demo mode (`npm start` on loopback with the embedded database) flies the simulator's drones: the service is
  // handed the launcher, loaded only when demo mode asks for it.
  const demoDrones = async (request) => {
    const { startDemoDrones } = await import('../simulator/src/cli/demo-drones.ts');
    return startDemoDrones(request);
  };
  await main(process.argv, { demoDrones });
}
