/**
 * The simulation clock: fixed physics steps (50 Hz by default) advanced so that simulated time
 * tracks wall time × speedup. Work per wakeup is bounded so sockets stay responsive; when the CPU
 * cannot keep up the simulation runs slower rather than bursting to catch up.
 */

export interface Steppable {
  step(dt: number): void;
}

export class SimLoop {
  /** Simulated seconds since start. */
  simS = 0;
  /** Times the loop gave up catching up (the host was too slow for the speedup). */
  overruns = 0;
  private wallStartMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly items: readonly Steppable[],
    readonly speedup: number,
    readonly dtS = 0.02,
    /** Wall milliseconds of stepping per wakeup before yielding to I/O. */
    private readonly budgetMs = 15,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wallStartMs = performance.now() - (this.simS / this.speedup) * 1000;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => this.tick(), 4);
  }

  /** Advances by `n` steps at once (tests and benchmarks drive the clock by hand with this). */
  advance(n: number): void {
    for (let k = 0; k < n; k++) this.stepAll();
  }

  private stepAll(): void {
    for (const it of this.items) it.step(this.dtS);
    this.simS += this.dtS;
  }

  private tick(): void {
    const t0 = performance.now();
    const target = ((t0 - this.wallStartMs) / 1000) * this.speedup;
    while (this.simS + this.dtS <= target) {
      this.stepAll();
      if (performance.now() - t0 > this.budgetMs) break;
    }
    const behindS = target - this.simS;
    if (behindS > Math.max(1, this.speedup * 0.5)) {
      // Too slow for this speedup: drop the backlog instead of running flat out forever.
      this.overruns++;
      this.wallStartMs += (behindS / this.speedup) * 1000;
    }
    this.schedule();
  }
}
