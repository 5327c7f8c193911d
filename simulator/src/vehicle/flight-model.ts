/**
 * Point-mass multicopter: a position controller (speed, acceleration, climb, sink and yaw-rate
 * limits like ArduCopter's WPNAV_* defaults) driving a mass that wind and gusts push around.
 * One `step` per physics tick; no allocation in the hot path.
 */
import { metresPerDegree, offsetM, wrap180, wrap360 } from './geo.ts';
import type { Prng } from './prng.ts';

const G = 9.80665;
const DEG = Math.PI / 180;

/** Limits of the airframe and its controller. */
export interface FlightLimits {
  /** Default horizontal speed (WPNAV_SPEED). */
  cruiseSpeedMps: number;
  /** Highest horizontal ground speed the controller will command. */
  maxSpeedMps: number;
  /** Highest airspeed the airframe reaches (limits ground speed into a headwind). */
  maxAirspeedMps: number;
  maxAccelMps2: number;
  maxClimbMps: number;
  maxSinkMps: number;
  /** Final descent speed below `landSlowBelowM` (LAND_SPEED). */
  landSpeedMps: number;
  landSlowBelowM: number;
  maxYawRateDps: number;
}

export const DEFAULT_LIMITS: FlightLimits = {
  cruiseSpeedMps: 10,
  maxSpeedMps: 15,
  maxAirspeedMps: 20,
  maxAccelMps2: 3,
  maxClimbMps: 2.5,
  maxSinkMps: 1.5,
  landSpeedMps: 0.5,
  landSlowBelowM: 10,
  maxYawRateDps: 90,
};

/** Where the controller is asked to go. */
export interface Setpoint {
  lat: number;
  lon: number;
  altAmslM: number;
  /** Horizontal speed limit for this leg. */
  speedMps: number;
  /** Fixed yaw; null faces the direction of travel. */
  yawDeg: number | null;
  /** Descend at landing speeds until touchdown (altAmslM ignored). */
  land: boolean;
  /** No horizontal position control (STABILIZE/ALT_HOLD with centred sticks): drift with the wind. */
  drift: boolean;
}

/** Air around the vehicle. */
export interface Environment {
  windNorthMps: number;
  windEastMps: number;
  /** Standard deviation of gusts (m/s). */
  gustMps: number;
  /** Terrain elevation under the vehicle (m AMSL). */
  groundAmslM: number;
}

export type ContactEvent = 'none' | 'landed' | 'crash';

/** Mutable physical state of one vehicle plus its controller. */
export class FlightModel {
  lat: number;
  lon: number;
  altAmslM: number;
  vNorth = 0;
  vEast = 0;
  vUp = 0;
  headingDeg: number;
  yawRateDps = 0;
  rollDeg = 0;
  pitchDeg = 0;
  onGround = true;
  /** Why the last contact was a crash ('' when none). */
  crashReason = '';
  private gustN = 0;
  private gustE = 0;
  private aN = 0;
  private aE = 0;

  constructor(
    lon: number,
    lat: number,
    altAmslM: number,
    headingDeg: number,
    readonly limits: FlightLimits,
    private readonly prng: Prng,
  ) {
    this.lon = lon;
    this.lat = lat;
    this.altAmslM = altAmslM;
    this.headingDeg = wrap360(headingDeg);
  }

  get groundSpeedMps(): number {
    return Math.hypot(this.vNorth, this.vEast);
  }

  /** Air-relative speed given the current wind. */
  airspeedMps(env: Environment): number {
    return Math.hypot(this.vNorth - env.windNorthMps, this.vEast - env.windEastMps);
  }

  /**
   * Advances by `dt` seconds. `sp` null means motors off (disarmed or battery dead): on the ground
   * the vehicle stays put, in the air it falls.
   */
  step(dt: number, sp: Setpoint | null, env: Environment): ContactEvent {
    if (this.onGround) {
      this.altAmslM = env.groundAmslM;
      if (sp === null || sp.land || sp.altAmslM <= env.groundAmslM + 0.2) {
        this.vNorth = this.vEast = this.vUp = 0;
        this.rollDeg = this.pitchDeg = 0;
        this.yawRateDps = 0;
        return 'none';
      }
      this.onGround = false;
    }
    if (sp === null) return this.freeFall(dt, env);

    const lim = this.limits;
    // Horizontal: fly towards the setpoint with a speed profile that can stop in time.
    let dvN: number;
    let dvE: number;
    if (sp.drift) {
      dvN = env.windNorthMps - this.vNorth;
      dvE = env.windEastMps - this.vEast;
    } else {
      const o = offsetM(this.lon, this.lat, sp.lon, sp.lat);
      const dist = Math.hypot(o.northM, o.eastM);
      let speed = Math.min(sp.speedMps, lim.maxSpeedMps, Math.sqrt(2 * lim.maxAccelMps2 * dist) * 0.9, dist * 1.2);
      let dirN = 0;
      let dirE = 0;
      if (dist > 1e-6) {
        dirN = o.northM / dist;
        dirE = o.eastM / dist;
      } else {
        speed = 0;
      }
      speed = limitByAirspeed(speed, dirN, dirE, env, lim.maxAirspeedMps);
      dvN = dirN * speed - this.vNorth;
      dvE = dirE * speed - this.vEast;
    }
    const dvMax = lim.maxAccelMps2 * dt;
    const dv = Math.hypot(dvN, dvE);
    if (dv > dvMax) {
      dvN *= dvMax / dv;
      dvE *= dvMax / dv;
    }
    this.aN = dvN / dt;
    this.aE = dvE / dt;
    this.vNorth += dvN;
    this.vEast += dvE;

    // Vertical.
    const agl = this.altAmslM - env.groundAmslM;
    let vUpWanted: number;
    if (sp.land) {
      vUpWanted = -(agl > lim.landSlowBelowM ? lim.maxSinkMps : lim.landSpeedMps);
    } else {
      const err = sp.altAmslM - this.altAmslM;
      const mag = Math.min(Math.sqrt(2 * 2.5 * Math.abs(err)), Math.abs(err) * 2);
      vUpWanted = Math.max(-lim.maxSinkMps, Math.min(lim.maxClimbMps, Math.sign(err) * mag));
    }
    const dvu = Math.max(-2.5 * dt, Math.min(2.5 * dt, vUpWanted - this.vUp));
    this.vUp += dvu;

    // Gusts: an Ornstein–Uhlenbeck disturbance the position controller has to fight.
    if (env.gustMps > 0) {
      const tau = 3;
      const k = env.gustMps * Math.sqrt((2 * dt) / tau);
      this.gustN += (-this.gustN / tau) * dt + k * this.prng.normal();
      this.gustE += (-this.gustE / tau) * dt + k * this.prng.normal();
    }

    this.integrate(dt, this.vNorth + this.gustN, this.vEast + this.gustE, this.vUp);
    this.updateYaw(dt, sp);
    this.updateAttitude(env);
    return this.checkContact(env, sp.land);
  }

