/**
 * `npm run bench:ui`: first load to an interactive map on loopback, the bundle's size, and pan/zoom frame times with
 * 10,000 clustered case pins on the software renderer (headless Chromium, --disable-gpu). Prints JSON lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { mapReady, repoRoot, startUiStack } from './stack.ts';

const CASES = 10_000;
const print = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

function bundleSize(): void {
  const dir = path.join(repoRoot, 'planner-ui/dist/assets');
  const index = readFileSync(path.join(repoRoot, 'planner-ui/dist/index.html'), 'utf8');
  const names = readdirSync(dir);
  // The service sends the brotli copy the build wrote beside an asset (see web-app/index.ts), else the file itself.
  const rows = names
    .filter((f) => !/\.(br|gz)$/.test(f))
    .map((f) => {
      const raw = statSync(path.join(dir, f)).size;
      const br = names.includes(`${f}.br`) ? statSync(path.join(dir, `${f}.br`)).size : raw;
      return { f, raw, br, initial: index.includes(f) };
    });
  const sum = (xs: typeof rows, k: 'raw' | 'br') => xs.reduce((a, r) => a + r[k], 0);
  const kb = (n: number) => Math.round(n / 1024);
  const initial = rows.filter((r) => r.initial);
  const worker = rows.filter((r) => r.f.includes('worker'));
  const map = rows.filter((r) => r.f.startsWith('create-map') || r.f.includes('worker'));
  print({
    bench: 'ui.bundle',
    totalKiB: kb(sum(rows, 'raw')),
    totalBrKiB: kb(sum(rows, 'br')),
    loginPageKiB: kb(sum(initial, 'raw')),
    loginPageBrKiB: kb(sum(initial, 'br')),
    mapKiB: kb(sum(map, 'raw')),
    mapBrKiB: kb(sum(map, 'br')),
    mapWorkerBrKiB: kb(sum(worker, 'br')),
    files: rows.map((r) => `${r.f}:${kb(r.br)}KiB-br`).join(' '),
  });
}

/**
 * CPU milliseconds (user + system) so far of each kind of Chromium process this bench started (the descendants of this
 * Node process, by `--type=`: renderer, gpu-process, …). Unlike frame times, CPU time per frame hardly follows the
 * machine's load: it tells a cheaper frame from a quieter machine. Linux only (/proc); empty elsewhere.
 */
function chromiumCpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((x) => /^\d+$/.test(x));
  } catch {
    return out;
  }
  const info = new Map<string, { ppid: string; ms: number; type: string }>();
  for (const pid of pids) {
    try {
      // Fields after the command's name (which may hold spaces) in /proc/PID/stat: ppid is the 2nd, utime and
      // stime the 12th and 13th, in clock ticks (100 a second on Linux).
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      info.set(pid, { ppid: f[1]!, ms: (Number(f[11]) + Number(f[12])) * 10, type });
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: string): boolean => {
    for (let p = info.get(pid)?.ppid, hops = 0; p && hops < 8; p = info.get(p)?.ppid, hops++)
      if (p === String(process.pid)) return true;
    return false;
  };
  for (const [pid, i] of info) if (mine(pid)) out[i.type] = (out[i.type] ?? 0) + i.ms;
  return out;
}

/** The machine the figures come from: frame times on a shared software renderer follow the load beside them. */
const machine = (when: string) =>
  print({ bench: 'ui.machine', when, cpus: os.cpus().length, loadavg1m: Number(os.loadavg()[0]!.toFixed(1)) });

/**
 * One live change on the 10,000-pin map, two ways: the whole pin set again (`setData`) or the changed pin alone
 * (`updateData`, features known by their case id). Time from the call to the map idle again (the worker re-clusters
 * either way), and the longest frame meanwhile; medians of a few runs.
 */
