// Import walls between the packages (DESIGN.md, "Dependencies point one way"), checked by `npm run lint` on
// resolved paths: a bare `@xuncha/…` import and a relative `../../other-package/…` one are judged alike.
// tests/import-walls.test.ts proves each wall.
//   geodata          imports no other workspace
//   simulator        geodata
//   triage           geodata
//   mission-service  geodata, triage (the simulator only in tests and benches)
//   src/link         nothing else of mission-service: node built-ins, node-mavlink, serialport, zod, its own files
//   planner-ui       @xuncha/mission-service/contract only
//   tests/           everything
// and no production file (a package's src/, benches included) imports a test file.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const PACKAGES = ['geodata', 'simulator', 'triage', 'mission-service', 'planner-ui', 'tests'];
const others = (...allowed) => PACKAGES.filter((p) => !allowed.includes(p));
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });
const walls = (...zones) => ({
  'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
});
const TEST_FILES = ['**/*.test.ts', '**/test/**'];
const noTestFiles = (pkg) =>
  zone(
    `${pkg}/src`,
    [...PACKAGES.filter((p) => p !== 'tests').map((p) => `${p}/test`), 'tests'],
    'Production code imports no test file: move what both need to src/testing/.',
  );

/** One package's zones for its test files, and the same plus "no test file" for its production files. */
const packageWalls = (pkg, ...zones) => [
  { files: [`${pkg}/**`], rules: walls(...zones) },
  { files: [`${pkg}/src/**`], ignores: TEST_FILES, rules: walls(...zones, noTestFiles(pkg)) },
];

const MISSION_SERVICE = zone(
  'mission-service',
  others('mission-service', 'geodata', 'triage'),
  'mission-service imports geodata and triage; the simulator only from tests and benchmarks.',
);
const MISSION_SERVICE_WITH_SIMULATOR = zone(
  'mission-service',
  others('mission-service', 'geodata', 'triage', 'simulator'),
  'mission-service tests and benchmarks import geodata, triage and the simulator.',
);
const LINK = 'mission-service/src/link';
const LINK_MESSAGE =
  'The drone link (mission-service/src/link) is a library of its own: it imports only node built-ins, node-mavlink, serialport, zod and its own files.';

export default [
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
  },
  ...packageWalls('geodata', zone('geodata', others('geodata'), 'geodata imports no other workspace.')),
  ...packageWalls(
    'simulator',
    zone('simulator', others('simulator', 'geodata'), 'The simulator imports only geodata.'),
  ),
  ...packageWalls('triage', zone('triage', others('triage', 'geodata'), 'triage imports only geodata.')),
  ...packageWalls('mission-service', MISSION_SERVICE),
  { files: ['mission-service/test/**', 'mission-service/**/*.test.ts'], rules: walls(MISSION_SERVICE_WITH_SIMULATOR) },
  {
    files: ['mission-service/src/bench/**', 'mission-service/src/jobs/jobs-bench.ts'],
    rules: walls(MISSION_SERVICE_WITH_SIMULATOR, noTestFiles('mission-service')),
  },
  {
    files: [`${LINK}/**`],
    rules: walls(
      zone(LINK, 'mission-service', LINK_MESSAGE, ['./src/link']),
      zone(LINK, others('mission-service'), LINK_MESSAGE),
      zone(LINK, 'node_modules', LINK_MESSAGE, ['./node-mavlink', './serialport', './zod', './vitest', './fast-check']),
    ),
  },
  {
    files: ['planner-ui/**'],
    rules: walls(
      zone('planner-ui', others('planner-ui', 'mission-service'), 'planner-ui talks HTTP only.'),
      zone('planner-ui', 'mission-service', 'planner-ui imports only @xuncha/mission-service/contract (HTTP).', [
        './src/contract',
      ]),
    ),
  },
];
