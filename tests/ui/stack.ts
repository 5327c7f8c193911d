/**
 * What the browser tests and the UI bench run against: the real service (`startService`, as `xuncha serve` runs it)
 * on a private copy of the embedded test database with demo users, a simulated drone over MAVLink/TCP, the bundle
 * freshly built, and Debian's Chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningService } from '../../mission-service/src/serve.ts';
import { startSimulation, type RunningSimulation } from '../../simulator/src/index.ts';
import { DEMO_PASSWORD, startServiceStack, type ApiAnswer, type DemoUser } from '../support/service-stack.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'ui');

/**
 * The features playwright-core (1.65.1, pinned) disables itself (`chromiumSwitches`): Chromium keeps only the last
 * --disable-features, so ours repeats them.
 */
const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
];
/**
 * Chromium 15x preloads its omnibox popup (a WebUI page in a renderer of its own) when a window opens: about 0.5 s of
 * CPU, in a headless browser that never shows it, taken from the first page's load on a 2-core machine.
 */
const OMNIBOX_WEBUI_FEATURES = [
  'PreloadTopChromeWebUI',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'WebUIOmniboxFullPopup',
];

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...OMNIBOX_WEBUI_FEATURES].join(',')}`,
];

export interface UiStack {
  base: string;
  service: RunningService;
  sim: RunningSimulation | null;
  browser: Browser;
  /** A fresh browser context (own storage) logged in as `user` with the demo password, on `path`. */
  loggedIn(user: DemoUser, path?: string): Promise<{ context: BrowserContext; page: Page }>;
  /** An API call as a demo user (for arranging data the test is not about). */
  api(user: DemoUser, method: string, p: string, body?: unknown): Promise<ApiAnswer>;
  /** A multipart upload as a demo user. */
  upload(user: DemoUser, p: string, form: FormData): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

export type { DemoUser };

export async function startUiStack(opts: { drones?: number } = {}): Promise<UiStack> {
  // The bundle the service serves must be the current sources (the service itself never builds under vitest).
  execFileSync(process.execPath, [path.join(repoRoot, 'planner-ui/scripts/build-if-stale.mjs')], { stdio: 'inherit' });
  const sim = opts.drones
    ? await startSimulation({
        drones: opts.drones,
        speedup: 5,
        basePort: 0,
        host: '127.0.0.1',
        personality: 'ardupilot',
        seed: 7,
        bootDelayS: 0,
      })
    : null;
  // Triage runs with the small fixed-weight scar detector the service's own tests use, so a flagged photo appears
  // quickly.
  const stack = await startServiceStack({ model: 'scar' });
  const base = stack.base;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // playwright gives every launch a fresh temporary --user-data-dir of its own (it refuses the flag itself).
    args: CHROMIUM_FLAGS,
  });
  return {
    base,
    service: stack.service,
    sim,
    browser,
    async loggedIn(user, p = '/') {
      const context = await browser.newContext({
        viewport: { width: 1400, height: 860 },
        locale: 'zh-CN',
        acceptDownloads: true,
      });
      // The software renderer on a busy 2-core machine is slow: give every action time.
      context.setDefaultTimeout(120_000);
      // Every Content-Security-Policy violation (the service allows only 'self' scripts and styles) is recorded.
      await context.addInitScript(() => {
        const w = window as unknown as { cspViolations: string[] };
        w.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
        );
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
      await page.goto(`${base}/login?next=${encodeURIComponent(p)}`);
      await page.fill('input[name=username]', user);
      await page.fill('input[name=password]', DEMO_PASSWORD);
      await page.click('form.login-form button[type=submit]');
      await page.waitForSelector('header.topbar', { timeout: 60_000 });
      return { context, page };
    },
    api: stack.api,
    upload: stack.upload,
    async stop() {
      await browser.close().catch(() => {});
      await stack.stop();
      await sim?.stop().catch(() => {});
    },
  };
}

/** Waits until the page's map has loaded its style (the software renderer on a busy machine takes seconds). */
export async function mapReady(page: Page, timeoutMs = 180_000): Promise<void> {
  await page.locator('[data-map-ready=true]').first().waitFor({ timeout: timeoutMs });
  await page.waitForFunction(() => !!(window as unknown as { xunchaMap?: unknown }).xunchaMap, null, {
    timeout: timeoutMs,
  });
}

/** Screen position of a lon/lat on the page's map. */
export async function mapPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(([lon, lat]) => {
    const m = (
      window as unknown as {
        xunchaMap: { project(l: [number, number]): { x: number; y: number }; getCanvas(): HTMLCanvasElement };
      }
    ).xunchaMap;
    const pt = m.project([lon!, lat!]);
    const r = m.getCanvas().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }, lonLat);
  return p;
}