async function liveUpdate(page: Page): Promise<void> {
  const r = await page.evaluate(async () => {
    type Fc = { type: 'FeatureCollection'; features: Array<{ properties: Record<string, unknown> }> };
    const m = (
      window as never as {
        xunchaMap: {
          getSource(id: string): {
            getData(): Promise<Fc>;
            setData(d: Fc): Promise<void>;
            updateData(d: unknown): Promise<void>;
          };
          once(e: string, f: () => void): void;
          triggerRepaint(): void;
        };
      }
    ).xunchaMap;
    const src = m.getSource('cases');
    const base = await src.getData();
    const features = base.features.map((f) => ({ ...f, properties: { ...f.properties } }));
    const timed = async (change: (i: number) => Promise<void>) => {
      const total: number[] = [];
      const longest: number[] = [];
      for (let i = 0; i < 5; i++) {
        let last = performance.now();
        let worst = 0;
        let on = true;
        const loop = (t: number) => {
          worst = Math.max(worst, t - last);
          last = t;
          if (on) requestAnimationFrame(loop);
        };
        requestAnimationFrame(loop);
        const idle = new Promise<void>((res) => m.once('idle', () => res()));
        const t0 = performance.now();
        await change(i);
        m.triggerRepaint();
        await idle;
        total.push(performance.now() - t0);
        on = false;
        longest.push(worst);
        await new Promise((res) => setTimeout(res, 300));
      }
      const med = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
      return { toIdleMs: med(total), longestFrameMs: med(longest) };
    };
    const flip = (i: number) => {
      const f = features[i]!;
      f.properties.state = f.properties.state === 'new' ? 'accepted' : 'new';
      return f;
    };
    const setData = await timed(async (i) => {
      flip(i);
      await src.setData({ type: 'FeatureCollection', features });
    });
    const updateData = await timed(async (i) => {
      await src.updateData({ add: [flip(i + 10)] });
    });
    return { pins: features.length, setData, updateData };
  });
  print({ bench: 'ui.cases-live-update', ...r });
}

/** What happened in one frame of the pan/zoom (BENCH_UI_FRAME_LOG): to tell what the long frames do. */
interface FrameNote {
  /** Gesture step (0-5) and ms since it began. */
  step: number;
  stepMs: number;
  /** Zoom at the frame's end, and whether an integer zoom was crossed since the last frame. */
  zoom: number;
  zoomCrossed: boolean;
  /** Main-thread ms in MapLibre's render (style, tiles, placement, draw calls) during the frame, and how many renders. */
  renderMs: number;
  renders: number;
  /** Tiles that arrived from the worker during the frame, by source. */
  tiles: Record<string, number>;
  /** The hillshade's visibility at the frame's end. */
  hillshade: string;
  /** Shader programs compiled during the frame (a link waits for the GPU process; SwiftShader then builds its
   * pipelines on their first draw). */
  programs: string[];
}

/**
 * Frame times (ms between animation frames) of one fixed pan/zoom sequence on the cases map; with `notes`, also what
 * each frame did (FrameNote; the hooks only count and time, the frames are the same).
 */
