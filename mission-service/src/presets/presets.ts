/**
 * Camera and drone presets (tables of migration 011): the built-in ones of @xuncha/geodata, added once on first use
 * (source 'builtin'), and an admin's own (source 'admin'). A registered drone's camera must be one of them; a plan
 * flown by a drone plans with that camera (and the drone's model, when it is a preset), through the planner's
 * preset registry so an admin's camera plans as well as a built-in one.
 */
import { cameraPresets, cameraSchema, dronePresets, droneSchema, type PresetRegistry } from '@xuncha/geodata';
import type { z } from 'zod';
import type { AuthUser } from '../auth/index.ts';
import { auditChange } from '../audit/audit-log.ts';
import type { CameraPresetSpecSchema, DronePresetSpecSchema } from '../contract/organisation.ts';
import type { Db, Queryable } from '../db/db.ts';
import { AppError, notFound } from '../app-error.ts';

export type PresetKind = 'camera' | 'drone';
const TABLE: Record<PresetKind, string> = { camera: 'camera_presets', drone: 'drone_presets' };

interface PresetRow {
  name: string;
  spec: unknown;
  source: 'builtin' | 'admin';
}

const seeded = new WeakSet<object>();

/** Adds the built-in presets a table lacks (never overwriting one an admin changed). */
export async function ensureBuiltinPresets(db: Queryable): Promise<void> {
  if (seeded.has(db)) return;
  for (const [kind, presets] of [
    ['camera', cameraPresets],
    ['drone', dronePresets],
  ] as const) {
    const list = Object.values(presets);
    await db.query(
      `INSERT INTO ${TABLE[kind]} (name, spec, source)
       SELECT n, s::jsonb, 'builtin' FROM unnest($1::text[], $2::text[]) AS t (n, s) ON CONFLICT (name) DO NOTHING`,
      [list.map((p) => p.name), list.map((p) => JSON.stringify(p))],
    );
  }
  seeded.add(db);
}

const parse = (v: unknown) =>
  typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>);

export async function listPresets(db: Queryable, kind: PresetKind) {
  await ensureBuiltinPresets(db);
  const r = await db.query<PresetRow>(`SELECT name, spec, source FROM ${TABLE[kind]} ORDER BY name`);
  return r.rows.map((x) => ({ spec: parse(x.spec), source: x.source }));
}

export async function getPreset(db: Queryable, kind: PresetKind, name: string) {
  await ensureBuiltinPresets(db);
  const r = await db.query<PresetRow>(`SELECT name, spec, source FROM ${TABLE[kind]} WHERE name = $1`, [name]);
  const row = r.rows[0];
  return row ? { spec: parse(row.spec), source: row.source } : null;
}

/** The registry the planner resolves camera and drone names in. */
export async function presetRegistry(db: Queryable): Promise<PresetRegistry> {
  const [cameras, drones] = await Promise.all([listPresets(db, 'camera'), listPresets(db, 'drone')]);
  return {
    cameras: Object.fromEntries(cameras.map((c) => [c.spec.name as string, cameraSchema.parse(c.spec)])),
    drones: Object.fromEntries(drones.map((d) => [d.spec.name as string, droneSchema.parse(d.spec)])),
  };
}

/** 400 naming the field unless `camera` is a known camera preset. */
export async function assertKnownCamera(db: Queryable, camera: string, field = 'camera'): Promise<void> {
  if (await getPreset(db, 'camera', camera)) return;
  const known = (await listPresets(db, 'camera')).map((c) => c.spec.name as string);
  throw new AppError(
    'invalid_input',
    'unknown_camera',
    `未知相机 / unknown camera "${camera}": use a camera preset (${known.join(', ')}) or add one (PUT /api/presets/cameras/{name})`,
    [{ in: 'body', field, message: `known cameras: ${known.join(', ')}` }],
  );
}

/** Creates or replaces an admin preset (audited). */
export async function putPreset(
  db: Db,
  actor: AuthUser,
  kind: PresetKind,
  spec: z.output<typeof CameraPresetSpecSchema> | z.output<typeof DronePresetSpecSchema>,
) {
  await ensureBuiltinPresets(db);
  if (kind === 'drone') {
    const cam = (spec as z.output<typeof DronePresetSpecSchema>).defaultCamera;
    if (cam) await assertKnownCamera(db, cam, 'defaultCamera');
  }
  const before = await getPreset(db, kind, spec.name);
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO ${TABLE[kind]} (name, spec, source) VALUES ($1, $2::jsonb, 'admin')
       ON CONFLICT (name) DO UPDATE SET spec = $2::jsonb, source = 'admin', updated_at = now()`,
      [spec.name, JSON.stringify(spec)],
    );
    await auditChange(tx, actor, `preset.${kind}.put`, `${kind}_preset`, spec.name, { before, after: spec });
  });
  return (await getPreset(db, kind, spec.name))!;
}

/** Deletes an admin preset no drone uses (409 otherwise; built-ins stay). Audited. */
export async function deletePreset(db: Db, actor: AuthUser, kind: PresetKind, name: string): Promise<void> {
  const p = await getPreset(db, kind, name);
  if (!p) throw notFound(`${kind} preset ${name}`);
  if (p.source === 'builtin')
    throw new AppError('conflict', 'builtin_preset', `内置预设不可删除 / built-in preset ${name} cannot be deleted`);
  const used = await db.query<{ id: string }>(
    `SELECT id FROM drones WHERE ${kind === 'camera' ? 'camera' : 'model'} = $1 ORDER BY id LIMIT 20`,
    [name],
  );
  if (used.rows.length)
    throw new AppError(
      'conflict',
      'preset_in_use',
      `预设仍被无人机使用 / preset is used by drones: ${used.rows.map((d) => d.id).join(', ')}`,
      {
        droneIds: used.rows.map((d) => d.id),
      },
    );
  await db.transaction(async (tx) => {
    await tx.query(`DELETE FROM ${TABLE[kind]} WHERE name = $1`, [name]);
    await auditChange(tx, actor, `preset.${kind}.delete`, `${kind}_preset`, name, p);
  });
}
