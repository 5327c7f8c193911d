/**
 * Server-Sent Events read with `fetch` and a streaming body reader, because a browser's EventSource cannot send an
 * Authorization header. Reconnects with back-off and says so. When the service moves the web app to a cookie
 * session or stream tokens (issue 19.5), only the request made in `open` changes.
 */

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Splits a text stream into SSE messages (WHATWG rules: `event:`, `data:` lines, blank line ends, `:` comments). */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  /** Reconnection delay the server asked for (`retry:`), ms. */
  retryMs: number | undefined;

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sepLen = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (sepLen === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + sepLen);
      if (line === '') {
        if (this.data.length) out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'id') this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return out;
  }
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onMessage(msg: SseMessage): void;
  onState?(state: StreamState, detail?: string): void;
  /** A response that reconnecting cannot fix (401, 403, 404): the stream stops. */
  onFatal?(status: number, res: Response): void;
}

/** Back-off between reconnects: 1 s, 2 s, 4 s … capped at 15 s (or the server's `retry:`). */
export function reconnectDelayMs(attempt: number, serverRetryMs?: number): number {
  const base = serverRetryMs ?? 1000;
  return Math.min(15_000, base * 2 ** Math.min(attempt, 4));
}

/** Opens a stream and keeps it open until the returned function is called. */
export function openStream(open: (signal: AbortSignal) => Promise<Response>, h: StreamHandlers): () => void {
  const ctl = new AbortController();
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const parser = new SseParser();
  const run = async (): Promise<void> => {
    h.onState?.(attempt === 0 ? 'connecting' : 'reconnecting');
    let detail = '';
    try {
      const res = await open(ctl.signal);
      if (res.status === 401 || res.status === 403 || res.status === 404) {
        h.onState?.('closed', String(res.status));
        h.onFatal?.(res.status, res);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let first = true;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (first) {
          first = false;
          attempt = 0;
          h.onState?.('open');
        }
        for (const m of parser.push(value)) h.onMessage(m);
      }
      detail = 'stream ended';
    } catch (err) {
      if (ctl.signal.aborted) return;
      detail = (err as Error).message;
    }
    if (ctl.signal.aborted) return;
    h.onState?.('reconnecting', detail);
    timer = setTimeout(() => void run(), reconnectDelayMs(attempt++, parser.retryMs));
  };
  void run();
  return () => {
    clearTimeout(timer);
    ctl.abort();
    h.onState?.('closed');
  };
}
