import type { DroneLiveStatus } from '../contract/drones.ts';

/** A mission item as the planner writes it (MAVLink MISSION_ITEM_INT fields); the link validates it. */
export type PlanMissionItem = Record<string, unknown>;

/**
 * What the service needs from one connected drone. The drone link (`src/link`, MAVSDK-shaped) satisfies it
 * through `link-adapter.ts`; tests may use any implementation. Failures reject with an Error whose
 * `result` is a link result code (timeout, denied, …).
 */
export interface DroneConnection {
  status(): DroneLiveStatus;
  /** Live updates; returns the unsubscribe function. */
  subscribe(listener: (s: DroneLiveStatus) => void): () => void;
  uploadMission(items: readonly PlanMissionItem[]): Promise<void>;
  startMission(): Promise<void>;
  pauseMission(): Promise<void>;
  continueMission(): Promise<void>;
  /** Makes `seq` the next item to fly (resume from the last reached item). */
  setCurrentItem(seq: number): Promise<void>;
  returnToLaunch(): Promise<void>;
  close(): Promise<void>;
}

export interface DroneConnectInfo {
  id: string;
  connection: string;
  signingKey: string | null;
}

/** Keeps one connection per registered drone. */
export interface DroneLinkManager {
  get(droneId: string): DroneConnection | undefined;
  connect(drone: DroneConnectInfo): Promise<DroneConnection>;
  disconnect(droneId: string): Promise<void>;
  closeAll(): Promise<void>;
}

const OFFLINE: DroneLiveStatus = { connected: false };

/** Status of a drone, offline when it has no connection. */
export function liveStatus(links: DroneLinkManager | undefined, droneId: string): DroneLiveStatus {
  return links?.get(droneId)?.status() ?? OFFLINE;
}

/** A manager over a connect function (the link's `connect(url)` wrapped by an adapter). */
export class SimpleLinkManager implements DroneLinkManager {
  private readonly conns = new Map<string, DroneConnection>();
  constructor(private readonly open: (drone: DroneConnectInfo) => Promise<DroneConnection>) {}
  get(droneId: string): DroneConnection | undefined {
    return this.conns.get(droneId);
  }
  async connect(drone: DroneConnectInfo): Promise<DroneConnection> {
    await this.disconnect(drone.id);
    const c = await this.open(drone);
    this.conns.set(drone.id, c);
    return c;
  }
  async disconnect(droneId: string): Promise<void> {
    const c = this.conns.get(droneId);
    this.conns.delete(droneId);
    await c?.close();
  }
  async closeAll(): Promise<void> {
    await Promise.all([...this.conns.keys()].map((id) => this.disconnect(id)));
  }
}
