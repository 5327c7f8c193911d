import { defineConfig } from 'vitest/config';

// The suite against a real ArduPilot SITL (`npm run test:sitl`; tests/sitl/run.ts checks the binary first).
// Files run two at a time, each with its own SITL instance numbers (ports 5760 + 10·instance).
export default defineConfig({
  test: {
    include: ['tests/sitl/**/*.sitl.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    // A SITL test is a system test: one at a time within a file, in order.
    sequence: { concurrent: false },
  },
});
