/**
 * The offline map style: the project's own layers (served by `/api/layers/:kind`), a hillshade rendered by the
 * service from the DEM, and labels drawn by the browser from local fonts (no `glyphs` URL: MapLibre then draws every
 * glyph itself, Chinese through `localIdeographFontFamily`), so the map needs no tile or glyph server at all.
 */
import type { StyleSpecification, LayerSpecification, ExpressionSpecification } from 'maplibre-gl';
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

export interface StyleOptions {
  config: AppConfig['map'];
  layerUrl: (kind: 'river' | 'farmland' | 'hillside' | 'nofly' | 'jurisdiction') => string;
  lang: Lang;
  /** Online basemap id, or null for the offline map. */
  basemap: string | null;
}

export function buildStyle(o: StyleOptions): StyleSpecification {
  const name = nameExpr(o.lang);
  const sources: StyleSpecification['sources'] = {
    river: { type: 'geojson', data: o.layerUrl('river') },
    farmland: { type: 'geojson', data: o.layerUrl('farmland') },
    hillside: { type: 'geojson', data: o.layerUrl('hillside') },
    nofly: { type: 'geojson', data: o.layerUrl('nofly') },
    jurisdiction: { type: 'geojson', data: o.layerUrl('jurisdiction') },
  };
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#eef1e8' } },
  ];
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
  if (o.config.hillshade) {
    sources.hillshade = {
      type: 'image',
      url: new URL(o.config.hillshade.url, location.origin).href,
      coordinates: o.config.hillshade.coordinates,
    };
    layers.push({
      id: 'hillshade',
      type: 'raster',
      source: 'hillshade',
      paint: { 'raster-opacity': base ? 0.5 : 1, 'raster-fade-duration': 0 },
    });
  }
  const fillOpacity = base ? 0.35 : 0.6;
  layers.push(
    {
      id: 'farmland-fill',
      type: 'fill',
      source: 'farmland',
      paint: { 'fill-color': '#c5dd8f', 'fill-opacity': fillOpacity },
    },
    { id: 'farmland-line', type: 'line', source: 'farmland', paint: { 'line-color': '#7c9a3c', 'line-width': 1 } },
    {
      id: 'hillside-fill',
      type: 'fill',
      source: 'hillside',
      paint: { 'fill-color': '#d9b98c', 'fill-opacity': fillOpacity },
    },
    {
      id: 'hillside-line',
      type: 'line',
      source: 'hillside',
      paint: { 'line-color': '#9a7444', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'jurisdiction-village',
      type: 'line',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'village'],
      minzoom: 12,
      paint: { 'line-color': '#8a8f99', 'line-width': 0.8, 'line-dasharray': [2, 2] },
    },
    {
      id: 'jurisdiction-township',
      type: 'line',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'township'],
      paint: { 'line-color': '#6b5b95', 'line-width': 1.6, 'line-opacity': 0.8 },
    },
    {
      id: 'jurisdiction-city',
      type: 'line',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'city'],
      paint: { 'line-color': '#4a3f6b', 'line-width': 2.5, 'line-dasharray': [4, 2] },
    },
    {
      id: 'river-line',
      type: 'line',
      source: 'river',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#4a90d9', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 14, 6, 17, 18] },
    },
    { id: 'nofly-fill', type: 'fill', source: 'nofly', paint: { 'fill-color': '#e53935', 'fill-opacity': 0.18 } },
    {
      id: 'nofly-line',
      type: 'line',
      source: 'nofly',
      paint: { 'line-color': '#c62828', 'line-width': 2, 'line-dasharray': [2, 1] },
    },
  );
  if (base?.overlayTiles) layers.push({ id: 'basemap-labels', type: 'raster', source: 'basemap-labels' });
  const halo = { 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  layers.push(
    {
      id: 'river-label',
      type: 'symbol',
      source: 'river',
      layout: { 'symbol-placement': 'line', 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 13 },
      paint: { 'text-color': '#1f5d99', ...halo },
    },
    {
      id: 'village-label',
      type: 'symbol',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'village'],
      minzoom: 13,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 12 },
      paint: { 'text-color': '#555b66', ...halo },
    },
    {
      id: 'township-label',
      type: 'symbol',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'township'],
      minzoom: 10.5,
      maxzoom: 15,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 15 },
      paint: { 'text-color': '#4a3f6b', ...halo },
    },
    {
      id: 'city-label',
      type: 'symbol',
      source: 'jurisdiction',
      filter: ['==', ['get', 'level'], 'city'],
      maxzoom: 11,
      layout: { 'text-field': name, 'text-font': LABEL_FONTS, 'text-size': 18 },
      paint: { 'text-color': '#2e2640', ...halo },
    },
    {
      id: 'nofly-label',
      type: 'symbol',
      source: 'nofly',
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
