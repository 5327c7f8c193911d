import type { Queryable } from '../db/db.ts';
import type { DroneInput } from '../contract/drones.ts';

export interface DroneRecord {
  id: string;
  name: string;
  model: string;
  camera: string;
  connection: string;
  signingKey: string | null;
  departmentId: string | null;
  createdAt: string;
}

interface DroneRow {
  id: string;
  name: string;
  model: string;
  camera: string;
  connection: string;
  signing_key: string | null;
  department_id: string | null;
  created_at: Date | string;
}

const toRecord = (r: DroneRow): DroneRecord => ({
  id: r.id,
  name: r.name,
  model: r.model,
  camera: r.camera,
  connection: r.connection,
  signingKey: r.signing_key,
  departmentId: r.department_id,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Every drone, by name. */
export async function listDrones(db: Queryable): Promise<DroneRecord[]> {
  return (await db.query<DroneRow>('SELECT * FROM drones ORDER BY name')).rows.map(toRecord);
}

/** One drone or null. */
export async function getDrone(db: Queryable, id: string): Promise<DroneRecord | null> {
  const r = await db.query<DroneRow>('SELECT * FROM drones WHERE id = $1', [id]);
  return r.rows[0] ? toRecord(r.rows[0]) : null;
}

/** Inserts a drone. */
export async function insertDrone(
  db: Queryable,
  id: string,
  d: DroneInput,
  departmentId: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO drones (id, name, model, camera, connection, signing_key, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, d.name, d.model, d.camera, d.connection, d.signingKey?.toLowerCase() ?? null, departmentId],
  );
}

/** Replaces a drone's fields; the signing key is kept when `signingKey` is undefined. */
export async function updateDrone(
  db: Queryable,
  id: string,
  d: DroneInput,
  departmentId: string | null,
): Promise<void> {
  await db.query(
    `UPDATE drones SET name = $2, model = $3, camera = $4, connection = $5,
            signing_key = CASE WHEN $6::boolean THEN $7 ELSE signing_key END, department_id = $8
      WHERE id = $1`,
    [
      id,
      d.name,
      d.model,
      d.camera,
      d.connection,
      d.signingKey !== undefined,
      d.signingKey?.toLowerCase() ?? null,
      departmentId,
    ],
  );
}

/** Deletes a drone. */
export async function deleteDrone(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM drones WHERE id = $1', [id])).affectedRows > 0;
}
