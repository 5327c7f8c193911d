import type { FlightMode } from '../../core/autopilot.ts';

export interface Position {
  latDeg: number;
  lonDeg: number;
  altRelM: number;
  altAmslM: number;
}

export interface VelocityNed {
  northMps: number;
  eastMps: number;
  downMps: number;
}

export interface Attitude {
  rollDeg: number;
  pitchDeg: number;
  yawDeg: number;
  /** Heading 0–360, clockwise from north. */
  headingDeg: number;
}

export interface Battery {
  voltageV: number;
  /** 0–100, NaN when the vehicle does not estimate it. */
  remainingPct: number;
}

export interface GpsInfo {
  /** GPS_FIX_TYPE (0 none … 3 3D fix, 4 DGPS, 5 RTK float, 6 RTK fixed). */
  fixType: number;
  satellites: number;
}

export interface Health {
  gyroOk: boolean;
  accelOk: boolean;
  magOk: boolean;
  gpsOk: boolean;
  homeOk: boolean;
  /** All of the above. */
  armable: boolean;
}

export interface Home {
  latDeg: number;
  lonDeg: number;
  altAmslM: number;
}

/** Message rates in Hz (0 stops a message, omitted leaves it as it is). */
export interface TelemetryRates {
  positionHz?: number;
  attitudeHz?: number;
  batteryHz?: number;
  gpsHz?: number;
  missionHz?: number;
}

export type { FlightMode };
