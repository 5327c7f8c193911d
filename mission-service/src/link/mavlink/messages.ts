/** The MAVLink dialect the link speaks: common + ArduPilot extensions, through node-mavlink's mappings. */
import { ardupilotmega, common, minimal } from 'node-mavlink';
import type { MavLinkData, MavLinkPacketRegistry } from 'node-mavlink';

export { ardupilotmega, common, minimal };
export type { MavLinkData };

/** msgid → data class, for decoding. */
export const REGISTRY: MavLinkPacketRegistry = {
  ...minimal.REGISTRY,
  ...common.REGISTRY,
  ...ardupilotmega.REGISTRY,
};

/** MAV_AUTOPILOT values we distinguish. */
export const MAV_AUTOPILOT = { generic: 0, ardupilotmega: 3, invalid: 8, px4: 12 } as const;
/** MAV_TYPE_GCS. */
export const MAV_TYPE_GCS = 6;
/** MAV_COMP_ID_AUTOPILOT1 / MAV_COMP_ID_MISSIONPLANNER / MAV_COMP_ID_CAMERA. */
export const MAV_COMP_ID = { autopilot: 1, missionPlanner: 190, camera: 100 } as const;

/** Message id of a data class instance (MSG_ID is a static of each generated class). */
export function msgIdOf(msg: MavLinkData): number {
  return (msg.constructor as unknown as { MSG_ID: number }).MSG_ID;
}
