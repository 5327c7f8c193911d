/**
 * Live streams over the browser's own `EventSource`, authorised by the session cookie (the page holds no token).
 * EventSource reconnects by itself after a dropped connection; when the service refuses it (an HTTP error answer)
 * it gives up, and we cannot see the status: then `check` (a cheap authorised request) tells a lost session
 * (stop, log in again) from a service that is down (try again with back-off). The state is reported either way, so
 * the page can say "connection lost, reconnecting".
 */

export interface SseMessage {
  event: string;
  data: string;
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onMessage(msg: SseMessage): void;
  onState?(state: StreamState, detail?: string): void;
  /** The session is gone (refused, or the service ended the stream with `session_ended`): the stream stops. */
  onSessionEnded?(): void;
}

/** The part of `EventSource` used here (a test can hand in its own). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
  addEventListener(type: string, f: (e: MessageEvent<string>) => void): void;
  close(): void;
}

export interface StreamOptions {
  /** Named events to listen to (EventSource delivers only `message` without listeners). */
  events: string[];
  /** After the service refused the stream: is the session still valid? (false: stop; throws: service down). */
  check(): Promise<boolean>;
  create?: (url: string) => EventSourceLike;
}

/** Back-off between reconnects: 1 s, 2 s, 4 s … capped at 15 s. */
export function reconnectDelayMs(attempt: number, baseMs = 1000): number {
  return Math.min(15_000, baseMs * 2 ** Math.min(attempt, 4));
}

const CLOSED = 2;

/** Opens a stream and keeps it open until the returned function is called. */
export function openStream(url: string, h: StreamHandlers, o: StreamOptions): () => void {
  const create = o.create ?? ((u: string) => new EventSource(u) as unknown as EventSourceLike);
  let es: EventSourceLike | null = null;
  let attempt = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const end = (sessionEnded: boolean) => {
    stopped = true;
    es?.close();
    h.onState?.('closed', sessionEnded ? 'session ended' : undefined);
    if (sessionEnded) h.onSessionEnded?.();
  };

  const connect = () => {
    if (stopped) return;
    h.onState?.(attempt === 0 ? 'connecting' : 'reconnecting');
    const src = create(url);
    es = src;
    src.onopen = () => {
      attempt = 0;
      h.onState?.('open');
    };
    src.onerror = () => {
      if (stopped || es !== src) return;
      if (src.readyState !== CLOSED) {
        // The browser retries by itself.
        h.onState?.('reconnecting', 'connection lost');
        return;
      }
      src.close();
      h.onState?.('reconnecting', 'refused');
      void o.check().then(
        (valid) => (valid ? retry() : end(true)),
        () => retry(),
      );
    };
    src.addEventListener('session_ended', () => end(true));
    for (const ev of o.events) src.addEventListener(ev, (e) => h.onMessage({ event: ev, data: e.data }));
  };
  const retry = () => {
    if (stopped) return;
    timer = setTimeout(connect, reconnectDelayMs(attempt++));
  };

  connect();
  return () => {
    if (stopped) return;
    clearTimeout(timer);
    end(false);
  };
}
