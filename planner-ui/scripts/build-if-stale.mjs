#!/usr/bin/env node
// Builds the planner UI (vite build → planner-ui/dist) when the bundle is missing or its inputs changed since
// the last build. Run by the root `postinstall` (so `npm install` / `npm ci` leave a current app) and by
// `xuncha serve` at start. `--check`: only say whether a build is needed (exit 0 fresh, 3 stale).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = fileURLToPath(new URL('..', import.meta.url));
const root = path.join(ui, '..');
const dist = path.join(ui, 'dist');
const stampFile = path.join(dist, 'build-stamp.json');

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile() && !e.name.endsWith('.test.ts')) yield p;
  }
}

/** Hash of everything the bundle is made from: sources, config, the contract, and the versions of its libraries. */
function inputsHash() {
  const h = createHash('sha256');
  const inputs = [
    ...['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json', 'scripts/build-if-stale.mjs'].map((f) =>
      path.join(ui, f),
    ),
    ...files(path.join(ui, 'src')),
    ...files(path.join(ui, 'public')),
    ...files(path.join(root, 'mission-service', 'src', 'contract')),
  ];
  for (const f of inputs) {
    if (!existsSync(f) || !statSync(f).isFile()) continue;
    h.update(path.relative(root, f));
    h.update(readFileSync(f));
  }
  const require = createRequire(path.join(ui, 'package.json'));
  for (const dep of ['maplibre-gl', 'terra-draw', 'terra-draw-maplibre-gl-adapter', 'zod', 'vite']) {
    try {
      h.update(`${dep}@${require(`${dep}/package.json`).version}`);
    } catch {
      h.update(`${dep}@missing`);
    }
  }
  return h.digest('hex');
}

const hash = inputsHash();
let stamp = null;
try {
  stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
} catch {
  // no bundle yet
}
const fresh = stamp?.inputsHash === hash && existsSync(path.join(dist, 'index.html'));
if (process.argv.includes('--check')) {
  console.log(fresh ? 'planner-ui: bundle is current' : 'planner-ui: bundle is missing or stale');
  process.exit(fresh ? 0 : 3);
}
if (fresh) process.exit(0);

let build;
try {
  ({ build } = await import(createRequire(path.join(ui, 'package.json')).resolve('vite')));
} catch {
  console.warn('planner-ui: vite is not installed (npm install without dev dependencies?); the web app is not built');
  process.exit(0);
}
console.log('planner-ui: building the web app (once after install or update)…');
const started = Date.now();
await build({ root: ui, configFile: path.join(ui, 'vite.config.ts'), logLevel: 'warn' });
const { writeFileSync } = await import('node:fs');
// Pre-compressed copies of the hashed assets (brotli and gzip, the best levels once here rather than on every
// answer): the service sends the one the browser accepts (county networks are slow; the bundle is ~2 MB raw).
const zlib = await import('node:zlib');
const assets = path.join(dist, 'assets');
for (const f of existsSync(assets) ? readdirSync(assets) : []) {
  if (!/\.(js|mjs|css|svg|json|html|wasm)$/.test(f)) continue;
  const raw = readFileSync(path.join(assets, f));
  const br = zlib.brotliCompressSync(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  });
  const gz = zlib.gzipSync(raw, { level: 9 });
  if (br.length < raw.length) writeFileSync(path.join(assets, `${f}.br`), br);
  if (gz.length < raw.length) writeFileSync(path.join(assets, `${f}.gz`), gz);
}
writeFileSync(stampFile, JSON.stringify({ inputsHash: hash, builtAt: new Date().toISOString() }, null, 2) + '\n');
console.log(`planner-ui: built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${path.relative(root, dist)}`);
