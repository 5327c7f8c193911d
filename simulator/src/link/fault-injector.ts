/**
 * Link faults on one direction of a vehicle's link: loss, duplication, reordering, latency and a
 * full cut. Driven by the vehicle's live `Faults` object and a seeded generator.
 */
import type { Prng } from '../vehicle/prng.ts';
import type { Faults } from '../vehicle/types.ts';

export class FaultInjector {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly faults: Faults,
    private readonly prng: Prng,
    /** True while the link is cut. */
    private readonly isCut: () => boolean,
  ) {}

  /** Passes `frame` to `deliver` with the configured faults applied. */
  pass(frame: Buffer, deliver: (frame: Buffer) => void): void {
    if (this.closed || this.isCut()) return;
    const f = this.faults;
    if (f.packetLossPct > 0 && this.prng.next() * 100 < f.packetLossPct) return;
    const copies = f.duplicatePct > 0 && this.prng.next() * 100 < f.duplicatePct ? 2 : 1;
    let delayMs = f.latencyMs > 0 ? f.latencyMs : 0;
    if (f.reorderPct > 0 && this.prng.next() * 100 < f.reorderPct) delayMs += 5 + this.prng.next() * 45;
    for (let i = 0; i < copies; i++) {
      if (delayMs <= 0) deliver(frame);
      else this.later(delayMs, () => deliver(frame));
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed && !this.isCut()) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
