import type { CallOptions } from '../../abort.ts';
import type { TransferStats } from './mission-transfer.ts';
import type { MissionType } from './mission-items.ts';

export type MissionPhase = 'upload' | 'verify';

/** Progress of an upload: items sent, then items read back for verification. */
export interface TransferProgress {
  phase: MissionPhase;
  done: number;
  total: number;
}

export interface UploadOptions extends CallOptions {
  missionType?: MissionType;
  onProgress?: (p: TransferProgress) => void;
  /** Skip the transfer when the vehicle still holds the same plan (matching opaque_id). Default true. */
  skipIfUnchanged?: boolean;
}

/** Where the vehicle's home is, as it reports it (ArduPilot: mission item 0). */
export interface VehicleHome {
  latDeg: number;
  lonDeg: number;
  altAmslM: number;
}

export interface UploadResult {
  /** Items of the caller's list (without ArduPilot's home placeholder). */
  itemCount: number;
  /** opaque_id the vehicle gave the plan (0 if unsupported). */
  opaqueId: number;
  /** The vehicle already had this exact plan (opaque_id unchanged); nothing was sent. */
  skipped: boolean;
  /** Always true: an upload that could not be verified rejects. */
  verified: true;
  /** Whether the vehicle sent the final MISSION_ACK (false: accepted on verification alone). */
  acked: boolean;
  durationMs: number;
  stats: TransferStats;
  /** ArduPilot: the home the vehicle holds at item 0 (it replaces whatever is uploaded there). */
  home?: VehicleHome;
}

export interface DownloadOptions extends CallOptions {
  missionType?: MissionType;
  onProgress?: (p: TransferProgress) => void;
}

/** Mission execution state from MISSION_CURRENT / MISSION_ITEM_REACHED, as indexes into the caller's items. */
export interface MissionProgress {
  /** Index of the item being flown to (−1 while at ArduPilot's home item). */
  currentIndex: number;
  /** Raw MISSION_CURRENT seq. */
  currentSeq: number;
  /** Items in the vehicle's mission (caller's count; ArduPilot's home excluded). */
  total: number;
  /** Index of the last item reached, −1 if none yet. */
  lastReachedIndex: number;
  /** MISSION_STATE (0 unknown, 1 no mission, 2 not started, 3 active, 4 paused, 5 complete). */
  state: number;
}
