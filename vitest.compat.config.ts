import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The compatibility suite (`npm run test:compat`): importers and metadata readers against real files from other
// projects and real drone photos, kept outside the repository in `../shared` (samples/, real-photos/; each with
// its SOURCES.md). XUNCHA_SHARED_DIR points elsewhere. Without the folder the suite prints why and runs nothing:
// `npm test` covers the same code with files the project writes itself.
const root = path.dirname(fileURLToPath(import.meta.url));
const sharedDir = path.resolve(root, process.env.XUNCHA_SHARED_DIR ?? '../shared');
const present = existsSync(path.join(sharedDir, 'samples'));
if (!present) {
  console.log(`compatibility suite skipped: ${path.join(sharedDir, 'samples')} not found (set XUNCHA_SHARED_DIR)`);
}

export default defineConfig({
  test: {
    include: present ? ['{geodata,simulator,triage,mission-service,tests}/**/*.compat.test.ts'] : [],
    exclude: ['**/node_modules/**'],
    passWithNoTests: !present,
    env: { XUNCHA_SHARED_DIR: sharedDir },
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
