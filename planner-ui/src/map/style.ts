/**
 * The offline map style: the project's own layers (served by `/api/layers/:kind`), a hillshade rendered by the
 * service from the DEM, and labels drawn by the browser from local fonts (no `glyphs` URL: MapLibre then draws every
 * glyph itself, Chinese through `localIdeographFontFamily`), so the map needs no tile or glyph server at all.
 *
 * Drawn for a software renderer as much as for a GPU (county PCs, the browser tests): all five layers are ONE
 * GeoJSON source told apart by `kind` (MapLibre masks tiles in the stencil buffer again at every change of source,
 * a full-screen pass each on SwiftShader), no background layer (the container's CSS colour shows through the
 * transparent canvas), no fill antialiasing (the outlines are line layers of their own).
 */
import type { StyleSpecification, LayerSpecification, ExpressionSpecification, SourceSpecification } from 'maplibre-gl';
import type { AppConfig } from '../api/types.ts';
import type { Lang } from '../i18n.ts';

/** Fonts tried in order for labels (CSS families; with no glyphs URL the list is a fallback chain). */
export const LABEL_FONTS = ['Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];
export const IDEOGRAPH_FONTS =
  "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', 'Source Han Sans SC', sans-serif";

/** Label text in the page's language: Chinese name, or English/pinyin name falling back to it. */
export function nameExpr(lang: Lang): ExpressionSpecification {
  return lang === 'zh' ? ['get', 'name'] : ['coalesce', ['get', 'nameEn'], ['get', 'namePinyin'], ['get', 'name']];
}

/** The one source of the project's layers (features carry `kind`: river, farmland, hillside, nofly, jurisdiction). */
export const AREA_SOURCE = 'areas';
export const HILLSHADE_LAYER = 'hillshade';
/** The colour of the map where no layer draws (the canvas is transparent: see `.maplibregl-map` in styles.css). */
export const MAP_BACKGROUND = '#eef1e8';

export interface StyleOptions {
  config: AppConfig['map'];
  /** The project's layers, one collection (see AREA_SOURCE). */
  areas: GeoJSON.FeatureCollection;
  lang: Lang;
  /** Online basemap id, or null for the offline map. */
  basemap: string | null;
  /** Include the hillshade (the first load leaves it out and adds it once the map is up: `hillshadeLayer`). */
  hillshade: boolean;
}

const ofKind = (kind: string): ExpressionSpecification => ['==', ['get', 'kind'], kind];

/** The hillshade's source and layer (under the project's layers; half as strong over a basemap), or null. */
export function hillshadeLayer(
  config: AppConfig['map'],
  overBasemap: boolean,
): { source: SourceSpecification; layer: LayerSpecification } | null {
  if (!config.hillshade) return null;
  return {
    source: {
      type: 'image',
      url: new URL(config.hillshade.url, location.origin).href,
      coordinates: config.hillshade.coordinates,
    },
    layer: {
      id: HILLSHADE_LAYER,
      type: 'raster',
      source: HILLSHADE_LAYER,
      paint: { 'raster-opacity': overBasemap ? 0.5 : 1, 'raster-fade-duration': 0 },
    },
  };
}

export function buildStyle(o: StyleOptions): StyleSpecification {
  const name = nameExpr(o.lang);
  const sources: StyleSpecification['sources'] = {
    [AREA_SOURCE]: { type: 'geojson', data: o.areas },
  };
  const layers: LayerSpecification[] = [];
  const base = o.basemap ? o.config.basemaps.find((b) => b.id === o.basemap) : undefined;
  if (base) {
    sources.basemap = {
      type: 'raster',
      tiles: base.tiles,
      tileSize: 256,
      maxzoom: base.maxzoom,
      attribution: base.attribution,
    };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
    if (base.overlayTiles) {
      sources['basemap-labels'] = { type: 'raster', tiles: base.overlayTiles, tileSize: 256, maxzoom: base.maxzoom };
    }
  }
  const shade = o.hillshade ? hillshadeLayer(o.config, !!base) : null;
  if (shade) {
    sources[HILLSHADE_LAYER] = shade.source;
    layers.push(shade.layer);
  }
  const fillOpacity = base ? 0.35 : 0.6;
  layers.push(
    {
      id: 'farmland-fill',
      type: 'fill',
      source: AREA_SOURCE,
      filter: ofKind('farmland'),
      paint: { 'fill-color': '#c5dd8f', 'fill-opacity': fillOpacity, 'fill-antialias': false },
    },
    {
      id: 'farmland-line',
      type: 'line',
      source: AREA_SOURCE,
      filter: ofKind('farmland'),
      paint: { 'line-color': '#7c9a3c', 'line-width': 1 },
    },
    {
      id: 'hillside-fill',
      type: 'fill',
      source: AREA_SOURCE,
      filter: ofKind('hillside'),
      paint: { 'fill-color': '#d9b98c', 'fill-opacity': fillOpacity, 'fill-antialias': false },
    },
    {
      id: 'hillside-line',
      type: 'line',
      source: AREA_SOURCE,
      filter: ofKind('hillside'),
      paint: { 'line-color': '#9a7444', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'jurisdiction-village',
      type: 'line',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'village']],
      minzoom: 12,
      paint: { 'line-color': '#8a8f99', 'line-width': 0.8, 'line-dasharray': [2, 2] },
    },
    {
      id: 'jurisdiction-township',
      type: 'line',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'township']],
      paint: { 'line-color': '#6b5b95', 'line-width': 1.6, 'line-opacity': 0.8 },
    },
    {
      id: 'jurisdiction-city',
      type: 'line',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'city']],
      paint: { 'line-color': '#4a3f6b', 'line-width': 2.5, 'line-dasharray': [4, 2] },
    },
    {
      id: 'river-line',
      type: 'line',
      source: AREA_SOURCE,
      filter: ofKind('river'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#4a90d9', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 14, 6, 17, 18] },
    },
    {
      id: 'nofly-fill',
      type: 'fill',
      source: AREA_SOURCE,
      filter: ofKind('nofly'),
      paint: { 'fill-color': '#e53935', 'fill-opacity': 0.18, 'fill-antialias': false },
    },
    {
      id: 'nofly-line',
      type: 'line',
      source: AREA_SOURCE,
      filter: ofKind('nofly'),
      paint: { 'line-color': '#c62828', 'line-width': 2, 'line-dasharray': [2, 1] },
    },
  );
  if (base?.overlayTiles) layers.push({ id: 'basemap-labels', type: 'raster', source: 'basemap-labels' });
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  layers.push(
    {
      id: 'river-label',
      type: 'symbol',
      source: AREA_SOURCE,
      filter: ofKind('river'),
      layout: { 'symbol-placement': 'line', 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 13 },
      paint: { 'text-color': '#1f5d99', ...halo },
    },
    {
      id: 'village-label',
      type: 'symbol',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'village']],
      minzoom: 13,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 12 },
      paint: { 'text-color': '#555b66', ...halo },
    },
    {
      id: 'township-label',
      type: 'symbol',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'township']],
      minzoom: 10.5,
      maxzoom: 15,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 15 },
      paint: { 'text-color': '#4a3f6b', ...halo },
    },
    {
      id: 'city-label',
      type: 'symbol',
      source: AREA_SOURCE,
      filter: ['all', ofKind('jurisdiction'), ['==', ['get', 'level'], 'city']],
      maxzoom: 11,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 18 },
      paint: { 'text-color': '#2e2640', ...halo },
    },
    {
      id: 'nofly-label',
      type: 'symbol',
      source: AREA_SOURCE,
      filter: ofKind('nofly'),
      minzoom: 12,
      layout: {
        'text-field': o.lang === 'zh' ? ['concat', '禁飞 ', ['get', 'name']] : ['concat', 'No-fly: ', name],
        'text-font': LABEL_FONTS,
        'text-size': 12,
      },
      paint: { 'text-color': '#b71c1c', ...halo },
    },
  );
  return { version: 8, sources, layers };
}

/** Layers that hold areas a plan can cover (click to select). */
export const SELECTABLE_AREA_LAYERS = ['farmland-fill', 'hillside-fill', 'river-line'];
