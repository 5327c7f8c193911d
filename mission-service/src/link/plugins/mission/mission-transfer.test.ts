import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.ts';
import { LinkError } from '../../errors.ts';
import { MavCmd, MavFrame, MavMissionResult as R, MavMissionType as T } from '../../mavlink/enums.ts';
import type { MissionItem } from './mission-items.ts';
import {
  MissionClear,
  MissionDownload,
  MissionUpload,
  type MissionOut,
  type TransferTiming,
} from './mission-transfer.ts';

const TIMING: TransferTiming = { timeoutMs: 1500, retries: 5 };

function item(i: number): MissionItem {
  return {
    frame: MavFrame.GLOBAL_RELATIVE_ALT_INT,
    command: MavCmd.NAV_WAYPOINT,
    autocontinue: 1,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: Number.NaN,
    x: 281_000_000 + i,
    y: 1_191_000_000 + i,
    z: 50 + i,
  };
}

function setup(timing = TIMING) {
  const clock = new FakeClock();
  const sent: MissionOut[] = [];
  const env = { clock, send: (m: MissionOut) => sent.push(m), timing };
  return { clock, sent, env };
}

function items(n: number): MissionItem[] {
  return Array.from({ length: n }, (_, i) => item(i));
}

const req = (seq: number, int = true, missionType: number = T.MISSION) => ({
  type: 'request' as const,
  seq,
  missionType,
  int,
});
const ack = (result: number, missionType: number = T.MISSION, opaqueId = 0) => ({
  type: 'ack' as const,
  result,
  missionType,
  opaqueId,
});

async function rejection(p: Promise<unknown>): Promise<LinkError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LinkError);
    return e as LinkError;
  }
  throw new Error('expected rejection');
}

