/**
 * A live value sent on change and at most `maxHz` times a second: an unchanged value is never sent again, and a
 * burst of changes sends the first at once and the latest when the period ends (nothing is lost, nothing repeats).
 * `keyOf` says what counts as a change (e.g. everything but the time stamp).
 */
export interface OnChangeSender<T> {
  push(value: T): void;
  close(): void;
}

export function onChangeAtMost<T>(
  maxHz: number,
  send: (value: T) => void,
  keyOf: (value: T) => string = (v) => JSON.stringify(v),
  now: () => number = Date.now,
): OnChangeSender<T> {
  const periodMs = 1000 / maxHz;
  let lastKey: string | undefined;
  let lastAt = -Infinity;
  let pending: { value: T; key: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    if (!pending || closed) return;
    const { value, key } = pending;
    pending = undefined;
    lastKey = key;
    lastAt = now();
    send(value);
  };
  return {
    push(value) {
      if (closed) return;
      const key = keyOf(value);
      if (key === (pending?.key ?? lastKey)) return;
      pending = { value, key };
      if (timer) return;
      const wait = lastAt + periodMs - now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
