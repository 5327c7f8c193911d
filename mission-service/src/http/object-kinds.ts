import { getArea, type AreaFeature } from '../areas/area-repository.ts';
import type { ObjectOwner } from '../auth/roles.ts';
import { findCase } from '../cases/repository.ts';
import type { CaseView } from '../cases/repository.ts';
import type { Queryable } from '../db/db.ts';
import { getDrone, type DroneRecord } from '../drones/drone-repository.ts';
import { getMission, type MissionRecord } from '../missions/mission-repository.ts';
import { getPlan, type PlanRecord } from '../plans/plan-repository.ts';
import { getSchedule, type ScheduleRecord } from '../schedules/schedule-repository.ts';

export interface FlightRef {
  id: string;
  droneId: string | null;
  missionId: string | null;
  departmentId: string | null;
}

export interface ReinspectionRef {
  id: string;
  caseId: string;
  departmentId: string | null;
  assistDepartmentIds: string[];
}

export interface ImageRef {
  sha256: string;
  flightId: string | null;
  departmentId: string | null;
}

/** A drone-found incident: the department of the drone whose photo first found it. */
export interface IncidentRef {
  id: string;
  departmentId: string | null;
}

/** A detection: its photo's department. */
export interface DetectionRef {
  id: string;
  imageSha256: string;
  departmentId: string | null;
}

async function loadIncident(db: Queryable, id: string): Promise<IncidentRef | null> {
  const r = await db.query<{ id: string; department_id: string | null }>(
    'SELECT id, department_id FROM incidents WHERE id = $1',
    [id],
  );
  const x = r.rows[0];
  return x ? { id: x.id, departmentId: x.department_id } : null;
}

async function loadDetection(db: Queryable, id: string): Promise<DetectionRef | null> {
  const r = await db.query<{ id: string; image_sha256: string; department_id: string | null }>(
    `SELECT d.id, d.image_sha256, i.department_id FROM detections d JOIN images i ON i.sha256 = d.image_sha256
      WHERE d.id = $1`,
    [id],
  );
  const x = r.rows[0];
  return x ? { id: x.id, imageSha256: x.image_sha256, departmentId: x.department_id } : null;
}

/** Every kind of object a route can name in its path, with what loading it gives the handler. */
export interface ObjectKinds {
  area: AreaFeature;
  drone: DroneRecord;
  plan: PlanRecord;
  schedule: ScheduleRecord;
  mission: MissionRecord;
  flight: FlightRef;
  case: CaseView;
  reinspection: ReinspectionRef;
  image: ImageRef;
  incident: IncidentRef;
  detection: DetectionRef;
}
export type ObjectKind = keyof ObjectKinds;

interface KindSpec<T> {
  /** Word for messages. */
  label: string;
  load(db: Queryable, id: string): Promise<T | null>;
  owner(o: T): ObjectOwner;
}

async function loadFlight(db: Queryable, id: string): Promise<FlightRef | null> {
  const r = await db.query<{
    id: string;
    drone_id: string | null;
    mission_id: string | null;
    department_id: string | null;
  }>(
    `SELECT f.id, f.drone_id, f.mission_id, d.department_id FROM flights f LEFT JOIN drones d ON d.id = f.drone_id
      WHERE f.id = $1`,
    [id],
  );
  const f = r.rows[0];
  return f ? { id: f.id, droneId: f.drone_id, missionId: f.mission_id, departmentId: f.department_id } : null;
}

async function loadReinspection(db: Queryable, id: string): Promise<ReinspectionRef | null> {
  const r = await db.query<{ id: string; case_id: string; department_id: string | null; assist: string[] | null }>(
    `SELECT r.id, r.case_id, c.department_id, c.assist_department_ids AS assist
       FROM reinspections r JOIN cases c ON c.id = r.case_id WHERE r.id = $1`,
    [id],
  );
  const x = r.rows[0];
  return x ? { id: x.id, caseId: x.case_id, departmentId: x.department_id, assistDepartmentIds: x.assist ?? [] } : null;
}

/** A photo is its drone's department's (or its uploader's, unattributed), recorded at ingest (migration 008). */
async function loadImage(db: Queryable, sha256: string): Promise<ImageRef | null> {
  const r = await db.query<{ sha256: string; flight_id: string | null; department_id: string | null }>(
    `SELECT i.sha256, i.flight_id, i.department_id FROM images i WHERE i.sha256 = $1`,
    [sha256],
  );
  const x = r.rows[0];
  return x ? { sha256: x.sha256, flightId: x.flight_id, departmentId: x.department_id } : null;
}

const byDepartment = (o: { departmentId: string | null }): ObjectOwner => ({ departmentId: o.departmentId });

/** How each kind is loaded and whose it is (the department rule of `auth/roles.ts` decides from there). */
export const OBJECT_KINDS: { [K in ObjectKind]: KindSpec<ObjectKinds[K]> } = {
  area: {
    label: 'area',
    load: getArea,
    owner: (a) => ({ departmentId: (a.properties.departmentId as string | null | undefined) ?? null }),
  },
  drone: { label: 'drone', load: getDrone, owner: byDepartment },
  plan: { label: 'plan', load: getPlan, owner: byDepartment },
  schedule: { label: 'schedule', load: getSchedule, owner: byDepartment },
  mission: { label: 'mission', load: getMission, owner: byDepartment },
  flight: { label: 'flight', load: loadFlight, owner: byDepartment },
  case: {
    label: 'case',
    load: (db, id) => findCase(db, id),
    owner: (c) => ({ departmentId: c.departmentId, assistDepartmentIds: c.assistDepartmentIds }),
  },
  reinspection: {
    label: 're-inspection',
    load: loadReinspection,
    owner: (r) => ({ departmentId: r.departmentId, assistDepartmentIds: r.assistDepartmentIds }),
  },
  image: { label: 'image', load: loadImage, owner: byDepartment },
  incident: { label: 'incident', load: loadIncident, owner: byDepartment },
  detection: { label: 'detection', load: loadDetection, owner: byDepartment },
};
