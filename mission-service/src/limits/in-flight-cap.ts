/**
 * A cap on requests being answered at once: beyond it a request is refused at once (429) rather than queued, so
 * a flood cannot pile up work behind the requests of people who are allowed in.
 */
export class InFlightCap {
  private running = 0;
  constructor(private readonly max: number) {}

  /** Takes a slot until `res` closes (answered or cut off); false when every slot is taken. */
  enter(res: { once(event: 'close', listener: () => void): unknown }): boolean {
    if (this.running >= this.max) return false;
    this.running += 1;
    res.once('close', () => (this.running -= 1));
    return true;
  }

  get size(): number {
    return this.running;
  }
}
