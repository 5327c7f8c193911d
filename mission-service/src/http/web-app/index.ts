import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { cameraPresets, dronePresets, openDem, sampleDemPath, type DemGrid } from '@xuncha/geodata';
import { AppError } from '../../app-error.ts';
import { basemapConfig, basemapOrigins, type BasemapOptions } from './basemaps.ts';
import { hillshadeCorners, renderHillshade, type HillshadeImage } from './hillshade.ts';

export { basemapConfig, basemapOrigins, type BasemapOptions } from './basemaps.ts';
export { ensureWebAppBuilt } from './build.ts';

/** Where `vite build` puts the planner UI (planner-ui/dist). */
export const defaultDistDir = fileURLToPath(new URL('../../../../planner-ui/dist/', import.meta.url));

export interface WebAppOptions {
  /** The built app; default planner-ui/dist. */
  distDir?: string;
  basemap?: BasemapOptions;
  /** DEM for the hillshade; default the Longquan sample DEM. */
  demPath?: string;
  /** Demo user names to offer on the login page (XUNCHA_DEMO=1). */
  demoUsers?: string[];
  /** Demo mode is on: every page shows a banner saying so. */
  demo?: boolean;
  /** Told why a configured basemap is refused (the service logs it at start). */
  warn?: (message: string) => void;
}

/** Paths the app never answers for: the API's and Open311's own 404s stay JSON. */
const NOT_APP = /^\/(api|open311|assets|map)(\/|$)/;

const notBuiltPage = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>巡查 Xuncha</title>
<body><h1>网页尚未构建 / The web app is not built</h1>
<p>在项目目录运行 <code>npm install</code>（会构建网页），然后重新启动 <code>npm start</code>。<br>
Run <code>npm install</code> in the project folder (it builds the app), then restart <code>npm start</code>.</p>
<p>接口照常可用 / The API works as usual: <a href="/api/docs">/api/docs</a></p></body></html>`;

/**
 * The planner UI at `/`: hashed assets cached for a year, `index.html` revalidated on every load, the app for its
 * own routes (deep links such as `/cases/case_12`), the map's offline pieces (hillshade from the DEM, app
 * configuration with basemaps and presets). Mounted after `/api` and `/open311`, whose 404s it never swallows.
 */
export function webApp(opts: WebAppOptions = {}): Router {
  const dist = opts.distDir ?? defaultDistDir;
  const router = Router();
  const basemaps = basemapConfig(opts.basemap ?? {});
  for (const w of basemaps.warnings) opts.warn?.(w);
  // The API's answers forbid everything and are never cached; the app's pages may load their own scripts, styles,
  // worker and data, and tiles from the configured basemaps only (no inline script, no eval, no other origin),
  // and its files are cached as each handler below says.
  const policy = webAppPolicy(basemapOrigins(basemaps));
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', policy);
    res.removeHeader('cache-control');
    next();
  });

  // The configuration needs only the DEM's extent; the hillshade image is rendered when the map first asks for it
  // (after its first load), so a page's first load never waits for it nor shares the CPU with it.
  const demPath = opts.demPath ?? sampleDemPath;
  let dem: Promise<{ grid: DemGrid; version: string } | null> | undefined;
  const loadDem = () =>
    (dem ??= openDem(demPath)
      .then((d) => {
        const st = statSync(demPath);
        const version = createHash('sha256').update(`${demPath}|${st.size}|${st.mtimeMs}`).digest('hex').slice(0, 8);
        return { grid: d.grid, version };
      })
      .catch(() => {
        dem = undefined;
        return null;
      }));
  let hillshade: Promise<HillshadeImage | null> | undefined;
  const loadHillshade = () =>
    (hillshade ??= loadDem()
      .then((d) => (d ? renderHillshade(d.grid) : null))
      .catch(() => {
        hillshade = undefined;
        return null;
      }));

  router.get('/app-config.json', async (_req, res) => {
    const d = await loadDem();
    res.setHeader('cache-control', 'no-cache');
    res.json({
      map: {
        hillshade: d ? { url: `/map/hillshade.png?v=${d.version}`, coordinates: hillshadeCorners(d.grid) } : null,
        basemaps: basemaps.basemaps,
        warnings: basemaps.warnings,
      },
      presets: {
        cameras: Object.values(cameraPresets).map((c) => ({ name: c.name, label: c.label })),
        drones: Object.values(dronePresets).map((d) => ({
          name: d.name,
          label: d.label,
          defaultCamera: d.defaultCamera,
        })),
      },
      demoUsers: opts.demoUsers ?? [],
      demo: opts.demo ?? false,
    });
  });

  router.get('/map/hillshade.png', async (req, res) => {
    const shade = await loadHillshade();
    if (!shade) throw new AppError('unavailable', 'dem_unavailable', '高程模型不可用 / DEM unavailable: no hillshade');
    const etag = etagOf(shade.png);
    res.setHeader('etag', etag);
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    if (req.header('if-none-match') === etag) return void res.status(304).end();
    res.type('image/png').send(shade.png);
  });

  router.use('/assets', precompressed(path.join(dist, 'assets')));
  router.use(
    '/assets',
    express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
  );
  router.use(express.static(dist, { index: false, maxAge: '1h' }));

  const sendApp = (_req: Request, res: Response) => {
    // The page asks for the configuration (which carries the DEM's extent) as soon as its script runs: read it now.
    void loadDem();
    const index = path.join(dist, 'index.html');
    res.setHeader('cache-control', 'no-cache');
    if (!existsSync(index)) return void res.status(503).type('html').send(notBuiltPage);
    res.type('html').send(readFileSync(index));
  };
  router.get(/.*/, (req, res, next) => {
    const last = req.path.split('/').pop() ?? '';
    if (NOT_APP.test(req.path) || last.includes('.') || !req.accepts('html')) return next();
    sendApp(req, res);
  });
  // Anything else here (an unknown Open311 path, a missing asset): a 404 in the API's own shape.
  router.use((req, _res, next) => {
    next(new AppError('not_found', 'no_route', `没有此地址 / nothing at ${req.method} ${req.path}`));
  });
  return router;
}

/**
 * The brotli or gzip copy of a hashed asset (written by the build beside it) for a browser that accepts it, with
 * the original's type and the same year-long cache; anything else falls through to the plain file.
 */
function precompressed(dir: string): RequestHandler {
  const encodings = [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.vary('Accept-Encoding');
    // Asset names are flat and hashed (index-AbC123.js): nothing else is looked up.
    if (!/^\/[\w.-]+$/.test(req.path) || req.path.includes('..')) return next();
    // Brotli whenever accepted (browsers list gzip first with the same weight; brotli is ~15 % smaller).
    const enc = encodings.find(([name]) => req.acceptsEncodings(name) === name);
    if (!enc) return next();
    const file = path.join(dir, req.path.slice(1) + enc[1]);
    if (!existsSync(file)) return next();
    res.setHeader('content-encoding', enc[0]);
    res.type(path.extname(req.path));
    res.sendFile(file, { immutable: true, maxAge: '365d' }, (err) => {
      if (err && !res.headersSent) {
        res.removeHeader('content-encoding');
        next();
      }
    });
  };
}

/** The Content-Security-Policy of the app's pages, given the basemap origins tiles may come from. */
export function webAppPolicy(tileOrigins: readonly string[]): string {
  const tiles = tileOrigins.length ? ` ${tileOrigins.join(' ')}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles}`,
    "worker-src 'self' blob:",
    `connect-src 'self'${tiles}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function etagOf(bytes: Buffer): string {
  return `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
}
