/**
 * CPU time per stage of a render (`render-profile --stages`): process.cpuUsage between laps, summed per
 * stage name. Off unless asked for (the renderer passes no clock), and cheap when on: one getrusage
 * per lap, a few thousand per photo.
 */
export class StageClock {
  /** CPU milliseconds per stage, in the order the stages were first seen. */
  readonly ms: Record<string, number> = {};
  private last = cpuUs();

  /** Charge the CPU time since the previous lap (or construction) to `stage`. */
  lap(stage: string): void {
    const now = cpuUs();
    this.add(stage, (now - this.last) / 1000);
    this.last = now;
  }

  /** Add `ms` to `stage` (time measured elsewhere, such as the lazily filled shadow mask). */
  add(stage: string, ms: number): void {
    this.ms[stage] = (this.ms[stage] ?? 0) + ms;
  }

  /** Move `ms` from one stage to another (a nested stage measured inside an outer one). */
  move(from: string, to: string, ms: number): void {
    this.add(from, -ms);
    this.add(to, ms);
  }

  /** Restart the lap without charging anyone (time spent between stages that is not the render's). */
  reset(): void {
    this.last = cpuUs();
  }
}

/** User + system CPU time of the process (µs). */
export function cpuUs(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}
