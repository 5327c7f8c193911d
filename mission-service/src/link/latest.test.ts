import { describe, expect, it } from 'vitest';
import { EventStream, Latest } from './latest.ts';

describe('Latest', () => {
  it('keeps the latest value, notifies listeners and stops notifying after unsubscribe', () => {
    const l = new Latest<number>();
    const seen: number[] = [];
    const off = l.subscribe((v) => seen.push(v));
    l.set(1);
    l.set(2);
    off();
    l.set(3);
    expect(seen).toEqual([1, 2]);
    expect(l.value).toBe(3);
  });

  it('streams the current value then updates, coalescing to the newest, until aborted', async () => {
    const l = new Latest<number>();
    l.set(1);
    const ac = new AbortController();
    const it = l.stream({ signal: ac.signal })[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: 1 });
    l.set(2);
    l.set(3);
    expect(await it.next()).toEqual({ done: false, value: 3 });
    const pending = it.next();
    ac.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('waitFor resolves on a matching value and rejects on abort', async () => {
    const l = new Latest<string>();
    const p = l.waitFor((v) => v === 'b');
    l.set('a');
    l.set('b');
    await expect(p).resolves.toBe('b');
    const ac = new AbortController();
    const q = l.waitFor((v) => v === 'z', ac.signal);
    ac.abort(new Error('stop'));
    await expect(q).rejects.toThrow('stop');
  });

  it('a throwing listener does not stop the others', () => {
    const l = new Latest<number>();
    const seen: number[] = [];
    l.subscribe(() => {
      throw new Error('boom');
    });
    l.subscribe((v) => seen.push(v));
    l.set(5);
    expect(seen).toEqual([5]);
  });
});

describe('EventStream', () => {
  it('delivers every event in order to an async iterator', async () => {
    const s = new EventStream<number>();
    const ac = new AbortController();
    const it = s.stream({ signal: ac.signal })[Symbol.asyncIterator]();
    s.emit(1);
    s.emit(2);
    expect((await it.next()).value).toBe(1);
    expect((await it.next()).value).toBe(2);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('return() ends the iterator: queued events are dropped and a waiting next() finishes', async () => {
    const s = new EventStream<number>();
    const it = s.stream()[Symbol.asyncIterator]();
    const waiting = it.next();
    s.emit(1);
    expect(await waiting).toEqual({ done: false, value: 1 });
    const pending = it.next();
    await it.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    s.emit(2);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('a stream on an already aborted signal ends at once', async () => {
    const ac = new AbortController();
    ac.abort();
    const l = new Latest<number>();
    l.set(1);
    expect(await l.stream({ signal: ac.signal })[Symbol.asyncIterator]().next()).toEqual({
      done: true,
      value: undefined,
    });
  });
});
