import { defineConfig } from 'vitest/config';

// One runner for every workspace: each package keeps its tests beside its code (`*.test.ts`),
// cross-package tests live in tests/. Database-heavy suites share one embedded PostGIS per
// worker process (see mission-service/src/testing/test-db.ts), so workers are capped for 2-core machines.
// `*.compat.test.ts` read third-party files from ../shared: they run in `npm run test:compat` (vitest.compat.config.ts).
// `*.system.test.ts` run whole processes, real flights or exhaustive sweeps: `npm run test:system`
// (vitest.system.config.ts), so that `npm test` stays a few minutes on 2 cores; CI runs both.
export default defineConfig({
  test: {
    include: [
      '{geodata,simulator,triage,mission-service}/{src,test}/**/*.test.ts',
      'planner-ui/src/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    // Browser tests (npm run test:ui), tests/sitl (a real ArduPilot SITL, npm run test:sitl) and the end-to-end suite
    // (npm run test:e2e) have their own scripts.
    exclude: [
      '**/node_modules/**',
      '**/*.compat.test.ts',
      '**/*.system.test.ts',
      'tests/ui/**',
      'tests/sitl/**',
      'tests/e2e/**/*.e2e.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    // Files run one after another in each worker's process: modules are loaded once and the embedded PostGIS is
    // shared by every file of a worker, not created per file (about 2.3× faster on 2 cores). Tests therefore keep
    // no state between files: each makes its own objects and servers, on port 0.
    isolate: false,
    globalSetup: ['./tests/global-setup.ts'],
  },
});