function panZoomFrames(page: Page, notes = false): Promise<{ deltas: number[]; notes: FrameNote[] }> {
  return page.evaluate(async (withNotes) => {
    type Ev = { sourceId?: string; tile?: unknown };
    const m = (
      window as never as {
        xunchaMap: {
          easeTo(o: unknown): void;
          panBy(p: [number, number], o: unknown): void;
          getZoom(): number;
          getCenter(): unknown;
          jumpTo(o: unknown): void;
          loaded(): boolean;
          once(e: string, f: () => void): void;
          on(e: string, f: (e: Ev) => void): void;
          off(e: string, f: (e: Ev) => void): void;
          getLayer(id: string): unknown;
          getLayoutProperty(id: string, p: string): unknown;
          _render(t: number): unknown;
          painter?: {
            programCache?: {
              compiled: unknown[];
              getProgram(v: { name: string; programConfiguration?: { cacheKey: string } | null }): unknown;
            };
          };
        };
      }
    ).xunchaMap;
    // Every run starts where the first did (the sequence does not end where it began), with the map at rest.
    const w = window as never as { benchStart?: { center: unknown; zoom: number } };
    w.benchStart ??= { center: m.getCenter(), zoom: m.getZoom() };
    m.jumpTo(w.benchStart);
    if (!m.loaded()) await new Promise<void>((r) => m.once('idle', () => r()));
    // Counters the frame loop reads and resets (only with notes).
    let renderMs = 0;
    let renders = 0;
    let tiles: Record<string, number> = {};
    let programs: string[] = [];
    let step = -1;
    let stepStart = 0;
    const render = m._render;
    const onData = (e: Ev) => {
      if (e.tile && e.sourceId) tiles[e.sourceId] = (tiles[e.sourceId] ?? 0) + 1;
    };
    const cache = m.painter?.programCache;
    const getProgram = cache?.getProgram;
    if (withNotes && cache && getProgram)
      cache.getProgram = function (this: unknown, v) {
        const before = cache.compiled.length;
        const program = getProgram.call(this, v);
        if (cache.compiled.length > before) programs.push(`${v.name}:${v.programConfiguration?.cacheKey ?? ''}`);
        return program;
      };
    if (withNotes) {
      m._render = function (this: unknown, t: number) {
        const t0 = performance.now();
        try {
          return render.call(this, t);
        } finally {
          renderMs += performance.now() - t0;
          renders++;
        }
      };
      m.on('sourcedata', onData);
    }
    const frameNotes: FrameNote[] = [];
    let lastZoom = m.getZoom();
    const deltas: number[] = [];
    let last = performance.now();
    let running = true;
    const loop = (t: number) => {
      deltas.push(t - last);
      last = t;
      if (withNotes) {
        const zoom = m.getZoom();
        frameNotes.push({
          step,
          stepMs: Math.round(t - stepStart),
          zoom: Math.round(zoom * 100) / 100,
          zoomCrossed: Math.floor(zoom) !== Math.floor(lastZoom),
          renderMs: Math.round(renderMs * 10) / 10,
          renders,
          tiles,
          hillshade: m.getLayer('hillshade')
            ? String(m.getLayoutProperty('hillshade', 'visibility') ?? 'visible')
            : '-',
          programs,
        });
        programs = [];
        lastZoom = zoom;
        renderMs = 0;
        renders = 0;
        tiles = {};
      }
      if (running) requestAnimationFrame(loop);
    };
    requestAnimationFrame((t) => {
      last = t;
      requestAnimationFrame(loop);
    });
    const moveEnd = () => new Promise<void>((r) => m.once('moveend', () => r()));
    const z0 = m.getZoom();
    for (const move of [
      () => m.panBy([300, 0], { duration: 1000 }),
      () => m.panBy([-300, 200], { duration: 1000 }),
      () => m.easeTo({ zoom: z0 + 2, duration: 1200 }),
      () => m.panBy([200, -150], { duration: 1000 }),
      () => m.easeTo({ zoom: z0 + 4, duration: 1200 }),
      () => m.easeTo({ zoom: z0, duration: 1500 }),
    ]) {
      const done = moveEnd();
      step++;
      stepStart = performance.now();
      move();
      await done;
    }
    running = false;
    if (withNotes) {
      m._render = render;
      m.off('sourcedata', onData);
      if (cache && getProgram) cache.getProgram = getProgram;
    }
    return { deltas: deltas.slice(1), notes: frameNotes.slice(1) };
  }, notes);
}

/**
 * BENCH_UI_FRAME_LOG: each frame over `overMs` with what it did, and how the long frames and the others differ (share
 * with a tile's arrival, an integer zoom crossed, the first 100 ms of a gesture; mean main-thread render ms).
 */
