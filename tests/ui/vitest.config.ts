import { defineConfig } from 'vitest/config';

// Browser tests of the planner UI (`npm run test:ui`): Debian's Chromium through playwright-core against a real
// `xuncha serve` (in-process startService) on the embedded database with a simulated drone. One file, one stack.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/ui/**/*.ui.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    globalSetup: ['./tests/global-setup.ts'],
  },
});
