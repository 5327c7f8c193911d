/**
 * Issue 19.5: live streams a browser can use. A cookie session (HttpOnly, SameSite=Strict) that `EventSource`
 * sends by itself, with CSRF-protected changes; telemetry sent on change at a stated rate, not the same status five
 * times a second; case and mission changes streamed to those who may see them; every stream closed when its
 * session ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DroneLiveStatus } from '../../src/contract/drones.ts';
import type { DroneConnection, DroneConnectInfo, DroneLinkManager } from '../../src/drones/link-port.ts';
import { changeFeedOf } from '../../src/events/change-feed.ts';
import { startHarness, HARNESS_PASSWORD, type Harness } from './harness.ts';

/** A drone whose status the test pushes (the stream's input), nothing else. */
class PushedStatusLinks implements DroneLinkManager {
  private readonly listeners = new Set<(s: DroneLiveStatus) => void>();
  status: DroneLiveStatus = { connected: true, batteryPct: 90 };
  push(s: DroneLiveStatus): void {
    this.status = s;
    for (const l of this.listeners) l(s);
  }
  get(): DroneConnection {
    const refuse = async () => {
      throw new Error('not a flying drone');
    };
    return {
      status: () => this.status,
      subscribe: (l) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      },
      uploadMission: refuse,
      startMission: refuse,
      pauseMission: refuse,
      continueMission: refuse,
      setCurrentItem: refuse,
      returnToLaunch: refuse,
      close: async () => {},
    };
  }
  async connect(_d: DroneConnectInfo) {
    return this.get();
  }
  async disconnect() {}
  async closeAll() {}
}

interface SseEvent {
  event: string;
  data: unknown;
  at: number;
}

