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
    const current = (): T | undefined => this.current;
    const subscribe = (l: (v: T) => void): (() => void) => this.subscribe(l);
    return {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        let pending: T | undefined;
        let has = false;
        let wake: (() => void) | undefined;
        let done = opts.signal?.aborted ?? false;
        const now = current();
        if ((opts.includeCurrent ?? true) && now !== undefined) {
          pending = now;
          has = true;
        }
        const off = subscribe((v) => {
          pending = v;
          has = true;
          wake?.();
        });
        const onAbort = (): void => {
          done = true;
          wake?.();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (): IteratorResult<T> => {
          off();
          opts.signal?.removeEventListener('abort', onAbort);
          return { done: true, value: undefined };
        };
        return {
          async next(): Promise<IteratorResult<T>> {
            while (!done && !has) await new Promise<void>((r) => (wake = r));
            wake = undefined;
            if (done) return finish();
            has = false;
            return { done: false, value: pending as T };
          },
          async return(): Promise<IteratorResult<T>> {
            done = true;
            return finish();
          },
        };
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
    const subscribe = (l: (v: T) => void): (() => void) => this.subscribe(l);
    return {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        const queue: T[] = [];
        let wake: (() => void) | undefined;
        let done = opts.signal?.aborted ?? false;
        const off = subscribe((v) => {
          queue.push(v);
          wake?.();
        });
        const onAbort = (): void => {
          done = true;
          wake?.();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (): IteratorResult<T> => {
          off();
          opts.signal?.removeEventListener('abort', onAbort);
          return { done: true, value: undefined };
        };
        return {
          async next(): Promise<IteratorResult<T>> {
            while (!done && queue.length === 0) await new Promise<void>((r) => (wake = r));
            wake = undefined;
            if (queue.length > 0) return { done: false, value: queue.shift() as T };
            return finish();
          },
          async return(): Promise<IteratorResult<T>> {
            done = true;
            return finish();
          },
        };
      },
    };
  }
}
