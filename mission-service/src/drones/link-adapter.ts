import type { DroneLiveStatus } from '../contract/drones.ts';
import { MavlinkLink, parseSigningKey, type Vehicle } from '../link/index.ts';
import type { DroneConnectInfo, DroneConnection, PlanMissionItem } from './link-port.ts';

/** Most status notifications per second a listener receives (telemetry arrives at ~5–10 Hz per stream). */
const MAX_STATUS_HZ = 5;

function statusOf(v: Vehicle): DroneLiveStatus {
  const pos = v.telemetry.position.value;
  const bat = v.telemetry.battery.value;
  const prog = v.mission.progress.value;
  const vel = v.telemetry.velocity.value;
  return {
    connected: v.connected.value ?? false,
    armed: v.telemetry.armed.value,
    flightMode: v.telemetry.flightMode.value,
    batteryPct: bat && Number.isFinite(bat.remainingPct) ? bat.remainingPct : undefined,
    position: pos ? { type: 'Point', coordinates: [pos.lonDeg, pos.latDeg] } : undefined,
    altRelM: pos?.altRelM,
    headingDeg: v.telemetry.attitude.value?.headingDeg,
    speedMps: vel ? Math.hypot(vel.northMps, vel.eastMps) : undefined,
    missionProgress: prog
      ? { current: prog.currentIndex, total: prog.total, lastReached: prog.lastReachedIndex, state: prog.state }
      : undefined,
    updatedAt: new Date().toISOString(),
  };
}

/** Wraps one vehicle of the MAVSDK-shaped link as the service's DroneConnection. */
export function vehicleConnection(link: MavlinkLink, v: Vehicle): DroneConnection {
  return {
    status: () => statusOf(v),
    subscribe(listener) {
      let last = 0;
      let pending: NodeJS.Timeout | undefined;
      const emit = () => {
        pending = undefined;
        last = Date.now();
        listener(statusOf(v));
      };
      const onChange = () => {
        if (pending) return;
        const wait = last + 1000 / MAX_STATUS_HZ - Date.now();
        if (wait <= 0) emit();
        else pending = setTimeout(emit, wait);
      };
      const offs = [
        v.connected.subscribe(onChange),
        v.telemetry.position.subscribe(onChange),
        v.telemetry.battery.subscribe(onChange),
        v.telemetry.armed.subscribe(onChange),
        v.telemetry.flightMode.subscribe(onChange),
        v.mission.progress.subscribe(onChange),
      ];
      return () => {
        clearTimeout(pending);
        for (const off of offs) off();
      };
    },
    async uploadMission(items: readonly PlanMissionItem[]) {
      await v.mission.upload(items);
    },
    async startMission() {
      if (!v.telemetry.armed.value) {
        // ArduCopter refuses to arm in AUTO, RTL or LAND ("Arm: Mode not armable"), and a drone that flew its last
        // mission to the end lands and stays in AUTO: arm in GUIDED, then the mission switches it to AUTO.
        const mode = v.telemetry.flightMode.value;
        if (v.autopilot === 'ardupilot' && (mode === 'mission' || mode === 'rtl' || mode === 'land'))
          await v.action.setFlightMode('guided');
        await v.action.arm();
      }
      await v.mission.start();
    },
    pauseMission: () => v.mission.pause(),
    continueMission: () => v.mission.continue(),
    setCurrentItem: (seq: number) => v.mission.setCurrent(seq),
    returnToLaunch: () => v.action.returnToLaunch(),
    close: () => link.close(),
  };
}

/** How long a connection waits for the drone's first heartbeat. */
export const VEHICLE_DEADLINE_MS = 15_000;

/** Opens the drone's connection string through the link and waits for its vehicle (MAVSDK `connect(url)`). */
export async function openLinkConnection(
  d: DroneConnectInfo,
  opts: { vehicleDeadlineMs?: number } = {},
): Promise<DroneConnection> {
  const link = await MavlinkLink.connect(
    d.connection,
    d.signingKey ? { signing: { key: parseSigningKey(d.signingKey) } } : {},
  );
  try {
    const v = await link.waitForVehicle({ deadlineMs: opts.vehicleDeadlineMs ?? VEHICLE_DEADLINE_MS });
    await v.telemetry.requestRates().catch(() => undefined);
    return vehicleConnection(link, v);
  } catch (err) {
    await link.close();
    throw err;
  }
}