function printLongFrames(deltas: number[], notes: FrameNote[], overMs: number): void {
  const long: number[] = [];
  deltas.forEach((d, i) => {
    if (d > overMs) long.push(i);
  });
  for (const i of long) print({ bench: 'ui.cases-long-frame', ms: Math.round(deltas[i]!), frame: i, ...notes[i] });
  const describe = (idx: number[]) => {
    const n = Math.max(1, idx.length);
    const share = (f: (x: FrameNote) => boolean) => Math.round((idx.filter((i) => f(notes[i]!)).length / n) * 100);
    return {
      frames: idx.length,
      withTilePct: share((x) => Object.keys(x.tiles).length > 0),
      zoomCrossedPct: share((x) => x.zoomCrossed),
      gestureStartPct: share((x) => x.stepMs < 100),
      hillshadeShownPct: share((x) => x.hillshade === 'visible'),
      withProgramPct: share((x) => x.programs.length > 0),
      meanRenderMs: Math.round((idx.reduce((a, i) => a + notes[i]!.renderMs, 0) / n) * 10) / 10,
    };
  };
  const others = deltas.map((_, i) => i).filter((i) => deltas[i]! <= overMs);
  print({ bench: 'ui.cases-long-frames', overMs, long: describe(long), others: describe(others) });
}

/** The figures of one pan/zoom: frame-time quantiles and each Chromium process's CPU per frame. */
function frameFigures(frames: number[], cpuBefore: Record<string, number>, cpuAfter: Record<string, number>) {
  const sorted = [...frames].sort((a, b) => a - b);
  const q = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
  return {
    frames: frames.length,
    p50Ms: q(0.5),
    p95Ms: q(0.95),
    maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
    framesOver50Ms: frames.filter((f) => f > 50).length,
    targetMaxMs: 50,
    // CPU per frame drawn, of the page's main thread and workers (renderer) and of the rasteriser (gpu-process).
    cpuMsPerFrame: Object.fromEntries(
      ['renderer', 'gpu-process'].map((k) => [
        k,
        Math.round((((cpuAfter[k] ?? 0) - (cpuBefore[k] ?? 0)) / Math.max(1, frames.length)) * 10) / 10,
      ]),
    ),
  };
}

/**
 * What the map draws in a diagnostic pan/zoom (BENCH_UI_VARIANTS): `full` as the view has it, `no-pins` without the
 * case layers, `no-base` without the hillshade and the project's area layers, `bare` with neither. Layers are taken
 * out of the style (not hidden: the view shows the hillshade again when the map rests) and put back after.
 */
const VARIANTS = ['full', 'no-pins', 'no-base', 'bare', 'no-base-fill', 'no-base-line', 'no-base-symbol'] as const;
/** One of VARIANTS, `no:id1+id2`: without the layers of those ids, or `ratio:0.5`: every layer, drawn at that pixel
 * ratio (the canvas that much smaller, scaled up by the browser). */
type Variant = (typeof VARIANTS)[number] | `no:${string}` | `ratio:${number}`;
const isVariant = (v: string): v is Variant =>
  (VARIANTS as readonly string[]).includes(v) || /^no:[\w+-]+$/.test(v) || /^ratio:(0?\.\d+|1)$/.test(v);

