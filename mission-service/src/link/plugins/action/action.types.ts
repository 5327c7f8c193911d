import type { CallOptions } from '../../abort.ts';

export interface TakeoffOptions extends CallOptions {
  /** Arm first if the vehicle is disarmed. Default false (MAVSDK's takeoff does not arm either). */
  arm?: boolean;
}