describe('MissionUpload', () => {
  it('sends the count, answers MISSION_REQUEST and MISSION_REQUEST_INT with items, and finishes on ack', async () => {
    const { sent, env } = setup();
    const progress: number[] = [];
    const up = new MissionUpload(env, items(3), 0, (n) => progress.push(n));
    up.start();
    expect(sent).toEqual([{ type: 'count', count: 3, missionType: T.MISSION }]);
    up.handle(req(0, false)); // ArduPilot's old MISSION_REQUEST
    up.handle(req(1, true));
    up.handle(req(2, true));
    expect(sent.slice(1).map((m) => (m.type === 'item' ? m.seq : -1))).toEqual([0, 1, 2]);
    expect(sent[1]).toMatchObject({ type: 'item', item: item(0) });
    up.handle(ack(R.ACCEPTED, T.MISSION, 77));
    await expect(up.done).resolves.toMatchObject({ acked: true, opaqueId: 77 });
    expect(progress).toEqual([1, 2, 3]);
  });

  it('resends MISSION_COUNT every timeout and fails with timeout when the vehicle never answers', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    clock.advance(1499);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toHaveLength(2);
    clock.advance(1500 * 4);
    expect(sent.filter((m) => m.type === 'count')).toHaveLength(6); // first + 5 retries
    expect(up.isFinished).toBe(false);
    clock.advance(1500);
    const e = await rejection(up.done);
    expect(e.result).toBe('timeout');
    expect(e.message).toContain('MISSION_COUNT');
    expect(clock.pending).toBe(0);
  });

  it('uses the per-link timing (slow radio: 4 s, 2 retries)', async () => {
    const { clock, sent, env } = setup({ timeoutMs: 4000, retries: 2 });
    const up = new MissionUpload(env, items(1), 0);
    up.start();
    clock.advance(3999);
    expect(sent).toHaveLength(1);
    clock.advance(1 + 4000 * 2);
    expect(sent).toHaveLength(3);
    expect((await rejection(up.done)).result).toBe('timeout');
  });

  it('times out when request 0 never comes after the count (resending the count meanwhile)', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    clock.advance(1500 * 6);
    expect(sent.every((m) => m.type === 'count')).toBe(true);
    expect((await rejection(up.done)).result).toBe('timeout');
  });

  it('resends the last item when request 1 never comes, then fails naming the item', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500 * 5);
    expect(sent.filter((m) => m.type === 'item' && m.seq === 0)).toHaveLength(6);
    clock.advance(1500);
    const e = await rejection(up.done);
    expect(e.result).toBe('timeout');
    expect(e.seq).toBe(1);
  });

  it('recovers when a lost item is re-requested (retry budget resets on progress)', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500 * 4); // four resends of item 0, no request yet
    up.handle(req(1));
    clock.advance(1500 * 4);
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('ignores a leftover request of an earlier transfer until the vehicle takes the new count (ArduPilot)', async () => {
    const { sent, env } = setup();
    const up = new MissionUpload(env, items(3), T.MISSION);
    up.start();
    // ArduPilot still re-requests item 41 of a transfer the operator cancelled; it restarts on our count.
    expect(up.handle(req(41))).toBe(true);
    expect(up.handle(req(2))).toBe(true);
    expect(sent.filter((m) => m.type === 'item')).toEqual([]);
    for (const s of [0, 1, 2]) up.handle(req(s));
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true, stats: { ignored: 2 } });
  });

  it.each([
    ['request 1 skipped (vehicle asks for 2 after 0)', [0, 2]],
    ['request 2 skipped (vehicle asks for 3 after 1)', [0, 1, 3]],
    ['request beyond the count', [0, 1, 2, 3]],
  ])('fails with MAV_MISSION_INVALID_SEQUENCE on a wrong sequence: %s', async (_name, seqs) => {
    const { sent, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    for (const s of seqs) up.handle(req(s));
    const e = await rejection(up.done);
    expect(e.result).toBe('mission_error');
    expect(e.missionResult).toBe('MAV_MISSION_INVALID_SEQUENCE');
    // The vehicle is told to drop its half-finished transfer.
    expect(sent.at(-1)).toEqual({ type: 'ack', result: R.INVALID_SEQUENCE, missionType: T.MISSION });
  });

  it.each([
    ['on the count', [], 4, 'MAV_MISSION_NO_SPACE'],
    ['after request 0', [0], 5, 'MAV_MISSION_INVALID'],
    ['after request 1', [0, 1], 2, 'MAV_MISSION_UNSUPPORTED_FRAME'],
    ['as the final ack', [0, 1, 2], 14, 'MAV_MISSION_DENIED'],
  ])('maps an error ack %s to a mission_error naming the MAV_MISSION result', async (_n, seqs, code, name) => {
    const { env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    for (const s of seqs) up.handle(req(s));
    up.handle(ack(code));
    const e = await rejection(up.done);
    expect(e.result).toBe('mission_error');
    expect(e.missionResult).toBe(name);
    expect(e.httpStatus).toBe(422);
  });

  it('reports a missing final ack as unacknowledged (the caller verifies by download), after resending the last item', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    up.handle(req(1));
    clock.advance(1500 * 6);
    await expect(up.done).resolves.toMatchObject({ acked: false, opaqueId: 0 });
    expect(sent.filter((m) => m.type === 'item' && m.seq === 1)).toHaveLength(6);
  });

  it('leaves it to verification when an error ack answers our repeat of the last item', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    up.handle(req(1));
    clock.advance(1500);
    up.handle(ack(R.ERROR));
    await expect(up.done).resolves.toMatchObject({ acked: false });
  });

  it('still fails on a specific error result after a repeat of the last item', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    up.handle(req(1));
    clock.advance(1500);
    up.handle(ack(R.NO_SPACE));
    expect((await rejection(up.done)).missionResult).toBe('MAV_MISSION_NO_SPACE');
  });

  it('fails when the vehicle acks before all items were requested', async () => {
    const { env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    up.handle(ack(R.ACCEPTED));
    const e = await rejection(up.done);
    expect(e.result).toBe('failed');
    expect(e.message).toContain('1 of 3');
  });

  it('answers duplicate and stale out-of-order requests again without counting them as progress', async () => {
    const { sent, env } = setup();
    const progress: number[] = [];
    const up = new MissionUpload(env, items(3), 0, (n) => progress.push(n));
    up.start();
    for (const s of [0, 0, 1, 0, 2, 1]) up.handle(req(s));
    up.handle(ack(R.ACCEPTED));
    const out = await up.done;
    expect(out.stats.duplicates).toBe(3);
    expect(sent.filter((m) => m.type === 'item').map((m) => (m as { seq: number }).seq)).toEqual([0, 0, 1, 0, 2, 1]);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('ignores an INVALID_SEQUENCE ack provoked by its own resend of an item the vehicle already had', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500); // request 1 was lost: we resend item 0
    up.handle(ack(R.INVALID_SEQUENCE));
    up.handle(req(1));
    up.handle(req(2));
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('still ignores that INVALID_SEQUENCE when it arrives late, after the next request (reordered link)', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500);
    up.handle(req(1));
    up.handle(ack(R.INVALID_SEQUENCE));
    up.handle(req(2));
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('sends the next item at once when INVALID_SEQUENCE answers its resend (the request was lost), at most once per timeout', async () => {
    const { clock, sent, env } = setup();
    const progress: number[] = [];
    const up = new MissionUpload(env, items(3), 0, (n) => progress.push(n));
    up.start();
    up.handle(req(0));
    clock.advance(1500); // request 1 lost: resend item 0
    up.handle(ack(R.INVALID_SEQUENCE)); // vehicle already had 0
    up.handle(ack(R.INVALID_SEQUENCE)); // a second one within the timeout: no second speculative send
    expect(sent.filter((m) => m.type === 'item').map((m) => (m as { seq: number }).seq)).toEqual([0, 0, 1]);
    up.handle(req(2)); // vehicle took item 1 and asks for 2
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
    expect(progress).toEqual([1, 3]);
  });

  it('succeeds when the speculatively sent last item is acknowledged', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500);
    up.handle(ack(R.INVALID_SEQUENCE));
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('leaves it to verification when the last item went out ahead and an error ack follows (vehicle done, ack lost)', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(2), 0);
    up.start();
    up.handle(req(0));
    clock.advance(1500);
    up.handle(ack(R.INVALID_SEQUENCE)); // -> item 1 sent ahead; the vehicle completes, its ACCEPTED is lost
    clock.advance(1500); // resend of item 0 and of the last item
    expect(sent.slice(-2)).toMatchObject([
      { type: 'item', seq: 0 },
      { type: 'item', seq: 1 },
    ]);
    up.handle(ack(R.ERROR)); // vehicle with no transfer answers the stray item 0 with ERROR
    await expect(up.done).resolves.toMatchObject({ acked: false });
  });

  it('carries on after INVALID_SEQUENCE for a duplicated item, and times out if the vehicle then stops', async () => {
    const { clock, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    up.handle(ack(R.INVALID_SEQUENCE));
    up.handle(req(1));
    clock.advance(1500 * 6);
    const e = await rejection(up.done);
    expect(e.result).toBe('timeout');
    expect(e.seq).toBe(2);
  });

  it('ignores requests and acks of another mission type, and a late ACCEPTED before any request', async () => {
    const { sent, env } = setup();
    const up = new MissionUpload(env, items(1), 0);
    up.start();
    expect(up.handle(req(0, true, 1))).toBe(false); // fence request
    expect(up.handle(ack(R.ACCEPTED))).toBe(false); // stale ack of an earlier upload
    expect(sent).toHaveLength(1);
    up.handle(req(0));
    up.handle(ack(R.UNSUPPORTED, T.RALLY)); // rally error ack: not ours
    up.handle(ack(R.ACCEPTED));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('uploads an empty list (count 0, then ack) — that is how a mission type is emptied', async () => {
    const { sent, env } = setup();
    const up = new MissionUpload(env, [], 1);
    up.start();
    expect(sent).toEqual([{ type: 'count', count: 0, missionType: T.FENCE }]);
    up.handle(ack(R.ACCEPTED, T.FENCE));
    await expect(up.done).resolves.toMatchObject({ acked: true });
  });

  it('on cancel tells the vehicle (OPERATION_CANCELLED) and rejects; later messages are not consumed', async () => {
    const { clock, sent, env } = setup();
    const up = new MissionUpload(env, items(3), 0);
    up.start();
    up.handle(req(0));
    up.cancel(new LinkError('cancelled', 'user'));
    expect(sent.at(-1)).toEqual({ type: 'ack', result: R.OPERATION_CANCELLED, missionType: T.MISSION });
    expect((await rejection(up.done)).result).toBe('cancelled');
    expect(up.handle(req(1))).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('does not react before start()', () => {
    const { sent, env } = setup();
    const up = new MissionUpload(env, items(1), 0);
    expect(up.handle(ack(R.ACCEPTED))).toBe(false);
    expect(up.handle(req(0))).toBe(false);
    expect(sent).toHaveLength(0);
  });
});

describe('MissionDownload', () => {
  const itemMsg = (seq: number, missionType = 0) => ({ type: 'item' as const, seq, item: item(seq), missionType });
  const count = (n: number, opaqueId = 0, missionType = 0) => ({
    type: 'count' as const,
    count: n,
    missionType,
    opaqueId,
  });

  it('requests the list, then each item with MISSION_REQUEST_INT, and acks at the end', async () => {
    const { sent, env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(count(2, 9));
    dl.handle(itemMsg(0));
    dl.handle(itemMsg(1));
    const out = await dl.done;
    expect(out.items).toEqual([item(0), item(1)]);
    expect(out.opaqueId).toBe(9);
    expect(sent).toEqual([
      { type: 'requestList', missionType: T.MISSION },
      { type: 'request', seq: 0, missionType: T.MISSION },
      { type: 'request', seq: 1, missionType: T.MISSION },
      { type: 'ack', result: R.ACCEPTED, missionType: T.MISSION },
    ]);
  });

  it('resends the request list and fails with timeout when nobody answers', async () => {
    const { clock, sent, env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    clock.advance(1500 * 6);
    expect(sent.filter((m) => m.type === 'requestList')).toHaveLength(6);
    const e = await rejection(dl.done);
    expect(e.result).toBe('timeout');
    expect(e.message).toContain('MISSION_REQUEST_LIST');
  });

  it.each([0, 1])('re-requests item %i and times out when it never comes', async (missing) => {
    const { clock, sent, env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(count(3));
    for (let s = 0; s < missing; s++) dl.handle(itemMsg(s));
    clock.advance(1500 * 6);
    expect(sent.filter((m) => m.type === 'request' && m.seq === missing)).toHaveLength(6);
    const e = await rejection(dl.done);
    expect(e.result).toBe('timeout');
    expect(e.seq).toBe(missing);
  });

  it.each([
    ['item 1 instead of 0', [1]],
    ['item 2 instead of 1', [0, 2]],
  ])('fails on a wrong sequence: %s', async (_n, seqs) => {
    const { sent, env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(count(3));
    for (const s of seqs) dl.handle(itemMsg(s));
    const e = await rejection(dl.done);
    expect(e.missionResult).toBe('MAV_MISSION_INVALID_SEQUENCE');
    expect(sent.at(-1)).toMatchObject({ type: 'ack', result: R.INVALID_SEQUENCE });
  });

  it.each([
    ['ERROR before the count', R.ERROR, false, 'MAV_MISSION_ERROR'],
    ['ERROR after the count', R.ERROR, true, 'MAV_MISSION_ERROR'],
    ['INVALID_SEQUENCE before the count', R.INVALID_SEQUENCE, false, 'MAV_MISSION_INVALID_SEQUENCE'],
    ['INVALID_SEQUENCE after the count', R.INVALID_SEQUENCE, true, 'MAV_MISSION_INVALID_SEQUENCE'],
  ])(
    'asks again on an %s ack (it may answer a stray upload item) and fails when it comes again',
    async (_n, result, afterCount, name) => {
      const { sent, env } = setup();
      const dl = new MissionDownload(env, 0);
      dl.start();
      if (afterCount) dl.handle(count(3));
      const before = sent.length;
      dl.handle(ack(result));
      expect(sent.slice(before)).toEqual([
        afterCount
          ? { type: 'request', seq: 0, missionType: T.MISSION }
          : { type: 'requestList', missionType: T.MISSION },
      ]);
      dl.handle(ack(result));
      const e = await rejection(dl.done);
      expect(e.result).toBe('mission_error');
      expect(e.missionResult).toBe(name);
    },
  );

  it('fails at once on a refusal no stray item provokes (DENIED)', async () => {
    const { env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(ack(R.DENIED));
    expect((await rejection(dl.done)).missionResult).toBe('MAV_MISSION_DENIED');
  });

  it('carries on past a late error ack of the upload before it, and lets one pass again after progress', async () => {
    const { env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(ack(R.INVALID_SEQUENCE));
    dl.handle(count(2));
    dl.handle(ack(R.ERROR));
    dl.handle(itemMsg(0));
    dl.handle(ack(R.INVALID_SEQUENCE));
    dl.handle(itemMsg(0));
    dl.handle(itemMsg(1));
    const out = await dl.done;
    expect(out.items).toEqual([item(0), item(1)]);
    expect(out.stats.ignored).toBe(3);
  });

  it('drops duplicate counts and items, and late ACCEPTED acks', async () => {
    const { env } = setup();
    const dl = new MissionDownload(env, 0);
    dl.start();
    dl.handle(count(2));
    dl.handle(count(2));
    dl.handle(itemMsg(0));
    dl.handle(itemMsg(0));
    dl.handle(ack(R.ACCEPTED));
    dl.handle(itemMsg(1));
    const out = await dl.done;
    expect(out.items).toHaveLength(2);
    expect(out.stats.duplicates).toBe(2);
  });

  it('skips the transfer when opaque_id matches the cached plan', async () => {
    const { sent, env } = setup();
    const dl = new MissionDownload(env, 0, { knownOpaqueId: 1234 });
    dl.start();
    dl.handle(count(50, 1234));
    await expect(dl.done).resolves.toMatchObject({ skipped: true, opaqueId: 1234 });
    expect(sent.map((m) => m.type)).toEqual(['requestList', 'ack']);
  });

  it('does not skip on opaque_id 0 (vehicle without support) or a changed id', async () => {
    for (const id of [0, 99]) {
      const { sent, env } = setup();
      const dl = new MissionDownload(env, 0, { knownOpaqueId: id === 0 ? 0 : 1234 });
      dl.start();
      dl.handle(count(1, id));
      expect(sent.at(-1)).toEqual({ type: 'request', seq: 0, missionType: T.MISSION });
      dl.handle(itemMsg(0));
      await expect(dl.done).resolves.toMatchObject({ skipped: false });
    }
  });

  it('finishes at once for an empty mission and ignores other mission types', async () => {
    const { env } = setup();
    const dl = new MissionDownload(env, 2);
    dl.start();
    expect(dl.handle(count(5, 0, 0))).toBe(false);
    dl.handle(count(0, 0, 2));
    await expect(dl.done).resolves.toMatchObject({ items: [] });
  });
});

describe('MissionClear', () => {
  it('clears on ack, maps an error ack, times out after retries', async () => {
    const a = setup();
    const ok = new MissionClear(a.env, 0);
    ok.start();
    ok.handle(ack(R.ACCEPTED));
    await expect(ok.done).resolves.toBeUndefined();

    const b = setup();
    const bad = new MissionClear(b.env, 1);
    bad.start();
    bad.handle(ack(R.DENIED, T.FENCE));
    expect((await rejection(bad.done)).missionResult).toBe('MAV_MISSION_DENIED');

    const c = setup();
    const silent = new MissionClear(c.env, 0);
    silent.start();
    c.clock.advance(1500 * 6);
    expect(c.sent.filter((m) => m.type === 'clearAll')).toHaveLength(6);
    expect((await rejection(silent.done)).result).toBe('timeout');
  });
});
