/**
 * Drone link: MAVLink v2 through node-mavlink with a MAVSDK-shaped surface.
 *
 *   const link = await MavlinkLink.connect('udpin://0.0.0.0:14540');
 *   const drone = await link.waitForVehicle();
 *   await drone.mission.upload(items, { onProgress });
 *   for await (const p of drone.telemetry.position.stream({ signal })) …
 */
export { MavlinkLink, type LinkOptions, type LinkStats, type SigningOptions } from './core/link.ts';
export { Vehicle, type HeartbeatInfo } from './core/vehicle.ts';
export type { VehicleCore } from './core/vehicle-core.ts';
export type { Autopilot, FlightMode, VehicleType } from './core/autopilot.ts';
export { DEFAULT_COMMAND_TIMING, type CommandTiming } from './core/command-sender.ts';
export type { LinkLogger } from './core/logger.ts';
export {
  LinkError,
  LINK_RESULT_HTTP_STATUS,
  missionResultName,
  isLinkError,
  toLinkError,
  type LinkResult,
} from './errors.ts';
export { DEFAULT_OPERATION_DEADLINE_MS, type CallOptions } from './abort.ts';
export { Latest, EventStream } from './latest.ts';
export { parseConnectionUrl, formatConnection, type ConnectionSpec } from './connection-url.ts';
export { parseSigningKey, type SigningKey } from './mavlink/signing.ts';
export { realClock, type Clock } from './clock.ts';
export {
  MavCmd,
  MavFrame,
  MavMissionType,
  MavMissionResult,
  MavResult,
  ArduPilotMavCmd,
  commandName,
} from './mavlink/enums.ts';
export {
  MissionType,
  parseMissionItems,
  missionItemSchema,
  type MissionItem,
} from './plugins/mission/mission-items.ts';
export {
  findMismatch,
  describeMismatch,
  ALTITUDE_TOLERANCE_M,
  ANGLE_TOLERANCE_DEG,
  FLOAT_RELATIVE_TOLERANCE,
  type ItemMismatch,
} from './plugins/mission/verify.ts';
export { expectedOnVehicle, prepareForVehicle } from './plugins/mission/vehicle-storage.ts';
export { missionItemsFromPlan } from './plugins/mission/plan-items.ts';
export { QGC_TIMING, type TransferTiming } from './plugins/mission/mission-transfer.ts';
export type { MissionPlugin } from './plugins/mission/mission.ts';
export type * from './plugins/mission/mission.types.ts';
export type { ActionPlugin } from './plugins/action/action.ts';
export type { TelemetryPlugin } from './plugins/telemetry/telemetry.ts';
export type * from './plugins/telemetry/telemetry.types.ts';
export type { CameraPlugin } from './plugins/camera/camera.ts';
export type * from './plugins/camera/camera.types.ts';
export type { GeofencePlugin } from './plugins/geofence/geofence.ts';
export type * from './plugins/geofence/geofence.types.ts';
export { geofenceToItems, itemsToGeofence, noFlyZonesToGeofence } from './plugins/geofence/geofence-items.ts';
