import { getArea } from '../areas/area-repository.ts';
import type { Queryable } from '../db/db.ts';

/** The areas a plan covers, for exports that draw them beside the routes (areas deleted since are skipped). */
export async function planAreas(db: Queryable, areaIds: readonly string[]): Promise<GeoJSON.Feature[]> {
  const out: GeoJSON.Feature[] = [];
  for (const id of areaIds) {
    const a = await getArea(db, id);
    if (a) out.push(a);
  }
  return out;
}
