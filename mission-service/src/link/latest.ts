/**
 * A value that changes over time: holds the latest value, notifies listeners, and can be consumed as an
 * async iterable (`for await (const p of telemetry.position.stream({ signal }))`). Slow consumers see only
 * the newest value (no unbounded queue), which is what a status display wants.
 */
export class Latest<T> {
  private current: T | undefined;
  private readonly listeners = new Set<(v: T) => void>();
  private updatedAt = 0;

  /** Latest value, undefined until the first update. */
  get value(): T | undefined {
    return this.current;
  }

  /** Wall time (ms) of the last update, 0 if never. */
  get lastUpdateMs(): number {
    return this.updatedAt;
  }

  set(v: T): void {
    this.current = v;
    this.updatedAt = Date.now();
    for (const l of [...this.listeners]) {
      try {
        l(v);
      } catch {
        // A failing listener must not break the link's receive path.
      }
    }
  }

  /** Register a listener; returns the function that removes it. */
  subscribe(listener: (v: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolve with the first value satisfying `pred` (the current one counts); rejects when `signal` aborts. */
  waitFor(pred: (v: T) => boolean, signal?: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.current !== undefined && pred(this.current)) {
        resolve(this.current);
        return;
      }
      const onAbort = (): void => {
        off();
        reject(signal?.reason);
      };
      const off = this.subscribe((v) => {
        if (pred(v)) {
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        }
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Async iterable of updates (starting with the current value if any), ending when `signal` aborts. */
  stream(opts: { signal?: AbortSignal; includeCurrent?: boolean } = {}): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<T> => {
        // Keep only the newest value; after an abort the pending one is dropped.
        let pending: { value: T } | undefined;
        const now = this.current;
        if ((opts.includeCurrent ?? true) && now !== undefined) pending = { value: now };
        return listenerIterator<T>((l) => this.subscribe(l), opts.signal, {
          put: (value) => (pending = { value }),
          take: (aborted) => {
            const p = aborted ? undefined : pending;
            pending = undefined;
            return p;
          },
        });
      },
    };
  }
}

/** An event stream without a "latest" notion (e.g. camera captures): every event is delivered, in order. */
export class EventStream<T> {
  private readonly listeners = new Set<(v: T) => void>();

  emit(v: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(v);
      } catch {
        // see Latest.set
      }
    }
  }

  subscribe(listener: (v: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Async iterable of events from now on (queued, never dropped), ending when `signal` aborts. */
  stream(opts: { signal?: AbortSignal } = {}): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<T> => {
        // Queue every event; events queued before an abort are still delivered.
        const queue: T[] = [];
        return listenerIterator<T>((l) => this.subscribe(l), opts.signal, {
          put: (v) => queue.push(v),
          take: () => (queue.length > 0 ? { value: queue.shift() as T } : undefined),
        });
      },
    };
  }
}

/**
 * The scaffolding both `stream()`s share: subscribe, wake a waiting `next()` on a value or on abort, and
 * unsubscribe once finished. `buffer` decides what is kept (`take(aborted)` returns undefined when empty).
 */
function listenerIterator<T>(
  subscribe: (l: (v: T) => void) => () => void,
  signal: AbortSignal | undefined,
  buffer: { put(v: T): void; take(aborted: boolean): { value: T } | undefined },
): AsyncIterator<T> {
  let wake: (() => void) | undefined;
  let aborted = signal?.aborted ?? false;
  let returned = false;
  const off = subscribe((v) => {
    buffer.put(v);
    wake?.();
  });
  const onAbort = (): void => {
    aborted = true;
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const finish = (): IteratorResult<T> => {
    returned = true;
    off();
    signal?.removeEventListener('abort', onAbort);
    wake?.(); // a next() still waiting ends too
    return { done: true, value: undefined };
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (returned) return finish();
        const item = buffer.take(aborted);
        if (item) return { done: false, value: item.value };
        if (aborted) return finish();
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<T>> {
      return finish();
    },
  };
}
