/**
 * What demo mode asks of whoever starts its drones. The mission service never imports the simulator: the `xuncha`
 * entry point (bin/xuncha.mjs) passes the simulator's `startDemoDrones` in through this shape, and tests do the same.
 */

export interface DemoDronesRequest {
  /** `POST /api/images` of this service: the dock uploads each flight's photos there after landing. */
  ingestUrl: string;
  /** Bearer token of the demo operator for those uploads. */
  token: string;
  /** Simulation speed-up; the launcher's default when absent. */
  speedup?: number;
  /** Progress and warnings of the drones (dock deliveries, camera errors). */
  log: (line: string) => void;
}

export interface DemoDronesStarted {
  /** 'simulated' (built-in vehicles) or 'ardupilot-sitl' (XUNCHA_SITL_BIN). */
  kind: string;
  /** One entry per drone, with its MAVLink connection string on loopback. */
  drones: { name: string; sysId: number; connection: string }[];
  /** A patrol area over the scene's planted incidents. */
  patrolArea: GeoJSON.Polygon;
  /** Where the drones take off, [lon, lat]. */
  launch: [number, number];
  stop(): Promise<void>;
}

/** Starts the demo's drones (the simulator's `startDemoDrones`). */
export type DemoDroneLauncher = (request: DemoDronesRequest) => Promise<DemoDronesStarted>;
