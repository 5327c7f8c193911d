/**
 * The planner UI in a real Chromium against a real service with a simulated drone: one test per view's main flow,
 * a screenshot of each view under test-artifacts/ui/, and an axe-core pass (no serious or critical violations).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, seriousViolations } from './axe.ts';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../geodata/src/index.ts';
import { OVER_FIRE, shoot } from '../../mission-service/test/jobs/sim-photos.ts';
import { artifactsDir, mapPoint, mapReady, startUiStack, type UiStack } from './stack.ts';

const HOME: [number, number] = [119.1405, 28.0705];

async function shotAndAxe(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`) });
  // The page keeps to the strict CSP (no inline scripts or styles): nothing was blocked.
  expect(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])).toEqual(
    [],
  );
  const v = await seriousViolations(page);
  expect(v, describeViolations(v)).toEqual([]);
}

/** `n` consecutive dates from `first` (`YYYY-MM-DD`). */
function dayRangeOf(first: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    new Date(Date.parse(`${first}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Clicks the confirm button of the open dialog. */
async function confirmDialog(page: Page): Promise<void> {
  await page.locator('dialog[open] button[type=submit]').click();
  await page.locator('dialog[open]').waitFor({ state: 'detached' });
}

describe('planner UI in Chromium', () => {
  let s: UiStack;
  let droneId = '';
  let planId = '';
  let reviewedId = '';

  beforeAll(async () => {
    s = await startUiStack({ drones: 1 });
    const d = await s.api('demo-operator', 'POST', '/api/drones', {
      name: '巡查一号',
      model: 'm3e',
      camera: 'm3e-wide',
      connection: s.sim!.vehicles[0]!.connection,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    droneId = d.body.id;
    const c = await s.api('demo-operator', 'POST', `/api/drones/${droneId}/connect`);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    // A flagged photo for the review test: fires always wait for an officer (no auto-filing), and the operator
    // uploads two simulator photos over the planted straw fire; triage runs while the other views are tested.
    const cat = await s.api('demo-admin', 'PUT', '/api/categories/straw_burning', { autoFileMinScore: null });
    expect(cat.status, JSON.stringify(cat.body)).toBe(200);
    const form = new FormData();
    const start = new Date('2026-10-20T03:00:00Z');
    for (const [i, shot] of OVER_FIRE.slice(0, 2).entries())
      form.append(
        'files',
        new Blob([new Uint8Array(await shoot(shot, start, i))], { type: 'image/jpeg' }),
        `DJI_000${i + 1}.JPG`,
      );
    const up = await s.upload('demo-operator', '/api/images', form);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.accepted).toBe(2);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('serves the login page at / in Chinese, switches to English, and comes back to a deep link after login', async () => {
    const ctx = await s.browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(`${s.base}/stats`);
    await page.waitForSelector('form.login-form');
    expect(page.url()).toContain('/login?next=%2Fstats');
    expect(await page.locator('form.login-form button[type=submit]').textContent()).toBe('登录');
    await page.locator('.demo-buttons button').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.demo-buttons button').allTextContents()).toEqual([
      'demo-operator',
      'demo-officer',
      'demo-dispatcher',
      'demo-admin',
    ]);
    await page.fill('input[name=username]', 'demo-dispatcher');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('form.login-form button[type=submit]');
    await expect
      .poll(() => page.locator('.form-error').textContent(), { timeout: 30_000 })
      .toContain('用户名或密码错误');
    await shotAndAxe(page, 'login');
    await page.click('button.lang');
    expect(await page.locator('form.login-form button[type=submit]').textContent()).toBe('Log in');
    await page.click('button.lang');
    await page.fill('input[name=username]', 'demo-dispatcher');
    await page.fill('input[name=password]', 'xuncha-demo');
    await page.click('form.login-form button[type=submit]');
    await page.waitForFunction(() => location.pathname === '/stats', null, { timeout: 120_000 });
    // The dispatcher's navigation: no Plan, no Review.
    expect(await page.locator('nav .nav-link').allTextContents()).toEqual(['排班', '机队', '案件', '统计', '日历']);
    // A link to another role's page says so, and asks the service nothing that it would refuse.
    const refused: string[] = [];
    page.on('response', (r) => r.status() === 403 && refused.push(r.url()));
    await page.goto(`${s.base}/review`);
    await page.locator('[data-testid=not-your-page]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=not-your-page] h1').innerText()).toBe('此页面不对您的角色开放');
    expect(await page.locator('[data-testid=not-your-page] p').innerText()).toContain('研判');
    await page.waitForTimeout(500);
    expect(refused).toEqual([]);
    await ctx.close();
  });

  it('规划 Plan: draws an area on the map and gets a route with sorties and time; saves and exports a .plan', async () => {
    const { context, page } = await s.loggedIn('demo-operator', '/plan');
    await mapReady(page);
    await page.evaluate(
      ([lon, lat]) =>
        (window as never as { xunchaMap: { jumpTo(o: unknown): void } }).xunchaMap.jumpTo({
          center: [lon, lat],
          zoom: 15,
        }),
      HOME,
    );
    await page.getByRole('button', { name: '绘制区域' }).click();
    const d = 0.0015;
    const corners: [number, number][] = [
      [HOME[0] - d, HOME[1] - d],
      [HOME[0] + d, HOME[1] - d],
      [HOME[0] + d, HOME[1] + d],
      [HOME[0] - d, HOME[1] + d],
    ];
    for (const c of [...corners, corners[0]!]) {
      const p = await mapPoint(page, c);
      await page.mouse.move(p.x - 6, p.y - 6);
      await page.mouse.move(p.x, p.y, { steps: 3 });
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(300);
    }
    const kpis = page.locator('[data-testid=plan-kpis]');
    await kpis.waitFor({ timeout: 120_000 });
    await expect.poll(() => page.url()).toMatch(/\/plan\/plan_/);
    planId = decodeURIComponent(page.url().split('/plan/')[1]!);
    const text = await kpis.innerText();
    expect(text).toMatch(/km/);
    expect(text).toMatch(/照片/);
    // Changing a parameter re-plans: a finer GSD flies lower and takes more photos.
    const photosBefore = Number((await kpis.locator('.kpi').nth(2).locator('b').innerText()).replace(/\D/g, ''));
    expect(photosBefore).toBeGreaterThan(0);
    await page.getByLabel('地面分辨率 GSD (cm)').last().fill('2');
    await expect
      .poll(
        async () =>
          Number(
            (await page.locator('[data-testid=plan-kpis] .kpi').nth(2).locator('b').innerText()).replace(/\D/g, ''),
          ),
        { timeout: 90_000 },
      )
      .toBeGreaterThan(photosBefore);
    await page.getByRole('button', { name: '保存计划' }).click();
    await page.locator('.toast-ok').filter({ hasText: '计划已保存' }).waitFor({ timeout: 120_000 });
    const stored = await s.api('demo-operator', 'GET', `/api/plans/${planId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.params.gsdCm).toBe(2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /QGC \.plan（架次 1）/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.plan$/);
    const qgc = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { fileType: string };
    expect(qgc.fileType).toBe('Plan');
    // The same sortie as DJI waylines for Pilot 2 / FlightHub 2: a KMZ (zip) holding wpmz/template.kml and waylines.
    const [wpml] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /大疆航线 WPML（架次 1）/ }).click(),
    ]);
    expect(wpml.suggestedFilename()).toMatch(/\.kmz$/);
    const kmz = readFileSync((await wpml.path())!);
    expect(kmz.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(kmz.includes('wpmz/template.kml')).toBe(true);
    expect(kmz.includes('wpmz/waylines.wpml')).toBe(true);
    await shotAndAxe(page, 'plan');
    await context.close();
  });

  it('规划 Plan: a self-intersecting drawing is explained on the map', async () => {
    const { context, page } = await s.loggedIn('demo-operator', '/plan');
    await mapReady(page);
    await page.evaluate(
      ([lon, lat]) =>
        (window as never as { xunchaMap: { jumpTo(o: unknown): void } }).xunchaMap.jumpTo({
          center: [lon, lat],
          zoom: 15,
        }),
      [HOME[0] + 0.01, HOME[1]],
    );
    await page.getByRole('button', { name: '绘制区域' }).click();
    const c0: [number, number] = [HOME[0] + 0.008, HOME[1] - 0.001];
    // A bow tie: the fourth edge would cross the first one.
    for (const c of [c0, [c0[0] + 0.002, c0[1] + 0.002], [c0[0] + 0.002, c0[1]], [c0[0], c0[1] + 0.002]] as [
      number,
      number,
    ][]) {
      const p = await mapPoint(page, c);
      await page.mouse.move(p.x - 6, p.y - 6);
      await page.mouse.move(p.x, p.y, { steps: 3 });
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(300);
    }
    await page.locator('.maplibregl-popup').filter({ hasText: '边线交叉' }).waitFor({ timeout: 120_000 });
    await context.close();
  });

  it('on a software renderer the map moves at half resolution without the hillshade, and rests sharp with it', async () => {
    const { context, page } = await s.loggedIn('demo-operator', '/plan');
    await mapReady(page);
    type M = {
      xunchaMap: {
        getCanvas(): HTMLCanvasElement;
        getLayer(id: string): unknown;
        getLayoutProperty(id: string, p: string): unknown;
        getCenter(): { lng: number; lat: number };
        isMoving(): boolean;
      };
    };
    // Drawing-buffer width and the hillshade's visibility (the hillshade is added once the map is up).
    const look = () =>
      page.evaluate(() => {
        const m = (window as never as M).xunchaMap;
        const shade = m.getLayer('hillshade') ? (m.getLayoutProperty('hillshade', 'visibility') ?? 'visible') : null;
        return { width: m.getCanvas().width, shade, lng: m.getCenter().lng, moving: m.isMoving() };
      });
    await page.waitForFunction(() => !!(window as never as M).xunchaMap.getLayer('hillshade'));
    const rest = await look();
    expect(rest.shade).toBe('visible');
    // A real mouse drag: the lower resolution comes in at its start and must not end it (the map follows the mouse).
    const box = (await page.locator('.maplibregl-canvas').boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 100, y, { steps: 5 });
    const moving = await look();
    await page.mouse.move(x - 200, y, { steps: 5 });
    await page.mouse.up();
    expect(moving.width).toBe(Math.floor(rest.width / 2));
    expect(moving.shade).toBe('none');
    const dragged = await look();
    expect(dragged.lng).toBeGreaterThan(rest.lng);
    expect(dragged.lng - moving.lng).toBeGreaterThan((moving.lng - rest.lng) / 2);
    // At rest again: full resolution and the hillshade, as before the drag.
    await page.waitForFunction(
      (w) => {
        const m = (window as never as M).xunchaMap;
        return m.getCanvas().width === w && m.getLayoutProperty('hillshade', 'visibility') === 'visible';
      },
      rest.width,
      { timeout: 30_000 },
    );
    // A jump (fitBounds or jumpTo without animation, as the fleet view's track does) is one frame: drawn sharp.
    const jumped = await page.evaluate(() => {
      const m = (window as never as M).xunchaMap as never as M['xunchaMap'] & { jumpTo(o: unknown): void };
      const c = m.getCenter();
      m.jumpTo({ center: [c.lng + 0.001, c.lat] });
      return m.getCanvas().width;
    });
    expect(jumped).toBe(rest.width);
    await context.close();
  });

  it('规划 Plan: imports a GeoJSON drawn on AMap (GCJ-02), warns when it was declared WGS84, refuses GCJ-02 outside China', async () => {
    // A field of the project's farmland layer as AMap would have drawn it: every corner shifted into GCJ-02.
    const layer = await s.api('demo-operator', 'GET', '/api/layers/farmland');
    const field = (layer.body.features as Array<{ geometry: { type: string; coordinates: number[][][] } }>).find(
      (f) => f.geometry.type === 'Polygon',
    )!;
    const ring = field.geometry.coordinates[0]!;
    const onAmap = ring.map((p) => wgs84ToGcj02([p[0]!, p[1]!]));
    const file = (name: string, coords: number[][]) => ({
      name,
      mimeType: 'application/geo+json',
      buffer: Buffer.from(
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [coords] } }],
        }),
      ),
    });
    const { context, page } = await s.loggedIn('demo-operator', '/plan');
    await mapReady(page);
    const crs = page.getByLabel('坐标系');
    const note = page.locator('[data-testid=import-note]');
    // Declared WGS84 (the default): imported, with a warning that it fits the farmland only as GCJ-02, and an undo.
    await page.locator('[data-testid=area-file]').setInputFiles(file('高德农田.geojson', onAmap));
    await note.filter({ hasText: 'GCJ-02' }).waitFor({ timeout: 120_000 });
    expect(await note.innerText()).toContain('请撤销导入');
    const named = async () =>
      (
        (await s.api('demo-operator', 'GET', '/api/areas?kind=farmland')).body.features as Array<{
          id: string;
          properties: { name: string };
          geometry: { coordinates: number[][][] };
        }>
      ).filter((a) => a.properties.name === '高德农田');
    expect(await named()).toHaveLength(1);
    await page.screenshot({ path: path.join(artifactsDir, 'plan-import-warning.png') });
    await note.getByRole('button', { name: '撤销导入' }).click();
    await page.locator('.toast-ok').filter({ hasText: '已删除刚导入的 1 个区域' }).waitFor({ timeout: 60_000 });
    expect(await named()).toHaveLength(0);
    // Declared GCJ-02: converted to WGS84 on the way in, no warning, the area selected for planning.
    await crs.selectOption('gcj02');
    await page.locator('[data-testid=area-file]').setInputFiles(file('高德农田.geojson', onAmap));
    await note.filter({ hasText: '已导入 1 个区域' }).waitFor({ timeout: 120_000 });
    const [stored] = await named();
    const back = stored!.geometry.coordinates[0]!;
    // Back where the field is (GCJ-02 inverse to well under a metre: 1e-5° ≈ 1 m).
    back.forEach((p, i) => {
      expect(Math.abs(p[0]! - ring[i]![0]!)).toBeLessThan(1e-5);
      expect(Math.abs(p[1]! - ring[i]![1]!)).toBeLessThan(1e-5);
      const expected = gcj02ToWgs84(onAmap[i] as [number, number]);
      expect(Math.abs(p[0]! - expected[0])).toBeLessThan(1e-7);
    });
    expect(await page.locator('aside').innerText()).toContain('已选 1');
    // GCJ-02 outside China (a field in Hampshire): refused, and the page says what to do.
    await page.locator('[data-testid=area-file]').setInputFiles(
      file('england.geojson', [
        [-1.3, 51.0],
        [-1.29, 51.0],
        [-1.29, 51.01],
        [-1.3, 51.0],
      ]),
    );
    const refused = page.locator('[data-testid=import-note][role=alert]');
    await refused.waitFor({ timeout: 120_000 });
    expect(await refused.innerText()).toContain('不在中国大陆境内');
    expect(await refused.innerText()).toContain('请选择 WGS84 后重新导入');
    await shotAndAxe(page, 'plan-import');
    await context.close();
  });

  it('排班 Schedule: creates a weekly patrol and shows it in the drone’s week', async () => {
    expect(planId).not.toBe('');
    const { context, page } = await s.loggedIn('demo-operator', '/schedule');
    const form = page.locator('aside form');
    await form.waitFor({ timeout: 120_000 });
    await form.getByLabel('名称').fill('龙泉溪农田周巡');
    await form.getByLabel('巡查计划').selectOption(planId);
    for (const day of ['周二', '周三', '周五', '周六', '周日']) await form.getByText(day, { exact: true }).click();
    await form.getByLabel('起飞时间').fill('23:50');
    await form.getByRole('button', { name: '创建排班' }).click();
    await page.locator('.toast-ok').filter({ hasText: '排班已创建' }).waitFor({ timeout: 120_000 });
    const list = await s.api('demo-operator', 'GET', '/api/schedules');
    const created = list.body.items.find((x: { name: string }) => x.name === '龙泉溪农田周巡');
    expect(created.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=23;BYMINUTE=50');
    expect(created.droneIds).toEqual([droneId]);
    // The toast comes before the view has read the schedules again: wait for the new one's row, drawn with the week.
    await page.locator(`[data-schedule-row="${created.id}"]`).waitFor({ timeout: 120_000 });
    const events = page.locator(`.cal-event[data-schedule="${created.id}"]`);
    if ((await events.count()) === 0) await page.getByRole('button', { name: /下一周/ }).click();
    expect(await events.count()).toBeGreaterThan(0);
    await page.getByLabel('无人机').first().selectOption(droneId);
    expect(await events.count()).toBeGreaterThan(0);
    await shotAndAxe(page, 'schedule');

    // An hourly patrol (paused, so it never flies here) fills every hour of a week, not only its next 100.
    const hourly = await s.api('demo-operator', 'POST', '/api/schedules', {
      name: '每小时巡查',
      planId,
      droneIds: [droneId],
      rrule: 'FREQ=HOURLY;BYMINUTE=10',
    });
    expect(hourly.status, JSON.stringify(hourly.body)).toBe(201);
    expect((await s.api('demo-operator', 'POST', `/api/schedules/${hourly.body.id}/pause`)).status).toBe(200);
    await page.reload();
    await page.locator(`[data-schedule-row="${hourly.body.id}"]`).waitFor({ timeout: 120_000 });
    const hours = page.locator(`.cal-event[data-schedule="${hourly.body.id}"]`);
    // Two weeks ahead, then five: each week shows its own 168 hours, greyed as paused.
    for (const clicks of [2, 3]) {
      for (let k = 0; k < clicks; k++) await page.getByRole('button', { name: /下一周/ }).click();
      await expect.poll(() => hours.count(), { timeout: 60_000 }).toBe(7 * 24);
    }
    expect(await page.locator(`.cal-event.paused[data-schedule="${hourly.body.id}"]`).count()).toBe(7 * 24);
    expect((await s.api('demo-operator', 'DELETE', `/api/schedules/${hourly.body.id}`)).status).toBe(204);
    await context.close();
  });

  it('机队 Fleet: creates a mission from the plan, uploads and starts it behind confirmations, and the drone moves', async () => {
    const { context, page } = await s.loggedIn('demo-operator', `/fleet/${droneId}`);
    await mapReady(page);
    await page.locator('.stream-state[data-state=open]').waitFor({ timeout: 120_000 });
    await page.locator('aside select').first().selectOption(planId);
    await page.getByRole('button', { name: '创建任务' }).click();
    const mission = page.locator('[data-testid=missions] li').first();
    await mission.locator('[data-action=upload]').waitFor({ timeout: 30_000 });
    await mission.locator('[data-action=upload]').click();
    expect(await page.locator('dialog[open]').innerText()).toContain('巡查一号');
    await confirmDialog(page);
    await page.locator('[data-testid=missions] li[data-state=uploaded]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=missions] li[data-state=uploaded] [data-action=start]').click();
    await confirmDialog(page);
    await page.locator('[data-testid=missions] li[data-state=flying]').waitFor({ timeout: 90_000 });
    const position = () =>
      page.evaluate(() => {
        const m = (
          window as never as {
            xunchaMap: {
              getSource(id: string): { _data?: unknown } | undefined;
              querySourceFeatures(id: string): Array<{ geometry: { coordinates: number[] } }>;
            };
          }
        ).xunchaMap;
        return m.querySourceFeatures('drones')[0]?.geometry.coordinates ?? null;
      });
    await expect.poll(position, { timeout: 120_000 }).not.toBeNull();
    const first = (await position())!;
    await expect
      .poll(
        async () => {
          const p = await position();
          return p ? Math.hypot(p[0]! - first[0]!, p[1]! - first[1]!) : 0;
        },
        { timeout: 120_000, interval: 1000 },
      )
      .toBeGreaterThan(0.0002);
    await expect
      .poll(() => page.locator('[data-testid=drone-live]').innerText(), { timeout: 30_000 })
      .not.toContain('0 m\n');
    // The flight mode in the reader's language, not the link's name for it.
    expect(await page.locator('[data-testid=drone-live]').innerText()).toMatch(/模式\s+自动航线 · 已解锁/);
    await page.getByRole('button', { name: '显示飞行轨迹' }).click();
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (
                window as never as { xunchaMap: { querySourceFeatures(id: string): unknown[] } }
              ).xunchaMap.querySourceFeatures('track').length,
          ),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    await shotAndAxe(page, 'fleet');
    // Bring it home through the UI so the simulator is idle for the next tests.
    await page.locator('[data-testid=missions] li[data-state=flying] [data-action=rtl]').click();
    await confirmDialog(page);
    // On a slow machine the 5× simulator may finish the sortie first: home either way.
    await page
      .locator('[data-testid=missions] li[data-state=interrupted], [data-testid=missions] li[data-state=completed]')
      .first()
      .waitFor({ timeout: 120_000 });
    await context.close();
  });

  it('研判 Review: shows the flagged photo with its boxes and the spot on the mini-map, and confirming files a case', async () => {
    // Wait for triage to put the fire in the queue (待研判).
    let incidentId = '';
    await expect
      .poll(
        async () => {
          const q = await s.api('demo-officer', 'GET', '/api/incidents?state=to_review');
          incidentId = q.body.items?.[0]?.id ?? '';
          return q.body.total;
        },
        { timeout: 240_000, interval: 2000 },
      )
      .toBeGreaterThanOrEqual(1);
    const { context, page } = await s.loggedIn('demo-officer', '/review');
    await mapReady(page);
    const frame = page.locator('.review-frame[data-boxes]');
    await frame.waitFor({ timeout: 120_000 });
    expect(Number(await frame.getAttribute('data-boxes'))).toBeGreaterThanOrEqual(1);
    // The photo itself loaded over the session cookie (a plain <img>, no Authorization header).
    await expect
      .poll(() => page.locator('[data-testid=review-image]').evaluate((i) => (i as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    expect(await page.locator('.review-queue-item.active').getAttribute('data-incident')).toBe(incidentId);
    expect(await page.locator('.review-info h2').innerText()).toContain('秸秆焚烧');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (
              window as never as { xunchaMap: { querySourceFeatures(id: string): unknown[] } }
            ).xunchaMap.querySourceFeatures('spot').length,
        ),
      )
      .toBeGreaterThanOrEqual(2);
    expect(await page.locator('.shortcuts kbd').allTextContents()).toEqual([
      'Y / Enter',
      'N / Delete',
      '1 2 3',
      'J / →',
      'K / ←',
    ]);
    await shotAndAxe(page, 'review');
    // The reject dialog asks for a reason and can be cancelled without deciding anything.
    await page.keyboard.press('n');
    await page.locator('dialog[open] select[name=reason]').waitFor();
    await page.locator('dialog[open] button[value=cancel]').click();
    // Confirm with the keyboard: the case is filed and the incident leaves the queue.
    await page.keyboard.press('y');
    const filed = page.locator('.toast-ok').filter({ hasText: '已立案' });
    await filed.waitFor({ timeout: 60_000 });
    const inc = await s.api('demo-officer', 'GET', `/api/incidents/${incidentId}`);
    expect(inc.body).toMatchObject({ reviewState: 'confirmed', reviewedBy: expect.any(String) });
    reviewedId = incidentId;
    const caseId = inc.body.caseId as string;
    expect(await filed.innerText()).toContain(caseId);
    const c = await s.api('demo-officer', 'GET', `/api/cases/${caseId}`);
    expect(c.status).toBe(200);
    expect(c.body.case).toMatchObject({ category: 'straw_burning', state: 'new' });
    await page.locator('.review-queue-item').first().waitFor({ state: 'detached', timeout: 30_000 });
    // The toast leads to the case.
    await filed.getByRole('button', { name: '查看案件' }).click();
    await page.locator('.case-detail h2').filter({ hasText: caseId }).waitFor({ timeout: 120_000 });
    // The case shows its evidence: the crops of the fire's detections, loaded over the session cookie.
    const crop = page.locator('[data-testid=case-evidence] img').first();
    await crop.waitFor({ timeout: 60_000 });
    await expect.poll(() => crop.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await context.close();
  });

  it('研判 Review: filters the queue by status, class, confidence and flight, as the review API counts them', async () => {
    expect(reviewedId).not.toBe('');
    const { context, page } = await s.loggedIn('demo-officer', '/review?state=confirmed');
    await mapReady(page);
    const filters = page.locator('[data-testid=review-filters]');
    const title = page.locator('.review-queue-title');
    const count = async () => Number((await title.innerText()).match(/(\d+)\s*件/)?.[1] ?? NaN);
    const apiTotal = async (q: string) =>
      (await s.api('demo-officer', 'GET', `/api/incidents?${q}`)).body.total as number;
    // Deep link: the confirmed incident from the review test, and its decisions are not offered again.
    await page.locator(`.review-queue-item[data-incident="${reviewedId}"]`).waitFor({ timeout: 60_000 });
    expect(await count()).toBe(await apiTotal('state=confirmed'));
    expect(await page.locator('.review-bar [data-command=confirm]').isDisabled()).toBe(true);
    // Another class: nothing of the fire.
    await filters.getByLabel('类别').selectOption('sewage_outfall');
    await expect.poll(count, { timeout: 30_000 }).toBe(await apiTotal('state=confirmed&class=sewage_outfall'));
    expect(page.url()).toContain('class=sewage_outfall');
    await filters.getByLabel('类别').selectOption('straw_burning');
    await page.locator(`.review-queue-item[data-incident="${reviewedId}"]`).waitFor({ timeout: 30_000 });
    // A confidence threshold above the fire's drops it.
    const conf = (await s.api('demo-officer', 'GET', `/api/incidents/${reviewedId}`)).body.confidence as number;
    const above = Math.min(100, Math.floor(conf * 100) + 1);
    await filters.getByLabel('最低置信度 (%)').fill(String(above));
    await filters.getByLabel('最低置信度 (%)').press('Enter');
    await expect
      .poll(count, { timeout: 30_000 })
      .toBe(await apiTotal(`state=confirmed&class=straw_burning&minScore=${above / 100}`));
    expect(await page.locator(`.review-queue-item[data-incident="${reviewedId}"]`).count()).toBe(0);
    await filters.getByLabel('最低置信度 (%)').fill('');
    await filters.getByLabel('最低置信度 (%)').press('Enter');
    await page.locator(`.review-queue-item[data-incident="${reviewedId}"]`).waitFor({ timeout: 30_000 });
    // The fleet test's flight is offered by drone and time; the uploaded fire photos belong to no flight.
    const flights = (await s.api('demo-officer', 'GET', `/api/drones/${droneId}/flights`)).body.items as Array<{
      id: string;
    }>;
    expect(flights.length).toBeGreaterThan(0);
    const flightSel = filters.getByLabel('架次');
    await expect.poll(() => flightSel.locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await flightSel.locator('option').nth(1).innerText()).toContain('巡查一号');
    await flightSel.selectOption(flights[0]!.id);
    await expect
      .poll(count, { timeout: 30_000 })
      .toBe(await apiTotal(`state=confirmed&class=straw_burning&flightId=${flights[0]!.id}`));
    expect(await page.locator(`.review-queue-item[data-incident="${reviewedId}"]`).count()).toBe(0);
    // Every state: the count is the API's.
    await flightSel.selectOption('');
    await filters.getByLabel('状态').selectOption('all');
    await expect.poll(count, { timeout: 30_000 }).toBe(await apiTotal('class=straw_burning'));
    await shotAndAxe(page, 'review-filters');
    await context.close();
  });

  it('案件 Cases: takes a case through accept → dispatch → start → resolve → verify → close, each role seeing only its actions', async () => {
    const filed = await s.api('demo-dispatcher', 'POST', '/api/cases', {
      category: 'sewage_outfall',
      position: { type: 'Point', coordinates: [HOME[0] + 0.004, HOME[1] - 0.001] },
      source: 'hotline',
      severity: 'urgent',
      description: '12345 热线：龙泉溪有污水直排 / hotline: sewage into the river',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = filed.body.case.id as string;
    expect(filed.body.case.departmentId).toBe('dept-ecology');
    // Another open case, so that the search below has one to leave out (this test runs alone too).
    const other = await s.api('demo-dispatcher', 'POST', '/api/cases', {
      category: 'exposed_slope',
      position: { type: 'Point', coordinates: [HOME[0] + 0.002, HOME[1] + 0.004] },
      source: 'hotline',
      description: '12345 热线：山坡开挖后裸露 / hotline: a hillside left bare after digging',
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const dispatcher = await s.loggedIn('demo-dispatcher', `/cases/${id}`);
    const officer = await s.loggedIn('demo-officer', `/cases/${id}`);
    const act = async (page: Page, action: string, state: string) => {
      const actions = page.locator('[data-testid=case-actions]');
      await actions.locator(`[data-action=${action}]`).click();
      await confirmDialog(page);
      await page
        .locator('.case-detail .badge[data-state]')
        .first()
        .and(page.locator(`[data-state=${state}]`))
        .waitFor({ timeout: 120_000 });
    };
    const actionsOf = async (page: Page) => {
      await page.reload();
      await page.locator('.case-detail h2').filter({ hasText: id }).waitFor({ timeout: 120_000 });
      return page
        .locator('[data-testid=case-actions] [data-action]')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.action));
    };
    expect(await actionsOf(dispatcher.page)).toEqual(['accept', 'reject']);
    expect(await actionsOf(officer.page)).toEqual(['reject']);
    await mapReady(dispatcher.page);
    await shotAndAxe(dispatcher.page, 'cases');
    // The search asks the service (id, address, description): the hotline's words find this case alone.
    const search = dispatcher.page.locator('.cases-side input[type=search]');
    const listed = () => dispatcher.page.locator('.cases-side .list .case-row .id').allInnerTexts();
    await search.fill('龙泉溪有污水');
    await expect.poll(listed, { timeout: 30_000 }).toEqual([id]);
    await search.fill('');
    await expect.poll(async () => (await listed()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    // Other people's changes reach the dispatcher's list and pins in place: a look-up of the changed case, never the
    // whole map answer again.
    const mapLoads = { full: 0, lookUps: 0 };
    dispatcher.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/cases/map') mapLoads[u.searchParams.has('ids') ? 'lookUps' : 'full']++;
    });
    const pinState = (caseId: string) =>
      dispatcher.page.evaluate(async (cid) => {
        type Data = { features: Array<{ properties: Record<string, unknown> | null }> };
        const m = (window as never as { xunchaMap: { getSource(id: string): { getData(): Promise<Data> } } }).xunchaMap;
        const d = await m.getSource('cases').getData();
        return (d.features.find((f) => f.properties?.id === cid)?.properties?.state as string | undefined) ?? null;
      }, caseId);
    const rowState = (caseId: string) =>
      dispatcher.page
        .locator('.cases-side .list .case-row')
        .filter({ has: dispatcher.page.locator('.id', { hasText: caseId }) })
        .locator('.badge[data-state]')
        .getAttribute('data-state', { timeout: 1000 })
        .catch(() => null);
    const smoke = await s.api('demo-officer', 'POST', '/api/cases', {
      category: 'straw_burning',
      position: { type: 'Point', coordinates: [HOME[0] - 0.006, HOME[1] + 0.003] },
      source: 'grid_worker',
      description: '网格员：田边冒烟 / grid worker: smoke by the field',
    });
    expect(smoke.status, JSON.stringify(smoke.body)).toBe(201);
    const smokeId = smoke.body.case.id as string;
    await expect.poll(() => rowState(smokeId), { timeout: 30_000 }).toBe('new');
    await expect.poll(() => pinState(smokeId), { timeout: 30_000 }).toBe('new');
    const accepted = await s.api('demo-dispatcher', 'POST', `/api/cases/${smokeId}/transitions`, { action: 'accept' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await expect.poll(() => rowState(smokeId), { timeout: 30_000 }).toBe('accepted');
    await expect.poll(() => pinState(smokeId), { timeout: 30_000 }).toBe('accepted');
    // Rejected: out of the open cases, so off the list and the map.
    const rejected = await s.api('demo-officer', 'POST', `/api/cases/${smokeId}/transitions`, { action: 'reject' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    await expect.poll(() => pinState(smokeId), { timeout: 30_000 }).toBeNull();
    expect(await rowState(smokeId)).toBeNull();
    expect(await listed()).toContain(id);
    expect(mapLoads.full).toBe(0);
    expect(mapLoads.lookUps).toBeGreaterThanOrEqual(3);
    // The officer's open case follows the dispatcher's changes live, and never blanks to "loading" meanwhile.
    await officer.page.evaluate(() => {
      const w = window as unknown as { blanked: boolean };
      w.blanked = false;
      new MutationObserver(() => {
        if (!document.querySelector('.case-detail > h2')) w.blanked = true;
      }).observe(document.querySelector('.case-detail')!, { childList: true, subtree: true });
    });
    await act(dispatcher.page, 'accept', 'accepted');
    await act(dispatcher.page, 'dispatch', 'dispatched');
    await officer.page
      .locator('.case-detail .badge[data-state]')
      .first()
      .and(officer.page.locator('[data-state=dispatched]'))
      .waitFor({ timeout: 30_000 });
    expect(await officer.page.evaluate(() => (window as unknown as { blanked: boolean }).blanked)).toBe(false);
    // Dispatched: the resolve deadline the service set, in China time, said to be estimated when it falls in a year
    // whose holidays are not entered yet (late December, before next year is published).
    const due = (await s.api('demo-officer', 'GET', `/api/cases/${id}`)).body.case;
    const china = new Date(Date.parse(due.resolveDueAt) + 8 * 3_600_000).toISOString();
    const estimated = due.resolveDueEstimated ? ' （按周一至周五估算：该年节假日安排尚未录入）' : '';
    await expect
      .poll(() => officer.page.locator('[data-testid=case-resolve-due]').innerText(), { timeout: 30_000 })
      .toBe(`${china.slice(0, 10).replaceAll('-', '/')} ${china.slice(11, 16)}${estimated}`);
    expect(await actionsOf(officer.page)).toEqual(['start', 'return']);
    await act(officer.page, 'start', 'in_progress');
    await act(officer.page, 'resolve', 'resolved');
    expect(await actionsOf(dispatcher.page)).toEqual(['reopen']);
    await act(officer.page, 'verify', 'verified');
    expect(await actionsOf(dispatcher.page)).toEqual(['close', 'reopen']);
    await act(dispatcher.page, 'close', 'closed');
    const timeline = dispatcher.page.locator('[data-testid=case-timeline] li');
    await expect.poll(() => timeline.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(7);
    // People read names, not ids: the lead department by its name, each step by who took it.
    const dept = await s.api('demo-dispatcher', 'GET', '/api/departments/dept-ecology');
    expect(dept.status).toBe(200);
    await expect
      .poll(() => dispatcher.page.locator('[data-testid=case-department]').innerText(), { timeout: 30_000 })
      .toBe(dept.body.name);
    const steps = await timeline.allInnerTexts();
    const dispatcherId = (await s.api('demo-dispatcher', 'GET', '/api/auth/me')).body.user.id as string;
    const officerId = (await s.api('demo-officer', 'GET', '/api/auth/me')).body.user.id as string;
    expect(steps.find((x) => x.startsWith('受理'))).toContain('演示调度员');
    expect(steps.find((x) => x.startsWith('派遣'))).toContain(dept.body.name);
    expect(steps.find((x) => x.startsWith('开始处置'))).toContain('演示执法人员');
    expect(steps.join('\n')).not.toContain(dispatcherId);
    expect(steps.join('\n')).not.toContain(officerId);
    await dispatcher.page.screenshot({ path: path.join(artifactsDir, 'case-timeline.png') });
    // A note is required to reopen: the dialog refuses an empty one.
    await dispatcher.page.locator('[data-testid=case-actions] [data-action=reopen]').click();
    await dispatcher.page.locator('dialog[open] button[type=submit]').click();
    expect(await dispatcher.page.locator('dialog[open] .form-error').textContent()).toBe('此操作需要填写说明');
    await dispatcher.page.locator('dialog[open] button[value=cancel]').click();
    await dispatcher.context.close();
    await officer.context.close();
  });

  it('统计 Stats: shows closure and on-time rates and exports the CSV', async () => {
    const { context, page } = await s.loggedIn('demo-dispatcher', '/stats');
    const kpis = page.locator('[data-testid=stats-kpis]');
    await kpis.waitFor({ timeout: 120_000 });
    expect(Number(await kpis.locator('.kpi b').first().innerText())).toBeGreaterThanOrEqual(1);
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(2);
    // Detections by class per day: the review test's fire photos (taken 2026-10-20 by their EXIF time).
    await page.getByLabel('开始', { exact: true }).fill('2026-10-01');
    await page.getByRole('button', { name: '查询' }).click();
    const chart = page.locator('[data-testid=detection-chart]');
    await chart.locator('svg').waitFor({ timeout: 60_000 });
    expect(await page.locator('figure.chart svg').count()).toBe(3);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const det = await s.api('demo-dispatcher', 'GET', `/api/stats/detections?from=2026-10-01&to=${today}`);
    const fires = (det.body.rows as Array<{ day: string; class: string; detections: number }>).filter(
      (r) => r.class === 'straw_burning',
    );
    expect(fires.length).toBeGreaterThanOrEqual(1);
    const titles = await chart.locator('rect title').allTextContents();
    for (const r of fires) expect(titles).toContain(`${r.day} 秸秆焚烧: ${r.detections}`);
    expect(await chart.locator('rect title').first().textContent()).toMatch(/秸秆焚烧: \d+/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export=csv]').click()]);
    expect(download.suggestedFilename()).toMatch(/^case-stats-.*\.csv$/);
    expect(readFileSync((await download.path())!, 'utf8').length).toBeGreaterThan(50);
    await shotAndAxe(page, 'stats');
    await context.close();
  });

  it("日历 Calendar: an admin enters next year's holidays and publishes them; a dispatcher reads them", async () => {
    // Next year (China time) is past the calendar shipped with Xuncha: deadlines there are estimated until entered.
    const next = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)) + 1;
    const before = await s.api('demo-admin', 'GET', `/api/calendar/${next}`);
    expect(before.body).toMatchObject({ published: false, days: [] });
    const { context, page } = await s.loggedIn('demo-admin', '/calendar');
    await page.locator('[data-testid=calendar-year]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: /下一年/ }).click();
    await expect.poll(() => page.locator('[data-testid=calendar-year]').innerText()).toBe(String(next));
    expect(await page.locator('[data-testid=calendar-status]').innerText()).toContain('尚未录入');
    const day = (d: string) => page.locator(`button[data-day="${next}-${d}"]`);
    const name = page.getByLabel('名称（如 春节）');
    // One day, then a range by Shift-click (picked from its end backwards), then an adjusted working day.
    await day('01-01').click();
    await name.fill('元旦');
    await page.getByRole('button', { name: '设为放假' }).click();
    await day('02-13').click();
    await day('02-07').click({ modifiers: ['Shift'] });
    expect(await page.locator('[data-testid=calendar-selection]').innerText()).toContain('共 7 天');
    await name.fill('春节');
    await page.getByRole('button', { name: '设为放假' }).click();
    await day('02-20').click();
    await page.getByRole('button', { name: '设为调休上班' }).click();
    expect(await day('02-10').getAttribute('data-kind')).toBe('holiday');
    expect(await page.locator('[data-testid=calendar-overrides] li').count()).toBe(9);
    await page.getByRole('button', { name: `保存并发布 ${next} 年安排` }).click();
    expect(await page.locator('dialog[open]').innerText()).toContain('9 个调整日');
    await confirmDialog(page);
    await page
      .locator('.toast-ok')
      .filter({ hasText: `${next} 年工作日历已发布` })
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('[data-testid=calendar-status]').innerText()).toContain('已发布');
    const after = await s.api('demo-admin', 'GET', `/api/calendar/${next}`);
    expect(after.body).toMatchObject({ published: true, source: 'admin' });
    expect(after.body.days).toEqual([
      { day: `${next}-01-01`, isWorkday: false, name: '元旦', source: 'admin' },
      ...dayRangeOf(`${next}-02-07`, 7).map((d) => ({ day: d, isWorkday: false, name: '春节', source: 'admin' })),
      { day: `${next}-02-20`, isWorkday: true, name: null, source: 'admin' },
    ]);
    await shotAndAxe(page, 'calendar');
    await context.close();

    const reader = await s.loggedIn('demo-dispatcher', `/calendar`);
    await reader.page.getByRole('button', { name: /下一年/ }).click();
    await expect.poll(() => reader.page.locator('[data-testid=calendar-year]').innerText()).toBe(String(next));
    expect(await reader.page.locator(`span.year-day[data-day="${next}-01-01"]`).getAttribute('data-kind')).toBe(
      'holiday',
    );
    expect(await reader.page.locator('button[data-day]').count()).toBe(0);
    expect(await reader.page.getByRole('button', { name: /保存并发布/ }).count()).toBe(0);
    await reader.context.close();
  });

  it('a session that ends while the page is open asks to log in again over the page', async () => {
    const { context, page } = await s.loggedIn('demo-dispatcher', '/stats');
    await page.locator('[data-testid=stats-kpis]').waitFor({ timeout: 120_000 });
    // The session is an HttpOnly cookie: the page's storage holds no token, and its scripts cannot read the cookie.
    const cookie = (await context.cookies()).find((c) => c.name === 'xuncha_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }) + document.cookie);
    expect(stored).not.toContain(cookie.value);
    await fetch(`${s.base}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${cookie.value}` } });
    await page.getByRole('button', { name: '查询' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.filter({ hasText: '登录已过期' }).waitFor({ timeout: 30_000 });
    await dialog.locator('input[name=password]').fill('xuncha-demo');
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached', timeout: 120_000 });
    expect(page.url()).toMatch(/\/stats$/);
    await context.close();
  });
});
