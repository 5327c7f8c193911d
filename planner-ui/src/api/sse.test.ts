/**
 * The stream's reconnect logic, with a stand-in for the browser's EventSource (Node has none); the real one is
 * driven against the real service in tests/ui.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStream, reconnectDelayMs, type EventSourceLike, type StreamState } from './sse.ts';

class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  listeners = new Map<string, (e: MessageEvent<string>) => void>();
  closed = false;
  addEventListener(type: string, f: (e: MessageEvent<string>) => void): void {
    this.listeners.set(type, f);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, data: string): void {
    this.listeners.get(type)?.({ data } as MessageEvent<string>);
  }
  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

describe('openStream', () => {
  let sources: FakeSource[];
  let states: StreamState[];
  const create = () => {
    const s = new FakeSource();
    sources.push(s);
    return s;
  };
  beforeEach(() => {
    vi.useFakeTimers();
    sources = [];
    states = [];
  });
  afterEach(() => vi.useRealTimers());

  it('passes named events on and says when the connection drops and comes back', () => {
    const got: string[] = [];
    openStream(
      '/s',
      { onMessage: (m) => got.push(`${m.event}:${m.data}`), onState: (s) => states.push(s) },
      { events: ['fleet'], check: async () => true, create },
    );
    sources[0]!.open();
    sources[0]!.emit('fleet', '{"a":1}');
    sources[0]!.emit('other', 'ignored');
    sources[0]!.fail(false); // the browser retries by itself
    sources[0]!.open();
    expect(got).toEqual(['fleet:{"a":1}']);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(sources).toHaveLength(1);
  });

  it('after a refusal with a valid session, opens a new stream with back-off', async () => {
    openStream(
      '/s',
      { onMessage: () => {}, onState: (s) => states.push(s) },
      { events: [], check: async () => true, create },
    );
    sources[0]!.fail(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(sources).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sources).toHaveLength(2);
    sources[1]!.fail(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sources).toHaveLength(3);
    expect(states.at(-1)).toBe('reconnecting');
  });

  it('stops and reports the session ended when the refusal was for the session, or the service says so', async () => {
    const ended = vi.fn();
    openStream(
      '/s',
      { onMessage: () => {}, onState: (s) => states.push(s), onSessionEnded: ended },
      { events: [], check: async () => false, create },
    );
    sources[0]!.fail(true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(sources).toHaveLength(1);
    expect(states.at(-1)).toBe('closed');

    const ended2 = vi.fn();
    openStream('/s', { onMessage: () => {}, onSessionEnded: ended2 }, { events: [], check: async () => true, create });
    sources[1]!.open();
    sources[1]!.emit('session_ended', '{}');
    expect(ended2).toHaveBeenCalledTimes(1);
    expect(sources[1]!.closed).toBe(true);
  });

  it('closing stops reconnect attempts', async () => {
    const close = openStream('/s', { onMessage: () => {} }, { events: [], check: async () => true, create });
    sources[0]!.fail(true);
    close();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sources).toHaveLength(1);
  });

  it('backs off exponentially up to 15 s', () => {
    expect([0, 1, 2, 3, 4, 9].map((a) => reconnectDelayMs(a))).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });
});
