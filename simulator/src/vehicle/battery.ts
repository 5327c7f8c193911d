/**
 * A 4S LiPo that drains with time in the air, airspeed and climb; voltage sags with load.
 */

export interface BatteryOptions {
  capacityMah: number;
  cells: number;
  /** Hover endurance on a full pack, seconds. */
  hoverEnduranceS: number;
  /** Start charge, percent. */
  startPct: number;
}

export const DEFAULT_BATTERY: BatteryOptions = {
  capacityMah: 5000,
  cells: 4,
  hoverEnduranceS: 1800,
  startPct: 100,
};

export class Battery {
  pct: number;
  currentA = 0;
  /** On the dock's power: the avionics draw from the dock, not the pack. */
  externalPower = false;
  private readonly hoverA: number;

  constructor(readonly opts: BatteryOptions) {
    this.pct = Math.max(0, Math.min(100, opts.startPct));
    // Hover current that empties the pack in hoverEnduranceS.
    this.hoverA = (opts.capacityMah / 1000) * (3600 / opts.hoverEnduranceS);
  }

  get consumedMah(): number {
    return ((100 - this.pct) / 100) * this.opts.capacityMah;
  }

  get voltageV(): number {
    const open = this.opts.cells * (3.5 + 0.7 * (this.pct / 100));
    return Math.max(0, open - 0.01 * this.currentA);
  }

  /** Drains for `dt` seconds: motors off draw only the avionics. */
  drain(dt: number, motorsOn: boolean, airspeedMps: number, climbMps: number): void {
    if (this.externalPower && !motorsOn) {
      this.currentA = 0;
      return;
    }
    if (motorsOn) {
      // Forward flight and climbing cost extra over hover (a deliberately simple model).
      this.currentA = this.hoverA * (1 + 0.0015 * airspeedMps * airspeedMps + 0.08 * Math.max(0, climbMps));
    } else {
      this.currentA = 0.3;
    }
    const mah = (this.currentA * 1000 * dt) / 3600;
    this.pct = Math.max(0, this.pct - (mah / this.opts.capacityMah) * 100);
  }

  /** Charges for `dt` seconds at `pctPerS` (on the dock), up to full. */
  charge(dt: number, pctPerS: number): void {
    this.currentA = 0;
    this.pct = Math.min(100, this.pct + pctPerS * dt);
  }

  /** Sudden drop by `points` percentage points (fault injection). */
  drop(points: number): void {
    this.pct = Math.max(0, Math.min(100, this.pct - points));
  }
}
