/**
 * `npx tsx tests/ui/first-load-trace.ts [/path] [cases]`: what a cold first load of a map view (default `/plan`)
 * waits for — every request of the page with its start and end (ms after navigation start), and when the map was
 * ready (and, with `cases`, when the cases list was filled). Prints one JSON line per request, in start order.
 * `TRACE_FILE=file.json` also writes a Chromium trace of the load, `TRACE_SHOT=file.png` a screenshot once ready.
 * A profiling aid beside `npm run bench:ui`, not a test.
 */
import { mapReady, startUiStack } from './stack.ts';

const [viewPath = '/plan', casesArg = '0'] = process.argv.slice(2);
const cases = Number(casesArg);
const s = await startUiStack();
try {
  if (cases)
    await s.service.db.query(
      `INSERT INTO cases (id, category, state, source, severity, geom, accept_due_at, created_at)
       SELECT 'trace_' || g, 'straw_burning', 'new', 'hotline', 'normal',
              ST_SetSRID(ST_MakePoint(119.04 + random() * 0.2, 28.01 + random() * 0.11), 4326),
              now() + interval '1 hour', now() FROM generate_series(1, ${cases}) g`,
    );
  const login = await fetch(`${s.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo-dispatcher', password: 'xuncha-demo' }),
  });
  const session = (await login.json()) as { token: string; expiresAt: string; user: unknown };
  const context = await s.browser.newContext({ viewport: { width: 1400, height: 860 } });
  await context.addCookies([
    { name: 'xuncha_session', value: session.token, url: s.base, httpOnly: true, sameSite: 'Strict' },
  ]);
  await context.addInitScript((sess) => sessionStorage.setItem('xuncha.session', JSON.stringify(sess)), {
    expiresAt: session.expiresAt,
    user: session.user,
  });
  const page = await context.newPage();
  // TRACE_FILE=file.json: a Chromium performance trace of the load (chrome://tracing or Perfetto).
  if (process.env.TRACE_FILE) await s.browser.startTracing(page, { path: process.env.TRACE_FILE, screenshots: false });
  await page.goto(`${s.base}${viewPath}`);
  await mapReady(page);
  const readyMs = await page.evaluate('performance.now()');
  const readyMarkMs = await page.evaluate(`performance.getEntriesByName('xuncha:map-ready')[0]?.startTime ?? null`);
  if (process.env.TRACE_FILE) await s.browser.stopTracing();
  if (cases) {
    await page.waitForFunction(`(document.querySelector('.cases-side .hint')?.textContent ?? '').includes('${cases}')`);
    console.log(JSON.stringify({ casesListedMs: Math.round((await page.evaluate('performance.now()')) as number) }));
  }
  // TRACE_SHOT=file.png: how the view looked once ready (the clusters, with `cases`).
  if (process.env.TRACE_SHOT) {
    await page.waitForTimeout(2000);
    await page.screenshot({ path: process.env.TRACE_SHOT });
  }
  const entries = (await page.evaluate(
    `performance.getEntriesByType('resource').map((e) => ({ name: e.name.replace(location.origin, ''), start: Math.round(e.startTime), end: Math.round(e.responseEnd), kB: Math.round(e.transferSize / 1024) }))`,
  )) as { name: string; start: number; end: number; kB: number }[];
  const nav = (await page.evaluate(
    `(() => { const n = performance.getEntriesByType('navigation')[0]; return { domInteractive: Math.round(n.domInteractive), load: Math.round(n.loadEventEnd) }; })()`,
  )) as Record<string, number>;
  console.log(
    JSON.stringify({
      readyMs: Math.round(readyMs as number),
      readyMarkMs: readyMarkMs === null ? null : Math.round(readyMarkMs as number),
      ...nav,
    }),
  );
  for (const e of entries.sort((a, b) => a.start - b.start)) console.log(JSON.stringify(e));
  await context.close();
} finally {
  await s.stop();
}