  private freeFall(dt: number, env: Environment): ContactEvent {
    this.vUp -= G * dt;
    // Drag pulls the horizontal velocity towards the wind.
    this.vNorth += (env.windNorthMps - this.vNorth) * Math.min(1, 0.3 * dt);
    this.vEast += (env.windEastMps - this.vEast) * Math.min(1, 0.3 * dt);
    this.integrate(dt, this.vNorth, this.vEast, this.vUp);
    return this.checkContact(env, false);
  }

  private integrate(dt: number, vN: number, vE: number, vU: number): void {
    const m = metresPerDegree(this.lat);
    this.lat += (vN * dt) / m.northM;
    this.lon += (vE * dt) / m.eastM;
    this.altAmslM += vU * dt;
  }

  private updateYaw(dt: number, sp: Setpoint): void {
    let want: number | null = sp.yawDeg;
    if (want === null && !sp.drift) {
      const o = offsetM(this.lon, this.lat, sp.lon, sp.lat);
      if (Math.hypot(o.northM, o.eastM) > 2 && this.groundSpeedMps > 1) want = Math.atan2(o.eastM, o.northM) / DEG;
    }
    if (want === null) {
      this.yawRateDps = 0;
      return;
    }
    const err = wrap180(want - this.headingDeg);
    const maxStep = this.limits.maxYawRateDps * dt;
    const stepDeg = Math.max(-maxStep, Math.min(maxStep, err));
    this.yawRateDps = stepDeg / dt;
    this.headingDeg = wrap360(this.headingDeg + stepDeg);
  }

  private updateAttitude(env: Environment): void {
    // Tilt = what it takes to accelerate plus what it takes to hold the airspeed against drag.
    const airN = this.vNorth - env.windNorthMps;
    const airE = this.vEast - env.windEastMps;
    const airspeed = Math.hypot(airN, airE);
    const c = 0.02;
    const fN = this.aN + c * airN * airspeed;
    const fE = this.aE + c * airE * airspeed;
    const h = this.headingDeg * DEG;
    const fwd = fN * Math.cos(h) + fE * Math.sin(h);
    const right = -fN * Math.sin(h) + fE * Math.cos(h);
    this.pitchDeg = -Math.atan2(fwd, G) / DEG;
    this.rollDeg = Math.atan2(right, G) / DEG;
  }

  private checkContact(env: Environment, landing: boolean): ContactEvent {
    if (this.altAmslM > env.groundAmslM) return 'none';
    const vDown = -this.vUp;
    const vHoriz = this.groundSpeedMps;
    const soft = landing ? vDown <= 3 && vHoriz <= 3 : vDown <= 1.5 && vHoriz <= 1;
    this.altAmslM = env.groundAmslM;
    this.onGround = true;
    this.gustN = this.gustE = 0;
    this.vNorth = this.vEast = this.vUp = 0;
    this.aN = this.aE = 0;
    this.rollDeg = this.pitchDeg = 0;
    if (soft) return 'landed';
    this.crashReason = `hit the ground at ${vHoriz.toFixed(1)} m/s horizontal, ${vDown.toFixed(1)} m/s down`;
    return 'crash';
  }
}

/** Largest ground speed ≤ `speed` along (dirN, dirE) whose airspeed stays within `maxAir`. */
function limitByAirspeed(speed: number, dirN: number, dirE: number, env: Environment, maxAir: number): number {
  const wN = env.windNorthMps;
  const wE = env.windEastMps;
  const airN = dirN * speed - wN;
  const airE = dirE * speed - wE;
  if (airN * airN + airE * airE <= maxAir * maxAir) return speed;
  // Solve |s·d − w| = maxAir for s ≥ 0.
  const b = dirN * wN + dirE * wE;
  const c = wN * wN + wE * wE - maxAir * maxAir;
  const disc = b * b - c;
  if (disc < 0) return 0;
  return Math.max(0, Math.min(speed, b + Math.sqrt(disc)));
}
