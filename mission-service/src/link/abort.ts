import { LinkError } from './errors.ts';
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';

/** Default overall deadline for any single link operation. */
export const DEFAULT_OPERATION_DEADLINE_MS = 120_000;

/** Options accepted by every cancellable link method. */
export interface CallOptions {
  /** Cancels the operation; the promise rejects with LinkError('cancelled'). */
  signal?: AbortSignal;
  /** Overall deadline; the promise rejects with LinkError('timeout') after it. */
  deadlineMs?: number;
}

/**
 * A scope that ends either when the caller's signal aborts (-> 'cancelled') or when the deadline passes
 * (-> 'timeout'). `signal` aborts in both cases with the matching LinkError as reason, so one listener
 * covers both, and `dispose()` releases the timer.
 */
export class OperationScope {
  private readonly controller = new AbortController();
  private readonly timer: unknown;
  private readonly clock: Clock;
  private readonly onParentAbort = (): void =>
    this.abort(new LinkError('cancelled', '操作已取消 / cancelled by caller'));

  constructor(
    what: string,
    opts: CallOptions = {},
    clock: Clock = realClock,
    private readonly parent = opts.signal,
  ) {
    this.clock = clock;
    const deadlineMs = opts.deadlineMs ?? DEFAULT_OPERATION_DEADLINE_MS;
    this.timer = clock.setTimeout(
      () =>
        this.abort(
          new LinkError(
            'timeout',
            `${what}: 超过总时限 ${deadlineMs} ms / overall deadline of ${deadlineMs} ms passed`,
          ),
        ),
      deadlineMs,
    );
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The LinkError this scope ended with, if it has ended. */
  get reason(): LinkError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as LinkError) : undefined;
  }

  abort(reason: LinkError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  dispose(): void {
    this.clock.clearTimeout(this.timer);
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/**
 * Run `fn` inside an OperationScope: the returned promise settles with fn's result, or rejects with the
 * scope's LinkError as soon as the scope aborts, whichever comes first.
 */
export async function withScope<T>(
  what: string,
  opts: CallOptions,
  fn: (signal: AbortSignal) => Promise<T>,
  clock: Clock = realClock,
): Promise<T> {
  const scope = new OperationScope(what, opts, clock);
  try {
    if (scope.reason) throw scope.reason;
    return await new Promise<T>((resolve, reject) => {
      scope.signal.addEventListener('abort', () => reject(scope.reason), { once: true });
      fn(scope.signal).then(resolve, reject);
    });
  } finally {
    scope.dispose();
  }
}

/** Sleep that rejects with the signal's reason when aborted. */
export function delay(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(t);
      reject(abortReason(signal!));
    };
    const t = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The LinkError behind an aborted signal (callers' own signals become 'cancelled'). */
export function abortReason(signal: AbortSignal): LinkError {
  const r: unknown = signal.reason;
  return r instanceof LinkError ? r : new LinkError('cancelled', '操作已取消 / cancelled', { cause: r });
}
