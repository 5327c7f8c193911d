import { randomUUID } from 'node:crypto';
import { mapConstraintError } from '../areas/db-errors.ts';
import { auditChange } from '../audit/audit-log.ts';
import { assertCanChange, canSee, ownerDepartment, type AuthUser } from '../auth/index.ts';
import { DroneInputSchema, type Drone } from '../contract/drones.ts';
import type { Db } from '../db/db.ts';
import { notFound } from '../app-error.ts';
import { assertKnownCamera } from '../presets/presets.ts';
import {
  assertConnectionAllowed,
  DEFAULT_DRONE_CONNECTION_POLICY,
  type DroneConnectionPolicy,
} from './connection-policy.ts';
import { deleteDrone, getDrone, insertDrone, listDrones, updateDrone, type DroneRecord } from './drone-repository.ts';
import { liveStatus, type DroneLinkManager } from './link-port.ts';

/** The API view of a drone: never the signing key itself, plus live status from the link. */
export function droneView(d: DroneRecord, links?: DroneLinkManager): Drone {
  const { signingKey, ...rest } = d;
  return { ...rest, hasSigningKey: signingKey !== null, status: liveStatus(links, d.id) };
}

/** Object-level check shared by everything reached through a drone (missions, telemetry, flights): 404 if hidden. */
export function assertDroneAccess(user: AuthUser, d: { id?: string; departmentId: string | null }): void {
  if (!canSee(user, d)) throw notFound(`drone ${d.id ?? ''}`.trim());
}

/** A drone the user may see, or 404 (also when it belongs to another department). */
export async function loadDrone(db: Db, user: AuthUser, id: string): Promise<DroneRecord> {
  const d = await getDrone(db, id);
  if (!d || !canSee(user, d)) throw notFound(`drone ${id}`);
  return d;
}

/** Checks that the flight exists and the user may see it (as they may see its drone), or 404. */
export async function assertFlightAccess(db: Db, user: AuthUser, flightId: string): Promise<void> {
  const f = await db.query<{ drone_id: string | null }>('SELECT drone_id FROM flights WHERE id = $1', [flightId]);
  const flight = f.rows[0];
  if (!flight) throw notFound(`flight ${flightId}`);
  if (flight.drone_id) {
    const d = await getDrone(db, flight.drone_id);
    if (d && !canSee(user, d)) throw notFound(`flight ${flightId}`);
  }
}

const departmentFor = (user: AuthUser, requested: string | null | undefined) =>
  ownerDepartment(user, requested, '不能为其他部门登记 / cannot register drones for another department');

/** Drones visible to the user (their department's and shared ones; all for admin/dispatcher). */
export async function visibleDrones(db: Db, user: AuthUser): Promise<DroneRecord[]> {
  return (await listDrones(db)).filter((d) => canSee(user, d));
}

/** Registers a drone; its connection must be one the policy allows (400 saying why not). */
export async function registerDrone(
  db: Db,
  user: AuthUser,
  body: unknown,
  policy: DroneConnectionPolicy = DEFAULT_DRONE_CONNECTION_POLICY,
): Promise<DroneRecord> {
  const input = DroneInputSchema.parse(body);
  assertConnectionAllowed(policy, input.connection);
  await assertKnownCamera(db, input.camera);
  const id = input.id ?? `drone_${randomUUID()}`;
  await insertDrone(db, id, input, departmentFor(user, input.departmentId)).catch((e) =>
    mapConstraintError(e, `drone ${input.name}`),
  );
  return (await getDrone(db, id))!;
}

/** Replaces a drone's registration (keeps its signing key unless one is given or null clears it). */
export async function changeDrone(
  db: Db,
  user: AuthUser,
  id: string,
  body: unknown,
  policy: DroneConnectionPolicy = DEFAULT_DRONE_CONNECTION_POLICY,
): Promise<DroneRecord> {
  const existing = await loadDrone(db, user, id);
  assertCanChange(user, existing, 'drone');
  const input = DroneInputSchema.parse(body);
  assertConnectionAllowed(policy, input.connection);
  await assertKnownCamera(db, input.camera);
  const dept = input.departmentId === undefined ? existing.departmentId : departmentFor(user, input.departmentId);
  await updateDrone(db, id, input, dept).catch((e) => mapConstraintError(e, `drone ${input.name}`));
  return (await getDrone(db, id))!;
}

/** Removes a drone (409 while missions or flights refer to it). */
export async function removeDrone(db: Db, user: AuthUser, id: string, links?: DroneLinkManager): Promise<void> {
  const d = await loadDrone(db, user, id);
  assertCanChange(user, d, 'drone');
  await db
    .transaction(async (tx) => {
      await deleteDrone(tx, id);
      await auditChange(tx, user, 'drone.delete', 'drone', id, { name: d.name, model: d.model, camera: d.camera });
    })
    .catch((e) => mapConstraintError(e, `drone ${id}`));
  await links?.disconnect(id);
}
