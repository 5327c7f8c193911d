import type { CallOptions } from '../../abort.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import type { MissionPlugin } from '../mission/mission.ts';
import { MavMissionType } from '../../mavlink/enums.ts';
import type { UploadResult } from '../mission/mission.types.ts';
import { geofenceToItems, itemsToGeofence } from './geofence-items.ts';
import type { Geofence, GeofenceUploadOptions } from './geofence.types.ts';

/**
 * Geofence plugin: polygon and circle fences as mission type FENCE, uploaded through the mission protocol
 * (so with the same retries and the same verification by download).
 */
export class GeofencePlugin {
  constructor(private readonly v: VehicleCore & { mission: MissionPlugin }) {}

  /** Replace the vehicle's fence. An empty fence clears it. */
  upload(fence: Geofence, opts: GeofenceUploadOptions = {}): Promise<UploadResult> {
    let items;
    try {
      items = geofenceToItems(fence);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.v.mission.upload(items, {
      ...opts,
      missionType: MavMissionType.FENCE,
      onProgress: (p) => (p.phase === 'upload' ? opts.onProgress?.(p.done, p.total) : undefined),
    });
  }

  async download(opts: CallOptions = {}): Promise<Geofence> {
    return itemsToGeofence(await this.v.mission.download({ ...opts, missionType: MavMissionType.FENCE }));
  }

  clear(opts: CallOptions = {}): Promise<void> {
    return this.v.mission.clear({ ...opts, missionType: MavMissionType.FENCE });
  }
}
