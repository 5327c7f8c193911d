import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { get, type IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { basemapConfig, basemapOrigins } from './basemaps.ts';
import { hillshadeRgba } from './hillshade.ts';
import { webAppPolicy } from './index.ts';

const MAIN_JS = `export const words = ${JSON.stringify('巡查 patrol '.repeat(400))};\n`;

/** One raw answer (no decompression, unlike fetch) with the `accept-encoding` given. */
function rawGet(
  url: string,
  acceptEncoding: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('the web app served by the service', () => {
  let t: TestDb;
  let server: Server;
  let base: string;
  let dist: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    t = await createTestDb();
    dist = await mkdtemp(path.join(os.tmpdir(), 'xuncha-dist-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>巡查</title><div id="app"></div>');
    await writeFile(path.join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
    // What the build writes beside an asset (planner-ui/scripts/build-if-stale.mjs): its brotli and gzip copies.
    await writeFile(path.join(dist, 'assets', 'main-XyZ789.js'), MAIN_JS);
    await writeFile(path.join(dist, 'assets', 'main-XyZ789.js.br'), brotliCompressSync(MAIN_JS));
    await writeFile(path.join(dist, 'assets', 'main-XyZ789.js.gz'), gzipSync(MAIN_JS));
    const app = createApp({
      db: t.db,
      logger: createLogger('silent'),
      webApp: {
        distDir: dist,
        demoUsers: ['demo-operator'],
        basemap: { url: 'https://webrd01.is.autonavi.com/{z}/{x}/{y}.png' },
        warn: (m) => warnings.push(m),
      },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await t?.dispose();
    await rm(dist, { recursive: true, force: true });
  });

  const html = { accept: 'text/html,application/xhtml+xml' };

  it('answers / and the app’s deep links with index.html, revalidated on every load', async () => {
    for (const p of ['/', '/plan', '/cases/case_123', '/fleet/drone-1?x=1']) {
      const r = await fetch(base + p, { headers: html });
      expect(r.status, p).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toContain('<div id="app">');
    }
  });

  it('caches hashed assets for a year and answers a missing one with a 404, not the app', async () => {
    const r = await fetch(`${base}/assets/index-AbC123.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    const missing = await fetch(`${base}/assets/index-gone.js`, { headers: html });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('no_route');
  });

  it('sends the pre-compressed copy of an asset the browser accepts (brotli first), the plain file otherwise', async () => {
    const br = await rawGet(`${base}/assets/main-XyZ789.js`, 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toMatch(/max-age=31536000.*immutable/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).toString()).toBe(MAIN_JS);
    expect(br.body.length).toBeLessThan(Buffer.byteLength(MAIN_JS) / 10);

    const gz = await rawGet(`${base}/assets/main-XyZ789.js`, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(MAIN_JS);

    const plain = await rawGet(`${base}/assets/main-XyZ789.js`, 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(MAIN_JS);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);

    // An asset built without copies is sent as it is, whatever the browser accepts.
    const none = await rawGet(`${base}/assets/index-AbC123.js`, 'br');
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.toString()).toBe('console.log(1)');
  });

  it('gives the app’s pages a policy that allows only its own scripts, while the API keeps forbidding everything', async () => {
    const page = await fetch(`${base}/plan`, { headers: html });
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    // The refused GCJ-02 basemap (see the warnings) is not an allowed origin either.
    expect(policy).not.toContain('autonavi');
    const api = await fetch(`${base}/api/health`);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  it('lets tiles come from the configured basemap origins only', () => {
    const policy = webAppPolicy(['https://t0.tianditu.gov.cn']);
    expect(policy).toMatch(/img-src 'self' data: blob: https:\/\/t0\.tianditu\.gov\.cn/);
    expect(policy).toMatch(/connect-src 'self' https:\/\/t0\.tianditu\.gov\.cn/);
    expect(webAppPolicy([])).toContain("connect-src 'self';");
  });

  it('never swallows the API’s or Open311’s 404s', async () => {
    const api = await fetch(`${base}/api/no-such-thing`, { headers: html });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/);
    const o = await fetch(`${base}/open311/v2/no-such-thing`, { headers: html });
    expect(o.status).toBe(404);
    expect(o.headers.get('content-type')).not.toMatch(/html/);
    const json = await fetch(`${base}/plan`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
  });

  it('gives the page its configuration: hillshade extent, presets, demo users, refused GCJ-02 basemap', async () => {
    const r = await fetch(`${base}/app-config.json`);
    const cfg = (await r.json()) as {
      map: { hillshade: { url: string; coordinates: number[][] }; basemaps: unknown[]; warnings: string[] };
      presets: { cameras: { name: string }[]; drones: { name: string }[] };
      demoUsers: string[];
    };
    expect(cfg.map.hillshade.coordinates[0]).toEqual([119.02, 28.14]);
    expect(cfg.map.basemaps).toEqual([]);
    expect(cfg.map.warnings[0]).toMatch(/GCJ-02/);
    expect(warnings[0]).toMatch(/GCJ-02/);
    expect(cfg.presets.cameras.map((c) => c.name)).toContain('m3e-wide');
    expect(cfg.demoUsers).toEqual(['demo-operator']);
    const png = await fetch(base + cfg.map.hillshade.url);
    expect(png.status).toBe(200);
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    const again = await fetch(base + cfg.map.hillshade.url, { headers: { 'if-none-match': png.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('says how to build the app when the bundle is missing', async () => {
    await rm(path.join(dist, 'index.html'));
    const r = await fetch(`${base}/`, { headers: html });
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm install');
  });
});

describe('basemaps', () => {
  it('accepts a WGS84 XYZ template and Tianditu with a key', () => {
    const c = basemapConfig({ url: 'https://tile.example.org/{z}/{x}/{y}.png', tiandituKey: 'k&1' });
    expect(c.warnings).toEqual([]);
    expect(c.basemaps.map((b) => b.id)).toEqual(['xyz', 'tianditu-img', 'tianditu-vec']);
    expect(c.basemaps[1]!.tiles[0]).toContain('tk=k%261');
    expect(c.basemaps[1]!.tiles[0]).toContain('TILEMATRIXSET=w');
    expect(basemapOrigins(c)).toContain('https://t0.tianditu.gov.cn');
  });
  it('refuses GCJ-02 and BD-09 sources and malformed templates with a reason', () => {
    for (const opts of [
      { url: 'https://webrd02.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}' },
      { url: 'https://rt0.map.gtimg.com/tile?z={z}&x={x}&y={y}' },
      { url: 'https://maponline0.bdimg.com/tile/?x={x}&y={y}&z={z}' },
      { url: 'https://tiles.example.org/{z}/{x}/{y}.png', crs: 'GCJ02' },
    ]) {
      const c = basemapConfig(opts);
      expect(c.basemaps, opts.url).toEqual([]);
      expect(c.warnings[0]).toMatch(/GCJ-02\/BD-09/);
    }
    expect(basemapConfig({ url: 'https://tiles.example.org/tile.png' }).warnings[0]).toMatch(/\{z\}/);
    expect(basemapConfig({ url: 'file:///etc/{z}/{x}/{y}' }).warnings[0]).toMatch(/not an http/);
  });
});

describe('hillshade', () => {
  const grid = (f: (i: number, j: number) => number) => {
    const width = 20;
    const height = 20;
    const values = new Float32Array(width * height);
    for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) values[j * width + i] = f(i, j);
    return {
      width,
      height,
      west: 119,
      north: 28.1,
      pixelSizeLonDeg: 0.0003,
      pixelSizeLatDeg: 0.0003,
      values,
      noData: null,
    };
  };
  const alphaAt = (rgba: Uint8Array, i: number, j: number) => ({
    white: rgba[(j * 20 + i) * 4]! === 255,
    alpha: rgba[(j * 20 + i) * 4 + 3]!,
  });
  it('leaves flat ground transparent', () => {
    const rgba = hillshadeRgba(grid(() => 200));
    expect(rgba.every((v, k) => k % 4 !== 3 || v === 0)).toBe(true);
  });
  it('lightens slopes facing the north-west sun and darkens slopes facing away', () => {
    // Rising towards the south-east: faces the north-west.
    const towardsSun = alphaAt(hillshadeRgba(grid((i, j) => 200 + 8 * (i + j))), 10, 10);
    const awayFromSun = alphaAt(hillshadeRgba(grid((i, j) => 200 - 8 * (i + j))), 10, 10);
    expect(towardsSun.white).toBe(true);
    expect(awayFromSun.white).toBe(false);
    expect(awayFromSun.alpha).toBeGreaterThan(0);
  });
});
