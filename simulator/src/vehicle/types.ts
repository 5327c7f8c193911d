/**
 * Public types of the simulated vehicles: what a test or the drone link sees of a vehicle.
 */
import type { EventEmitter } from 'node:events';

/** Which autopilot the vehicle imitates on the wire. */
export type Personality = 'ardupilot' | 'px4';

/**
 * Flight modes, named after ArduCopter's. PX4 custom modes map onto these
 * (AUTO.MISSION → AUTO, AUTO.LOITER → GUIDED, AUTO.RTL → RTL, AUTO.LAND → LAND,
 * AUTO.TAKEOFF → TAKEOFF, POSCTL → LOITER, ALTCTL → ALT_HOLD, STABILIZED/MANUAL → STABILIZE).
 */
export type ModeName =
  'STABILIZE' | 'ALT_HOLD' | 'AUTO' | 'GUIDED' | 'LOITER' | 'RTL' | 'LAND' | 'POSHOLD' | 'BRAKE' | 'TAKEOFF';

/** One stored mission/fence/rally item, in MISSION_ITEM_INT terms (x/y are degE7 for positional items). */
export interface MissionItemState {
  seq: number;
  frame: number;
  command: number;
  current: number;
  autocontinue: number;
  param1: number;
  param2: number;
  param3: number;
  param4: number;
  x: number;
  y: number;
  z: number;
}

/** A WGS84 position with its altitude above mean sea level. */
export interface GeoPoint {
  lon: number;
  lat: number;
  altAmslM: number;
}

/** Snapshot of a vehicle (a copy: mutating it changes nothing). */
export interface VehicleState {
  sysId: number;
  personality: Personality;
  /** Simulated seconds since the vehicle booted. */
  timeS: number;
  /** Simulated wall time (the clock's start + timeS / speedup; what GPS, SYSTEM_TIME and photos carry). */
  time: Date;
  lon: number;
  lat: number;
  altAmslM: number;
  /** Altitude above home (NaN before home is set). */
  altRelM: number;
  /** Altitude above the terrain under the vehicle. */
  altAglM: number;
  velocity: { northMps: number; eastMps: number; downMps: number };
  groundSpeedMps: number;
  headingDeg: number;
  rollDeg: number;
  pitchDeg: number;
  mode: ModeName;
  /** The mode number the vehicle reports in HEARTBEAT.custom_mode. */
  customMode: number;
  armed: boolean;
  landed: boolean;
  crashed: boolean;
  batteryPct: number;
  batteryVoltageV: number;
  gpsFix: boolean;
  /** Stored mission as it would read back (for ArduPilot, item 0 is home). */
  mission: MissionItemState[];
  fence: MissionItemState[];
  rally: MissionItemState[];
  missionState: 'none' | 'not_started' | 'active' | 'paused' | 'complete';
  currentSeq: number;
  lastReachedSeq: number | null;
  home: GeoPoint | null;
  gimbalPitchDeg: number;
  /** Gimbal yaw, absolute (degrees clockwise from north). */
  gimbalYawDeg: number;
  /** Number of photos taken so far (the next image index). */
  imageCount: number;
  /** Active failsafe reason, or null. */
  failsafe: FailsafeReason | null;
  /** Counters of the vehicle's links. */
  link: LinkCounters;
}

export type FailsafeReason = 'battery_low' | 'battery_critical' | 'gcs' | 'fence' | 'gps';

export interface LinkCounters {
  clients: number;
  packetsIn: number;
  packetsOut: number;
  /** Frames with a bad CRC or unknown message id, and packets that failed to decode. */
  malformedIn: number;
  /** Packets dropped because they were unsigned or wrongly signed on a signed vehicle. */
  rejectedSignature: number;
}

/**
 * Faults a test can switch on at run time. Link faults apply both ways (vehicle → GCS and GCS → vehicle).
 * Durations on the link (latency, link cut) follow the link clock, see `startSimulation`.
 */
export interface Faults {
  /** Percentage of packets dropped (0–100). */
  packetLossPct: number;
  /** Percentage of packets sent twice. */
  duplicatePct: number;
  /** Percentage of packets held back 5–50 ms so later ones overtake them. */
  reorderPct: number;
  /** Extra one-way latency in milliseconds. */
  latencyMs: number;
  /** Cut the link (nothing in, nothing out) for this many seconds from now; 0 restores it. */
  linkCutForS: number;
  /** While true the GPS loses its fix and the reported position jumps by `gpsGlitchOffsetM`. */
  gpsGlitch: boolean;
  gpsGlitchOffsetM: number;
  /** Drop the battery by this many percentage points, once, when set. */
  batteryDrop: number;
  /** Ignore MISSION_COUNT (uploads never start). */
  noResponseToCount: boolean;
  /** Never answer a MISSION_REQUEST(_INT) for this seq (download), nor request it (upload). */
  noResponseToRequestSeq: number | null;
  /** Answer/request the wrong item sequence number (uploads: from the second request on). */
  wrongSequence: boolean;
  /** End uploads with this MavMissionResult instead of ACCEPTED; refuse downloads with it. */
  errorAck: number | null;
  /** Do not send the final MISSION_ACK of an upload. */
  missingFinalAck: boolean;
  /** Read this seq back 5 m higher than it is stored (a vehicle that holds a different mission). */
  readbackDiffersSeq: number | null;
  /** Each mission-protocol fault fires once, then switches itself off. */
  missionFaultsOnce: boolean;
}

/** What the vehicle hands its camera on each trigger. */
export interface CameraCapture {
  sysId: number;
  /** Zero-based image index (as in CAMERA_IMAGE_CAPTURED). */
  index: number;
  /** Simulated capture time on the vehicle's clock (what the photo is stamped with). */
  time: Date;
  /** The scenario's time at capture (which planted incidents exist); default `time`. */
  sceneTime?: Date;
  lon: number;
  lat: number;
  altAmslM: number;
  altRelM: number;
  headingDeg: number;
  /** 0 = horizon, −90 = straight down. */
  gimbalPitchDeg: number;
  /** Absolute yaw of the camera, degrees clockwise from north. */
  gimbalYawDeg: number;
  speedMps: number;
}

/** Called on each photo; the vehicle never waits for it (errors are reported as 'cameraError' events). */
export type CameraHook = (capture: CameraCapture) => Promise<void>;

/** Elevation source: `elevationAt(lon, lat)` in metres AMSL, null where unknown. */
export interface Dem {
  elevationAt(lon: number, lat: number): number | null;
}

/**
 * A running vehicle. Events: 'reached'(seq), 'mode'(mode: ModeName), 'armed'(armed: boolean),
 * 'capture'(CameraCapture), 'crash'(reason: string), 'failsafe'(reason: FailsafeReason),
 * 'statustext'(text: string, severity: number), 'landed'(), 'missionUploaded'(missionType: number),
 * 'cameraError'(err: unknown).
 */
export interface SimVehicle {
  readonly sysId: number;
  readonly port: number;
  /** e.g. 'tcp://127.0.0.1:5760' */
  readonly connection: string;
  state(): VehicleState;
  setFaults(f: Partial<Faults>): void;
  readonly events: EventEmitter;
}

export interface Simulation {
  vehicles: SimVehicle[];
  /** Simulated seconds since start. */
  timeS(): number;
  stop(): Promise<void>;
}