async function withVariant<T>(page: Page, variant: Variant, run: () => Promise<T>): Promise<T> {
  if (variant.startsWith('ratio:')) {
    type M = { xunchaMap: { setPixelRatio(r: number | null): void } };
    await page.evaluate((r) => (window as never as M).xunchaMap.setPixelRatio(r), Number(variant.slice(6)));
    try {
      return await run();
    } finally {
      await page.evaluate(() => (window as never as M).xunchaMap.setPixelRatio(null));
    }
  }
  const removed = await page.evaluate((v) => {
    type Layer = { id: string; source?: string };
    const m = (
      window as never as {
        xunchaMap: {
          getStyle(): { layers: Layer[] };
          removeLayer(id: string): void;
        };
      }
    ).xunchaMap;
    const layers = m.getStyle().layers;
    const isPin = (l: Layer) => l.source === 'cases';
    const drop = layers.filter((l) => {
      if (v === 'no-pins') return isPin(l);
      if (v === 'no-base') return !isPin(l);
      if (v === 'bare') return true;
      if (v.startsWith('no:')) return v.slice(3).split('+').includes(l.id);
      // no-base-fill, -line, -symbol: the base layers of one type.
      return !isPin(l) && v === `no-base-${(l as Layer & { type: string }).type}`;
    });
    for (const l of drop) m.removeLayer(l.id);
    // Each removed layer with the id of the layer it stood under, to put it back in place.
    return drop.map((l) => ({ layer: l, before: layers[layers.indexOf(l) + 1]?.id }));
  }, variant);
  try {
    return await run();
  } finally {
    await page.evaluate((back) => {
      const m = (
        window as never as {
          xunchaMap: { addLayer(l: unknown, before?: string): void; getLayer(id: string): unknown };
        }
      ).xunchaMap;
      for (const { layer, before } of [...back].reverse())
        m.addLayer(layer, before && m.getLayer(before) ? before : undefined);
    }, removed);
  }
}

