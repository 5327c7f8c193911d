import { defineConfig } from 'vitest/config';

// The end-to-end suite (`npm run test:e2e`): the real service (startService, or `xuncha serve` as a child process)
// on the embedded database, simulated drones over MAVLink/TCP, the dock, triage and cases. One file at a time: each
// stands up its own service and simulation, and two at once would fight over the 2 cores.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.e2e.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    globalSetup: ['./tests/global-setup.ts'],
  },
});
