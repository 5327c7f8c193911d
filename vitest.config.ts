import { defineConfig } from 'vitest/config';

// One runner for every workspace: each package keeps its tests beside its code (`*.test.ts`),
// cross-package tests live in tests/. Database-heavy suites share one embedded PostGIS per
// worker process (see mission-service/test/db-fixture.ts), so workers are capped for 2-core machines.
export default defineConfig({
  test: {
    include: ['{geodata,simulator,triage,mission-service}/{src,test}/**/*.test.ts', 'tests/**/*.test.ts'],
    // tests/sitl needs a real ArduPilot SITL: its own script, `npm run test:sitl`.
    exclude: ['**/node_modules/**', 'tests/sitl/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['./tests/global-setup.ts'],
  },
});
