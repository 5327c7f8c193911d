// Import walls between the packages (DESIGN.md, "Dependencies point one way"), checked by `npm run lint` on
// resolved paths: a bare `@xuncha/…` import and a relative `../../other-package/…` one are judged alike.
//   geodata          imports no other workspace
//   simulator        geodata
//   triage           geodata
//   mission-service  geodata, triage (the simulator only in tests and benches)
//   src/link         nothing else of mission-service: node built-ins, node-mavlink, serialport, zod, its own files
//   planner-ui       @xuncha/mission-service/contract only
//   tests/           everything
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const rule = 'import-x/no-restricted-paths';
const walls = (zones) => ({ [rule]: ['error', { zones, basePath: import.meta.dirname }] });
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });
const PACKAGES = ['geodata', 'simulator', 'triage', 'mission-service', 'planner-ui', 'tests'];
const others = (...allowed) => PACKAGES.filter((p) => !allowed.includes(p));

// Production files that still import the simulator: they are being moved into the simulator package (issue 13.2,
// `xuncha sim` dispatched by bin/xuncha.mjs). Empty this list when they go.
const BEING_MOVED = ['mission-service/src/cli/commands/sim.ts', 'mission-service/src/link/testing/sim-main.ts'];

/** mission-service files that may use the simulator: tests, benchmarks and their helpers. */
const MISSION_SERVICE_SIM_USERS = [
  'mission-service/test/**',
  'mission-service/**/*.test.ts',
  'mission-service/src/bench/**',
  'mission-service/src/jobs/jobs-bench.ts',
  ...BEING_MOVED,
];

const LINK_MESSAGE =
  'The drone link (mission-service/src/link) is a library of its own: it imports only node built-ins, node-mavlink, serialport, zod and its own files.';

export default [
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
  },
  {
    files: ['geodata/**'],
    rules: walls([zone('geodata', others('geodata'), 'geodata imports no other workspace.')]),
  },
  {
    files: ['simulator/**'],
    rules: walls([zone('simulator', others('simulator', 'geodata'), 'The simulator imports only geodata.')]),
  },
  {
    files: ['triage/**'],
    rules: walls([zone('triage', others('triage', 'geodata'), 'triage imports only geodata.')]),
  },
  {
    files: ['mission-service/**'],
    rules: walls([
      zone(
        'mission-service',
        others('mission-service', 'geodata', 'triage'),
        'mission-service imports geodata and triage; the simulator only from tests and benchmarks.',
      ),
    ]),
  },
  {
    files: MISSION_SERVICE_SIM_USERS,
    rules: walls([
      zone(
        'mission-service',
        others('mission-service', 'geodata', 'triage', 'simulator'),
        'mission-service tests and benchmarks import geodata, triage and the simulator.',
      ),
    ]),
  },
  {
    files: ['mission-service/src/link/**'],
    ignores: BEING_MOVED,
    rules: walls([
      zone('mission-service/src/link', 'mission-service', LINK_MESSAGE, ['./src/link']),
      zone('mission-service/src/link', others('mission-service'), LINK_MESSAGE),
      zone('mission-service/src/link', 'node_modules', LINK_MESSAGE, [
        './node-mavlink',
        './serialport',
        './zod',
        './vitest',
        './fast-check',
      ]),
    ]),
  },
  {
    files: ['planner-ui/**'],
    rules: walls([
      zone('planner-ui', others('planner-ui', 'mission-service'), 'planner-ui talks HTTP only.'),
      zone(
        'planner-ui',
        'mission-service',
        'planner-ui imports only @xuncha/mission-service/contract (it talks HTTP).',
        ['./src/contract'],
      ),
    ]),
  },
];
