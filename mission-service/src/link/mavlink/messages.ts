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

/** Message id of a data class instance (MSG_ID is a static of each generated class). */
export function msgIdOf(msg: MavLinkData): number {
  return (msg.constructor as unknown as { MSG_ID: number }).MSG_ID;
}
