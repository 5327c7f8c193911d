import { loadSampleLayers } from '@xuncha/geodata';
import { insertArea, type AreaKind } from '../areas/area-repository.ts';
import type { Db } from './db.ts';

const LEVEL_ORDER: Record<string, number> = { city: 0, township: 1, village: 2 };

/**
 * Loads the Longquan sample layers, departments and routing rules, once per installation (marked in app_meta),
 * all in one transaction: a failure leaves nothing half-loaded. Returns counts, or null when already done.
 */
export async function loadSampleDataOnce(db: Db): Promise<Record<string, number> | null> {
  const done = await db.query('SELECT 1 FROM app_meta WHERE key = $1', ['sample_data_loaded']);
  if (done.rows.length > 0) return null;
  const layers = await loadSampleLayers();
  return db.transaction(async (tx) => {
    // Another instance may have loaded it between our check and this lock.
    await tx.query('SELECT pg_advisory_xact_lock(7240002)');
    const again = await tx.query('SELECT 1 FROM app_meta WHERE key = $1', ['sample_data_loaded']);
    if (again.rows.length > 0) return null;

    const counts: Record<string, number> = {};
    const byKind: [AreaKind, GeoJSON.FeatureCollection][] = [
      ['river', layers.rivers],
      ['farmland', layers.farmland],
      ['hillside', layers.hillsides],
      ['nofly', layers.nofly],
      ['jurisdiction', layers.jurisdictions],
    ];
    for (const [kind, fc] of byKind) {
      // Parents before children, for the jurisdiction hierarchy's foreign key.
      const features = [...fc.features].sort(
        (a, b) => (LEVEL_ORDER[String(a.properties?.level)] ?? 0) - (LEVEL_ORDER[String(b.properties?.level)] ?? 0),
      );
      for (const f of features) {
        const p = (f.properties ?? {}) as Record<string, unknown>;
        const { id, name, namePinyin, nameEn, kind: _k, level, parentId, gridCode, gridName, ...rest } = p;
        await insertArea(tx, {
          id: String(id),
          kind,
          name: String(name),
          namePinyin: (namePinyin as string) ?? null,
          nameEn: (nameEn as string) ?? null,
          level: kind === 'jurisdiction' ? String(level) : null,
          parentId: kind === 'jurisdiction' ? ((parentId as string) ?? null) : null,
          gridCode: (gridCode as string) ?? null,
          gridName: (gridName as string) ?? null,
          properties: rest,
          geometry: f.geometry,
        });
      }
      counts[kind] = features.length;
    }
    for (const d of layers.departments.departments) {
      await tx.query('INSERT INTO departments (id, name, name_en, categories) VALUES ($1, $2, $3, $4)', [
        d.id,
        d.name,
        d.nameEn ?? null,
        d.categories,
      ]);
    }
    counts.departments = layers.departments.departments.length;
    for (const r of layers.departments.routing) {
      const township = r.lead === 'township';
      await tx.query(
        `INSERT INTO routing_rules (category, lead_department_id, lead_is_township, assist_department_ids)
         VALUES ($1, $2, $3, $4)`,
        [r.category, township ? null : r.lead, township, r.assist],
      );
    }
    counts.routingRules = layers.departments.routing.length;
    await tx.query('INSERT INTO app_meta (key, value) VALUES ($1, $2)', ['sample_data_loaded', JSON.stringify(counts)]);
    return counts;
  });
}
