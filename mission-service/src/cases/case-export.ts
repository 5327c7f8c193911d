/**
 * A page of cases as the map and the spreadsheet want it: a GeoJSON FeatureCollection (one Point feature per case,
 * the case in its properties; the page's `total` and `nextCursor` as foreign members) or CSV (UTF-8 with BOM so
 * Excel reads the Chinese, cells that look like formulas defused).
 */
import { csvCell } from '../stats/export.ts';
import type { CaseView } from './repository.ts';

export interface CasePage {
  items: CaseView[];
  total: number;
  nextCursor: string | null;
}

export function casesToGeoJson(page: CasePage) {
  return {
    type: 'FeatureCollection' as const,
    features: page.items.map(({ position, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      geometry: position,
      properties,
    })),
    total: page.total,
    nextCursor: page.nextCursor,
  };
}

const COLUMNS: [string, (c: CaseView) => string | number | null][] = [
  ['id', (c) => c.id],
  ['category', (c) => c.category],
  ['state', (c) => c.state],
  ['source', (c) => c.source],
  ['severity', (c) => c.severity],
  ['lon', (c) => c.position.coordinates[0]],
  ['lat', (c) => c.position.coordinates[1]],
  ['level', (c) => c.level],
  ['departmentId', (c) => c.departmentId],
  ['jurisdictionId', (c) => c.jurisdictionId],
  ['reportCount', (c) => c.reportCount],
  ['description', (c) => c.description],
  ['address', (c) => c.address],
  ['createdAt', (c) => c.createdAt],
  ['acceptDueAt', (c) => c.acceptDueAt],
  ['dispatchDueAt', (c) => c.dispatchDueAt],
  ['resolveDueAt', (c) => c.resolveDueAt],
  ['acceptedAt', (c) => c.acceptedAt],
  ['dispatchedAt', (c) => c.dispatchedAt],
  ['resolvedAt', (c) => c.resolvedAt],
  ['closedAt', (c) => c.closedAt],
  ['escalationLevel', (c) => c.escalationLevel],
];

export function casesToCsv(cases: readonly CaseView[]): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const c of cases) lines.push(COLUMNS.map(([, get]) => csvCell(get(c))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
