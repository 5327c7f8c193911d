import { defineConfig } from 'vitest/config';

// The system suite (`npm run test:system`): `*.system.test.ts`, tests that start whole `xuncha` processes, fly
// simulated missions in real time, render full-size photos or sweep every route × role. They need nothing beside
// the clone, like `npm test`; they are kept apart only so that the everyday suite stays fast. CI runs both.
export default defineConfig({
  test: {
    include: ['{geodata,simulator,triage,mission-service}/{src,test}/**/*.system.test.ts', 'tests/*.system.test.ts'],
    exclude: ['**/node_modules/**'],
    // Heavier tests on a busy 2-core machine: more room per test than the everyday suite.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['./tests/global-setup.ts'],
  },
});
