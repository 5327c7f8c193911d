import type { DroneLiveStatus } from '../../src/contract/drones.ts';
import type { DroneConnection, DroneConnectInfo, DroneLinkManager } from '../../src/drones/link-port.ts';

/**
 * Drones whose live status a test sets directly (for pre-flight checks). The mission-flying paths are tested
 * against the simulator through the real link; this stands in only where a status value is the input.
 */
export class StatusOnlyLinks implements DroneLinkManager {
  readonly statuses = new Map<string, DroneLiveStatus>();
  set(droneId: string, s: DroneLiveStatus): void {
    this.statuses.set(droneId, s);
  }
  get(droneId: string): DroneConnection | undefined {
    const s = this.statuses.get(droneId);
    if (!s) return undefined;
    const refuse = async () => {
      throw new Error('status-only test drone cannot fly');
    };
    return {
      status: () => s,
      subscribe: () => () => {},
      uploadMission: refuse,
      startMission: refuse,
      pauseMission: refuse,
      continueMission: refuse,
      setCurrentItem: refuse,
      returnToLaunch: refuse,
      close: async () => {},
    };
  }
  async connect(d: DroneConnectInfo): Promise<DroneConnection> {
    this.set(d.id, { connected: true, batteryPct: 100 });
    return this.get(d.id)!;
  }
  async disconnect(id: string): Promise<void> {
    this.statuses.delete(id);
  }
  async closeAll(): Promise<void> {
    this.statuses.clear();
  }
}
