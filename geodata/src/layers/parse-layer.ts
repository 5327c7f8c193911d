/**
 * Edge validation of layer files: schema (zod) first, then geometry validity. Every problem names the layer,
 * the feature (index, id, name) and the field.
 */
import type { Geometry } from 'geojson';
import type { z } from 'zod';
import { LayerValidationError, type LayerIssue } from './issues.ts';
import { layerCollectionSchemas, type LayerName } from './layer-schemas.ts';
import { validateGeometry, type ValidateGeometryOptions } from './validate-geometry.ts';

/** The parsed collection type of each layer. */
export type LayerCollectionOf<N extends LayerName> = z.infer<(typeof layerCollectionSchemas)[N]>;

export type LayerParseResult<T> = { ok: true; data: T; issues: [] } | { ok: false; issues: LayerIssue[] };

function featureLabel(input: unknown, index: number): { id: string | null; name: string | null } {
  const f = (input as { features?: unknown[] } | null)?.features?.[index] as
    { properties?: { id?: unknown; name?: unknown } | null } | undefined;
  const id = f?.properties?.id;
  const name = f?.properties?.name;
  return { id: typeof id === 'string' ? id : null, name: typeof name === 'string' ? name : null };
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)),
    '',
  );
}

/** zod issues → layer issues (feature index/id/name pulled from the raw input). */
export function zodIssuesToLayerIssues(
  layer: string | null,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): LayerIssue[] {
  return issues.map((iss) => {
    const [head, index, ...rest] = iss.path;
    const bilingual = iss.message.includes(' / ');
    const message = bilingual ? iss.message : `字段无效 / invalid value: ${iss.message}`;
    if (head === 'features' && typeof index === 'number') {
      const { id, name } = featureLabel(input, index);
      return {
        layer,
        featureIndex: index,
        featureId: id,
        featureName: name,
        field: pathText(rest) || '(feature)',
        message,
      };
    }
    return {
      layer,
      featureIndex: null,
      featureId: null,
      featureName: null,
      field: pathText(iss.path) || '(root)',
      message,
    };
  });
}

/** Geometry validity of every feature of a (schema-valid) collection. */
export function validateLayerGeometry(
  collection: { features: readonly { properties: { id?: string; name?: string }; geometry: unknown }[] },
  layer: string | null = null,
  options: ValidateGeometryOptions = {},
): LayerIssue[] {
  return collection.features.flatMap((f, i) =>
    validateGeometry(f.geometry as Geometry, options).map((g) => ({
      layer,
      featureIndex: i,
      featureId: f.properties.id ?? null,
      featureName: f.properties.name ?? null,
      field: g.field,
      message: g.message,
    })),
  );
}

/** Parses and validates a layer (already JSON-decoded). Never throws on bad data. */
export function parseLayer<N extends LayerName>(
  layer: N,
  input: unknown,
  options: ValidateGeometryOptions = {},
): LayerParseResult<LayerCollectionOf<N>> {
  const parsed = layerCollectionSchemas[layer].safeParse(input);
  if (!parsed.success) return { ok: false, issues: zodIssuesToLayerIssues(layer, input, parsed.error.issues) };
  const data = parsed.data as LayerCollectionOf<N>;
  const issues = validateLayerGeometry(data, layer, options);
  const ids = new Map<string, number>();
  data.features.forEach((f, i) => {
    const prev = ids.get(f.properties.id);
    if (prev !== undefined) {
      issues.push({
        layer,
        featureIndex: i,
        featureId: f.properties.id,
        featureName: f.properties.name,
        field: 'properties.id',
        message: `id重复（同第${prev}个要素）/ duplicate id (same as feature #${prev})`,
      });
    }
    ids.set(f.properties.id, i);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, data, issues: [] };
}

/** Like {@link parseLayer} but throws a {@link LayerValidationError} listing every issue. */
export function assertLayer<N extends LayerName>(
  layer: N,
  input: unknown,
  options: ValidateGeometryOptions = {},
): LayerCollectionOf<N> {
  const r = parseLayer(layer, input, options);
  if (!r.ok) throw new LayerValidationError(r.issues, `图层 ${layer} 无效 / layer ${layer} is invalid`);
  return r.data;
}
