import {
  exportPlanGeoJson,
  exportPlanKml,
  exportPlanKmz,
  exportQgcPlan,
  exportWpmlKmz,
  planSchema,
  writeWpl,
} from '@xuncha/geodata';
import type { PlanExportFormat } from '../contract/plans.ts';
import { AppError, notFound } from '../app-error.ts';
import type { PlanRecord } from './plan-repository.ts';

/** An exported file: bytes or text, its media type and a file name. */
export interface ExportedFile {
  body: string | Uint8Array;
  contentType: string;
  filename: string;
}

/** Formats written one sortie per file (a flight), the others hold the whole plan. */
export const PER_SORTIE_FORMATS: readonly PlanExportFormat[] = ['qgc', 'plan', 'wpl', 'wpml'];

/**
 * A plan in one of the export formats: QGroundControl `.plan` (`qgc`; `plan` is its older name), `QGC WPL 110`
 * (`wpl`), DJI WPML KMZ (`wpml`) — one sortie each — or the whole plan's routes, photo positions and `areas`
 * as `kml`, `kmz` or `geojson`. Plans that a format cannot carry are a 422 naming why.
 */
export function exportPlanFile(
  plan: PlanRecord,
  format: PlanExportFormat,
  sortie: number,
  areas: readonly GeoJSON.Feature[] = [],
): ExportedFile {
  // A stored document that is not a whole plan (planning failed or was never run) has nothing to export.
  const parsed = planSchema.safeParse(plan.document);
  if (!parsed.success) {
    throw new AppError(
      'unprocessable',
      'not_exportable',
      `计划没有可导出的航线 / plan ${plan.id} has no planned route to export (re-plan it first)`,
    );
  }
  const doc = parsed.data;
  const base = plan.id.replace(/[^\w.-]/g, '_');
  if (PER_SORTIE_FORMATS.includes(format) && !doc.sorties[sortie]) {
    throw notFound(`sortie ${sortie} of plan ${plan.id}`);
  }
  const file = `${base}-${sortie}`;
  try {
    switch (format) {
      case 'qgc':
      case 'plan':
        return { body: exportQgcPlan(doc, { sortie }), contentType: 'application/json', filename: `${file}.plan` };
      case 'wpl': {
        const s = doc.sorties[sortie]!;
        const home = s.launch ?? doc.launch;
        const altM = s.launch ? 0 : (doc.launch.altAmslM ?? 0);
        return {
          body: writeWpl({ home: { lat: home.lat, lon: home.lon, altM }, items: s.items }),
          contentType: 'text/plain; charset=utf-8',
          filename: `${file}.waypoints`,
        };
      }
      case 'wpml':
        return {
          body: exportWpmlKmz(doc, { sortie }),
          contentType: 'application/vnd.google-earth.kmz',
          filename: `${file}.kmz`,
        };
      case 'kml':
        return {
          body: exportPlanKml(doc, { areas, planId: plan.id, name: plan.name }),
          contentType: 'application/vnd.google-earth.kml+xml; charset=utf-8',
          filename: `${base}.kml`,
        };
      case 'kmz':
        return {
          body: exportPlanKmz(doc, { areas, planId: plan.id, name: plan.name }),
          contentType: 'application/vnd.google-earth.kmz',
          filename: `${base}.kmz`,
        };
      case 'geojson':
        return {
          body: JSON.stringify(exportPlanGeoJson(doc, { areas, planId: plan.id, name: plan.name })),
          contentType: 'application/geo+json',
          filename: `${base}.geojson`,
        };
    }
  } catch (e) {
    if ((e as Error).name === 'PlanFormatError') {
      throw new AppError(
        'unprocessable',
        'not_exportable',
        `无法导出 / cannot export as ${format}: ${(e as Error).message}`,
      );
    }
    throw e;
  }
}
