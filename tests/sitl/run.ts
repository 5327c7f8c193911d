/**
 * `npm run test:sitl`: the suite against a real ArduPilot SITL. Without a binary (XUNCHA_SITL_BIN, default
 * ../shared/sitl/arducopter beside the repository) it says why and exits 0, so machines without one are not failed.
 */
import { spawnSync } from 'node:child_process';
import { findSitlBinary, repoRoot } from '../../simulator/src/runner/ardupilot-sitl.ts';

const sitl = findSitlBinary();
if ('missing' in sitl) {
  process.stdout.write(`SITL 测试已跳过 / SITL suite skipped: ${sitl.missing}\n`);
  process.exit(0);
}
process.stdout.write(
  `ArduPilot SITL: ${sitl.binary} (defaults ${sitl.defaults.join(', ')}), speed-up ${process.env.SITL_SPEEDUP ?? 10}\n`,
);
const started = Date.now();
const r = spawnSync('npx', ['vitest', 'run', '--config', 'tests/sitl/vitest.config.ts', ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, XUNCHA_SITL_BIN: sitl.binary, XUNCHA_SITL_DEFAULTS: sitl.defaults.join(',') },
});
process.stdout.write(`SITL suite wall time: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(r.status ?? 1);
