import { createPropertyExpression, latest } from '@maplibre/maplibre-gl-style-spec';
import type { CircleLayerSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { caseClustersLayer, casePointsLayer, sameForEveryFeature } from './case-layers.ts';

/** How MapLibre reads a circle paint expression: 'constant' (a uniform), 'source' (per feature), 'camera', 'composite'. */
function kindOf(property: string, value: unknown): string {
  const spec = (latest as unknown as { paint_circle: Record<string, never> }).paint_circle[property]!;
  const parsed = createPropertyExpression(value, property, spec);
  if (parsed.result !== 'success') throw new Error(`${property}: ${JSON.stringify(parsed.value)}`);
  return parsed.value.kind;
}

/** The paint properties a circle layer takes per feature: together they choose the layer's shader program (the
 * others, plain values or constant expressions, are uniforms). */
function perFeature(layer: CircleLayerSpecification): string[] {
  return Object.entries(layer.paint ?? {})
    .filter(([p, v]) => Array.isArray(v) && typeof v[0] === 'string' && kindOf(p, v) !== 'constant')
    .map(([p]) => p)
    .sort();
}

describe('case layers', () => {
  it('sameForEveryFeature is read per feature and gives its value', () => {
    const e = createPropertyExpression(
      sameForEveryFeature(2),
      'circle-stroke-width',
      latest.paint_circle['circle-stroke-width'] as never,
    );
    expect(e.result).toBe('success');
    if (e.result !== 'success') return;
    expect(e.value.kind).toBe('source');
    const expression = e.value as unknown as { evaluate(g: unknown, f: unknown): unknown };
    expect(expression.evaluate({ zoom: 12 }, { type: 'Point', properties: { point_count: 3 } })).toBe(2);
    expect(expression.evaluate({ zoom: 12 }, { type: 'Point', properties: {} })).toBe(2);
  });

  it('clusters and single pins share one shader program (the same per-feature paint properties)', () => {
    const pins = perFeature(casePointsLayer());
    expect(pins).toEqual(['circle-color', 'circle-radius', 'circle-stroke-color', 'circle-stroke-width']);
    expect(perFeature(caseClustersLayer())).toEqual(pins);
  });
});
