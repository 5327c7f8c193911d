/** Polls `fn` until `ok` holds for its value (simulated flights run in sped-up real time); throws with the last value. */
export async function until<T>(
  fn: () => Promise<T> | T,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 90_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
