import type { AuthUser } from '../auth/index.ts';
import type { Db } from '../db/db.ts';
import type { DroneConnectionPolicy } from '../drones/connection-policy.ts';
import { getDrone, updateDrone, type DroneRecord } from '../drones/drone-repository.ts';
import { registerDrone } from '../drones/drone-service.ts';
import type { DemoDronesStarted } from './demo-drones-port.ts';

/** Fixed ids, so a restart finds the demo drones it registered before instead of adding new ones. */
export const demoDroneId = (sysId: number): string => `drone_demo_${sysId}`;

/** The aircraft and camera the demo drones are registered as (the simulator's camera is the M3E wide one). */
const DEMO_MODEL = 'm3e';
const DEMO_CAMERA = 'm3e-wide';

/**
 * Registers the demo drones for the demo operator's department, or points the ones registered by an earlier start
 * at this start's connection strings (the simulator's ports change from run to run). Returns them in sysId order.
 */
export async function ensureDemoFleet(
  db: Db,
  operator: AuthUser,
  drones: DemoDronesStarted['drones'],
  policy?: DroneConnectionPolicy,
): Promise<{ drones: DroneRecord[]; created: number }> {
  const out: DroneRecord[] = [];
  let created = 0;
  for (const d of [...drones].sort((a, b) => a.sysId - b.sysId)) {
    const id = demoDroneId(d.sysId);
    const existing = await getDrone(db, id);
    if (!existing) {
      out.push(
        await registerDrone(
          db,
          operator,
          { id, name: d.name, model: DEMO_MODEL, camera: DEMO_CAMERA, connection: d.connection },
          policy,
        ),
      );
      created++;
      continue;
    }
    if (existing.connection !== d.connection) {
      const { name, model, camera } = existing;
      await updateDrone(db, id, { name, model, camera, connection: d.connection }, existing.departmentId);
    }
    out.push((await getDrone(db, id))!);
  }
  return { drones: out, created };
}
