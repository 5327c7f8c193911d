import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reconnectDelayMs, SseParser } from './sse.ts';

const STREAM =
  'retry: 3000\n\nid: 1\nevent: fleet\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\nevent: fleet\ndata: line one\ndata: line two\n\n';

describe('SseParser', () => {
  it('reads events, ids, multi-line data, comments and retry', () => {
    const p = new SseParser();
    const msgs = p.push(STREAM);
    expect(msgs).toEqual([
      { event: 'fleet', data: '{"a":1}', id: '1' },
      { event: 'fleet', data: 'line one\nline two', id: '2' },
    ]);
    expect(p.retryMs).toBe(3000);
  });

  it('gives the same messages however the stream is split into chunks, with LF or CRLF', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }),
        fc.boolean(),
        (cuts, crlf) => {
          const text = crlf ? STREAM.replace(/\n/g, '\r\n') : STREAM;
          const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
          const p = new SseParser();
          const out = [];
          let prev = 0;
          for (const c of [...points, text.length]) {
            out.push(...p.push(text.slice(prev, c)));
            prev = c;
          }
          expect(out.map((m) => m.data)).toEqual(['{"a":1}', 'line one\nline two']);
        },
      ),
    );
  });

  it('backs off exponentially up to 15 s', () => {
    expect([0, 1, 2, 3, 4, 9].map((a) => reconnectDelayMs(a))).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(reconnectDelayMs(0, 3000)).toBe(3000);
  });
});
