import {
  farmlandPropertiesSchema,
  hillsidePropertiesSchema,
  jurisdictionPropertiesSchema,
  noFlyPropertiesSchema,
  riverPropertiesSchema,
  validateGeometry,
} from '@xuncha/geodata';
import type { z } from 'zod';
import { AreaInputSchema, type AreaInput } from '../contract/areas.ts';
import { AppError } from '../app-error.ts';
import type { AreaKind, NewArea } from './area-repository.ts';

/** Counts positions without trusting the shape, stopping early past `limit` (a 10-million-vertex body is cheap to refuse). */
export function countVertices(coords: unknown, limit = Infinity): number {
  let n = 0;
  const stack: unknown[] = [coords];
  while (stack.length && n <= limit) {
    const c = stack.pop();
    if (!Array.isArray(c)) continue;
    if (typeof c[0] === 'number') n++;
    else for (const x of c) stack.push(x);
  }
  return n;
}

// geodata's per-kind rules; pinyin/English names and the id are filled in by the service when absent.
const PROPERTY_SCHEMAS: Record<AreaKind, z.ZodObject> = {
  river: riverPropertiesSchema,
  farmland: farmlandPropertiesSchema,
  hillside: hillsidePropertiesSchema,
  nofly: noFlyPropertiesSchema,
  jurisdiction: jurisdictionPropertiesSchema,
};

const RESERVED = new Set([
  'id',
  'kind',
  'name',
  'namePinyin',
  'nameEn',
  'departmentId',
  'level',
  'parentId',
  'gridCode',
  'gridName',
]);

export interface ValidatedArea {
  area: NewArea;
  departmentId: string | null | undefined;
}

/**
 * Validates one area feature from outside (the vertex cap is the caller's, before it): structure, geometry type per kind, geodata's per-kind
 * property rules and geometry validity (closed rings, ranges, self-intersections). Throws a 400/413 AppError
 * naming the field; `where` prefixes messages in imports (e.g. `features[3]`).
 */
export function validateAreaInput(raw: unknown, id: string, where = ''): ValidatedArea {
  const at = (f: string) => (where ? `${where}.${f}` : f);
  const parsed = AreaInputSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new AppError(
      'invalid_input',
      'invalid_input',
      `输入无效 / invalid input at ${at(i.path.join('.') || '(feature)')}: ${i.message}`,
      {
        issues: parsed.error.issues.map((x) => ({ path: at(x.path.join('.')), message: x.message })),
      },
    );
  }
  const f: AreaInput = parsed.data;
  const kind = f.properties.kind;
  const isLine = f.geometry.type === 'LineString' || f.geometry.type === 'MultiLineString';
  if ((kind === 'river') !== isLine) {
    throw new AppError(
      'invalid_input',
      'invalid_geometry',
      `几何类型不符 / ${at('geometry.type')}: ${kind} needs ${kind === 'river' ? 'a (Multi)LineString' : 'a (Multi)Polygon'}, got ${f.geometry.type}`,
    );
  }
  const props = {
    ...f.properties,
    id,
    namePinyin: f.properties.namePinyin ?? f.properties.name,
    nameEn: f.properties.nameEn ?? f.properties.name,
  };
  const checked = PROPERTY_SCHEMAS[kind].safeParse(props);
  if (!checked.success) {
    const i = checked.error.issues[0]!;
    throw new AppError(
      'invalid_input',
      'invalid_input',
      `属性无效 / invalid ${at(`properties.${i.path.join('.')}`)}: ${i.message}`,
    );
  }
  const issues = validateGeometry(f.geometry as GeoJSON.Geometry, { winding: 'ignore' });
  if (issues.length) {
    throw new AppError(
      'invalid_input',
      'invalid_geometry',
      `几何无效 / invalid ${at(issues[0]!.field)}: ${issues[0]!.message}`,
      {
        issues: issues.slice(0, 20).map((x) => ({ path: at(x.field), message: x.message })),
      },
    );
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f.properties)) if (!RESERVED.has(k)) extra[k] = v;
  const p = f.properties as Record<string, unknown>;
  return {
    departmentId: f.properties.departmentId,
    area: {
      id,
      kind,
      name: f.properties.name,
      namePinyin: f.properties.namePinyin ?? null,
      nameEn: f.properties.nameEn ?? null,
      level: kind === 'jurisdiction' ? (p.level as string) : null,
      parentId: kind === 'jurisdiction' ? ((p.parentId as string | null) ?? null) : null,
      gridCode: kind === 'jurisdiction' ? (p.gridCode as string) : null,
      gridName: kind === 'jurisdiction' ? (p.gridName as string) : null,
      properties: extra,
      geometry: f.geometry as GeoJSON.Geometry,
    },
  };
}
