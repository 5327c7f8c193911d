/**
 * The dock's charger: a vehicle that has landed and disarmed at its dock (within `radiusM` of home) gets its
 * battery charged, as a DJI Dock does between flights. It charges at `pctPerS` of simulated time, so a
 * speedup shortens the wait in wall time; a vehicle that lands away from the dock (a failsafe LAND in a field)
 * is not charged.
 */
import type { Battery } from './battery.ts';

export interface DockOptions {
  /**
   * Charge rate in percentage points per simulated second. Default: DJI Dock 2's published 20 % → 90 % in
   * 32 minutes (≈ 0.036 %/s, a flat pack full in about 46 minutes).
   */
  pctPerS?: number;
  /** How far from home (m, horizontal) still counts as on the dock; default 10 m. */
  radiusM?: number;
}

export const DJI_DOCK_2_PCT_PER_S = 70 / (32 * 60);

/** Where the vehicle is, as far as the charger cares. */
export interface DockContact {
  landed: boolean;
  armed: boolean;
  /** Horizontal distance to home; NaN before home is set. */
  distanceFromHomeM: number;
}

export class DockCharger {
  readonly pctPerS: number;
  readonly radiusM: number;

  constructor(o: DockOptions = {}) {
    this.pctPerS = o.pctPerS ?? DJI_DOCK_2_PCT_PER_S;
    this.radiusM = o.radiusM ?? 10;
    if (!(this.pctPerS > 0)) throw new RangeError(`充电速率无效 / dock pctPerS must be > 0, got ${this.pctPerS}`);
    if (!(this.radiusM >= 0)) throw new RangeError(`机库半径无效 / dock radiusM must be ≥ 0, got ${this.radiusM}`);
  }

  /** Whether a vehicle in this state sits on the charging pad. */
  docked(c: DockContact): boolean {
    return c.landed && !c.armed && c.distanceFromHomeM <= this.radiusM;
  }

  /** One tick of `dt` simulated seconds. */
  step(dt: number, c: DockContact, battery: Battery): void {
    battery.externalPower = this.docked(c);
    if (battery.externalPower) battery.charge(dt, this.pctPerS);
  }
}
