/**
 * A GeoJSON area file as the import route takes it: a FeatureCollection whose features all say their kind and have a
 * name (a file from a GIS or a web map rarely has either). Read in the page, so a file that is not GeoJSON is
 * explained before anything is sent.
 */
/** Half width of a river without one (channel and banks), as the plan view gives a drawn river. */
export const DEFAULT_RIVER_HALF_WIDTH_M = 30;

export class GeoJsonFileError extends Error {
  override readonly name = 'GeoJsonFileError';
}

export function geoJsonFeatures(
  text: string,
  fileName: string,
  kind: string,
): { type: 'FeatureCollection'; features: unknown[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new GeoJsonFileError(`文件不是有效的 GeoJSON / ${fileName} is not valid JSON: ${(e as Error).message}`);
  }
  const d = doc as { type?: unknown; features?: unknown; geometry?: unknown; coordinates?: unknown };
  const features: unknown[] =
    d?.type === 'FeatureCollection' && Array.isArray(d.features)
      ? d.features
      : d?.type === 'Feature'
        ? [d]
        : typeof d?.type === 'string' && d.coordinates
          ? [{ type: 'Feature', geometry: d, properties: {} }]
          : [];
  if (!features.length)
    throw new GeoJsonFileError(
      `文件中没有要素 / ${fileName} holds no GeoJSON feature (expects a FeatureCollection, Feature or geometry)`,
    );
  const base = fileName.replace(/\.(geo)?json$/i, '');
  return {
    type: 'FeatureCollection',
    features: features.map((f, i) => {
      if (!f || typeof f !== 'object') return f; // the service names what is wrong with it
      const props = { ...((f as { properties?: Record<string, unknown> }).properties ?? {}) };
      props.kind ??= kind;
      if (props.kind === 'river') props.halfWidthM ??= DEFAULT_RIVER_HALF_WIDTH_M;
      props.name ??= props.Name ?? props.NAME ?? props.名称 ?? (features.length > 1 ? `${base} ${i + 1}` : base);
      return { ...(f as object), properties: props };
    }),
  };
}