/** Opens a stream as a browser's EventSource would (no Authorization header; the cookie only). */
async function openStream(base: string, path: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  let ended = false;
  const done = (async () => {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch {
      /* aborted */
    }
    ended = true;
  })();
  return {
    res,
    events,
    isEnded: () => ended,
    async until(pred: () => boolean, ms = 8000) {
      const t0 = Date.now();
      while (!pred() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
      return pred();
    },
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

let h: Harness;
const links = new PushedStatusLinks();

beforeAll(async () => {
  h = await startHarness(undefined, { links });
});
afterAll(async () => {
  await h?.close();
});

async function cookieLogin(username: string) {
  const res = await fetch(`${h.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: HARNESS_PASSWORD, cookie: true }),
  });
  const body = (await res.json()) as { token: string; csrfToken: string };
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { body, setCookie, cookie: setCookie.split(';')[0]! };
}

describe('cookie sessions for the web app', () => {
  it('sets an HttpOnly, SameSite=Strict cookie; reads need nothing more, changes need the CSRF token', async () => {
    const { body, setCookie, cookie } = await cookieLogin('t-operator');
    expect(setCookie).toMatch(/^xuncha_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    const me = await fetch(`${h.base}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    const drone = { name: '饼干机', model: 'm3e', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:27921' };
    const post = (headers: Record<string, string>) =>
      fetch(`${h.base}/api/drones`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(drone),
      });
    const none = await post({});
    expect(none.status).toBe(403);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    expect((await post({ 'x-csrf-token': 'x'.repeat(43) })).status).toBe(403);
    expect((await post({ 'x-csrf-token': body.csrfToken })).status).toBe(201);
    const csrf = await fetch(`${h.base}/api/auth/csrf`, { headers: { cookie } });
    expect(((await csrf.json()) as { csrfToken: string }).csrfToken).toBe(body.csrfToken);
    // a bearer token needs no CSRF token: a browser never sends it by itself
    const bearer = await fetch(`${h.base}/api/drones`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body.token}` },
      body: JSON.stringify({ ...drone, name: '饼干机二' }),
    });
    expect(bearer.status).toBe(201);
  });
});

describe('live streams', () => {
  it('telemetry: on change only, at most maxHz, the rate stated first', async () => {
    const d = await h.call('POST', '/api/drones', {
      token: h.tokens.operator,
      body: { name: '遥测机', model: 'm3e', camera: 'm3e-wide', connection: 'tcp://127.0.0.1:27922' },
    });
    const { cookie } = await cookieLogin('t-operator');
    links.push({
      connected: true,
      batteryPct: 90,
      position: { type: 'Point', coordinates: [119.1, 28.0] },
      altRelM: 50,
    });
    const s = await openStream(h.base, `/api/drones/${d.body.id}/telemetry?maxHz=2`, { cookie });
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await s.until(() => s.events.length >= 2)).toBe(true);
    expect(s.events[0]).toMatchObject({ event: 'hello', data: { stream: 'telemetry', maxHz: 2, onChange: true } });
    expect(s.events[1]!.event).toBe('status');
    // the same status five times a second for a second: nothing new is sent
    for (let i = 0; i < 5; i++) {
      links.push({ ...links.status, updatedAt: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(s.events).toHaveLength(2);
    // ten changes in a burst: the first at once, the latest at the end of the period, none in between
    for (let i = 1; i <= 10; i++) links.push({ ...links.status, batteryPct: 90 - i });
    expect(await s.until(() => s.events.length >= 4)).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    const statuses = s.events.slice(2).map((e) => (e.data as { batteryPct: number }).batteryPct);
    expect(statuses).toEqual([89, 80]);
    expect(s.events[3]!.at - s.events[2]!.at).toBeGreaterThanOrEqual(400);
    expect(
      (await h.call('GET', `/api/drones/${d.body.id}/telemetry?maxHz=50`, { token: h.tokens.operator })).status,
    ).toBe(400);
    await s.close();
  });

  it('case and mission changes reach those who may see them, with the actor named', async () => {
    const disp = await cookieLogin('t-dispatcher');
    const all = await openStream(h.base, '/api/events', { cookie: disp.cookie });
    const { cookie: offCookie } = await cookieLogin('t-officer2');
    const other = await openStream(h.base, '/api/events?topics=cases', { cookie: offCookie });
    expect(await all.until(() => all.events.length >= 1)).toBe(true);
    expect(all.events[0]).toMatchObject({ event: 'hello', data: { stream: 'events', topics: ['cases', 'missions'] } });
    await changeFeedOf(h.t.db).ready();
    const filed = await h.call('POST', '/api/cases', {
      token: h.tokens.dispatcher,
      body: {
        category: 'straw_burning',
        position: { type: 'Point', coordinates: [119.14, 28.07] },
        source: 'hotline',
        description: '直播测试 / stream test',
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseId = filed.body.caseId as string;
    // a fire goes to the township office, assisted by ecology: not to the other officer's department (housing)
    expect(filed.body.case.departmentId).toBe('dept-township');
    expect(h.departments[1]).toBe('dept-housing');
    const acc = await h.call('POST', `/api/cases/${caseId}/transitions`, {
      token: h.tokens.dispatcher,
      body: { action: 'accept' },
    });
    expect(acc.status).toBe(200);
    expect(await all.until(() => all.events.filter((e) => e.event === 'case').length >= 2)).toBe(true);
    const cases = all.events.filter((e) => e.event === 'case').map((e) => e.data as Record<string, unknown>);
    expect(cases.map((c) => [c.caseId, c.kind, c.to])).toEqual([
      [caseId, 'file', 'new'],
      [caseId, 'transition', 'accepted'],
    ]);
    expect(cases[1]).toMatchObject({ action: 'accept', actorName: 't-dispatcher', from: 'new' });
    // a mission moving on
    await h.t.db.query(
      `INSERT INTO missions (id, state, items, department_id, updated_at) VALUES ('mission-stream', 'planned', '[]', $1, now())`,
      [h.departments[0]],
    );
    await h.t.db.query(`UPDATE missions SET state = 'uploading', updated_at = now() WHERE id = 'mission-stream'`);
    expect(await all.until(() => all.events.some((e) => e.event === 'mission'))).toBe(true);
    expect(all.events.find((e) => e.event === 'mission')!.data).toMatchObject({ missionId: 'mission-stream' });
    // the officer of the other department saw neither (and asked for cases only)
    await new Promise((r) => setTimeout(r, 1500));
    expect(other.events.map((e) => e.event)).toEqual(['hello']);
    await all.close();
    await other.close();
  });

  it('every stream closes when its session ends', async () => {
    const { cookie, body } = await cookieLogin('t-operator');
    const s = await openStream(h.base, '/api/events', { cookie });
    expect(await s.until(() => s.events.length >= 1)).toBe(true);
    const out = await fetch(`${h.base}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^xuncha_session=; .*Max-Age=0/);
    expect(await s.until(() => s.isEnded())).toBe(true);
    expect(s.events.at(-1)).toMatchObject({ event: 'session_ended' });
    expect((await fetch(`${h.base}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
    await s.close();
  });
});