async function main(): Promise<void> {
  machine('start');
  const s = await startUiStack();
  try {
    bundleSize();
    const db = s.service.db;
    // Every deadline lies ahead (most within the "due soon" fifth of their stage, the rest later): no case falls
    // overdue during the bench, so the escalation sweep (every 30 s) does not take the embedded database from the
    // page's requests while frames are measured.
    await db.query(
      `INSERT INTO cases (id, category, state, source, severity, geom, accept_due_at, dispatch_due_at, resolve_due_at, created_at)
       SELECT 'bench_' || g,
              (ARRAY['straw_burning','sewage_outfall','exposed_slope'])[1 + g % 3],
              (ARRAY['new','accepted','dispatched','in_progress'])[1 + g % 4],
              'hotline', CASE WHEN g % 7 = 0 THEN 'urgent' ELSE 'normal' END,
              ST_SetSRID(ST_MakePoint(119.04 + random() * 0.2, 28.01 + random() * 0.11), 4326),
              now() + (30 + g % 90) * interval '1 minute', now() + (35 + g % 90) * interval '1 minute',
              now() + (2 + g % 500) * interval '1 hour', now() - interval '10 hours'
         FROM generate_series(1, ${CASES}) g`,
    );
    const login = await fetch(`${s.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo-dispatcher', password: 'xuncha-demo' }),
    });
    const session = (await login.json()) as { token: string; expiresAt: string; user: unknown };
    // The page's session is the HttpOnly cookie (the same server-side session as the token); the tab remembers only
    // who is signed in, so a page load renders the view at once.
    const signIn = async (context: BrowserContext) => {
      await context.addCookies([
        { name: 'xuncha_session', value: session.token, url: s.base, httpOnly: true, sameSite: 'Strict' },
      ]);
      // tsx compiles with esbuild's keepNames: functions handed to page.evaluate call its `__name` helper.
      await context.addInitScript({ content: 'window.__name = (f) => f;' });
      await context.addInitScript((sess) => sessionStorage.setItem('xuncha.session', JSON.stringify(sess)), {
        expiresAt: session.expiresAt,
        user: session.user,
      });
    };

    // First load to an interactive map: navigation start → style and project layers loaded, first cold, then warm.
    for (const run of ['cold', 'warm', 'warm']) {
      const context = await s.browser.newContext({ viewport: { width: 1400, height: 860 } });
      await signIn(context);
      const page = await context.newPage();
      if (run !== 'cold') await page.goto(`${s.base}/plan`).then(() => mapReady(page)); // warm the HTTP cache
      const t0 = Date.now();
      await page.goto(`${s.base}/plan`);
      await mapReady(page);
      const wallMs = Date.now() - t0;
      const nav = await page.evaluate(() => performance.now());
      // When the page itself saw the map ready (create-map.ts marks it), without the polling and the round trip of the
      // driver that wallMs and pageMs add (a few hundred ms on a loaded machine, while the hillshade comes in).
      const mark = await page.evaluate(() => performance.getEntriesByName('xuncha:map-ready')[0]?.startTime ?? null);
      print({
        bench: 'ui.first-load',
        run,
        wallMs,
        pageMs: Math.round(nav),
        readyMarkMs: mark === null ? null : Math.round(mark),
        targetMs: 2000,
      });
      await context.close();
    }

    // Pan/zoom with 10,000 clustered pins on the cases map.
    const context = await s.browser.newContext({ viewport: { width: 1400, height: 860 } });
    await signIn(context);
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${s.base}/cases`);
    await mapReady(page);
    await page
      .waitForFunction(
        (n) => {
          const m = (
            window as never as {
              xunchaMap: { getSource(id: string): unknown; querySourceFeatures(id: string): unknown[] };
            }
          ).xunchaMap;
          return (
            !!m.getSource('cases') &&
            document
              .querySelector('.cases-side .hint')
              ?.textContent?.includes(String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ''))
          );
        },
        CASES,
        { timeout: 120_000, polling: 500 },
      )
      .catch(() => undefined);
    // Navigation → every case listed and on the map (the 3 s settle below is not part of it).
    const listedMs = Date.now() - t0;
    await page.waitForTimeout(3000);
    const loadMs = Date.now() - t0;
    // BENCH_UI_TRACE=file.json: a Chromium performance trace of the pan/zoom (open it in chrome://tracing or Perfetto).
    const trace = process.env.BENCH_UI_TRACE;
    if (trace)
      await s.browser.startTracing(page, {
        path: trace,
        screenshots: false,
        // The JavaScript samples too: what the long frames run, not only that they are long.
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8.execute',
          'disabled-by-default-v8.cpu_profiler',
          'disabled-by-default-v8.gc',
          'gpu',
          'toplevel',
        ],
      });
    // BENCH_UI_FRAME_LOG=40: also print each frame over 40 ms with what it did (FrameNote).
    const frameLogMs = Number(process.env.BENCH_UI_FRAME_LOG ?? 0);
    const cpuBefore = chromiumCpuMs();
    const { deltas: frames, notes } = await panZoomFrames(page, frameLogMs > 0);
    const cpuAfter = chromiumCpuMs();
    if (trace) await s.browser.stopTracing();
    if (frameLogMs > 0) printLongFrames(frames, notes, frameLogMs);
    await liveUpdate(page);
    print({
      bench: 'ui.cases-pan-zoom',
      pins: CASES,
      casesViewLoadMs: loadMs,
      casesListedMs: listedMs,
      ...frameFigures(frames, cpuBefore, cpuAfter),
    });
    // BENCH_UI_VARIANTS=full,no-pins,no-base,bare (BENCH_UI_ROUNDS=2): the same pan/zoom with parts of the map taken
    // out, the variants alternating round by round on the same page, to tell what the long frames draw.
    const variants = (process.env.BENCH_UI_VARIANTS ?? '').split(',').filter(Boolean);
    for (const v of variants) if (!isVariant(v)) throw new Error(`BENCH_UI_VARIANTS: unknown ${v}`);
    const rounds = Number(process.env.BENCH_UI_ROUNDS ?? 2);
    for (let round = 1; round <= rounds && variants.length; round++)
      for (const variant of variants as Variant[]) {
        await page.waitForTimeout(500);
        const figures = await withVariant(page, variant, async () => {
          const before = chromiumCpuMs();
          const { deltas: f, notes: n } = await panZoomFrames(page, frameLogMs > 0);
          const figures = frameFigures(f, before, chromiumCpuMs());
          if (frameLogMs > 0) printLongFrames(f, n, frameLogMs);
          return figures;
        });
        print({
          bench: 'ui.cases-pan-zoom-variant',
          variant,
          round,
          loadavg1m: Number(os.loadavg()[0]!.toFixed(1)),
          ...figures,
        });
      }
    await context.close();
    machine('end');
  } finally {
    await s.stop();
  }
}

await main();
