import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
// MapLibre's worker as a hashed asset of our own: no blob: worker, no CDN (MapLibre 6 under Vite needs this).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { appConfig, layerFeatures, type LayerKind } from '../api/client.ts';
import type { AppConfig } from '../api/types.ts';
import { currentLang, localize, t } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/feedback.ts';
import { skipInvisibleSky } from './skip-sky.ts';
import { isSoftwareRendererName, lightenWhileMoving, rendererName } from './software-renderer.ts';
import { AREA_SOURCE, buildStyle, HILLSHADE_LAYER, hillshadeLayer, IDEOGRAPH_FONTS } from './style.ts';

/** Longquan study area (the sample data's extent), used until the hillshade tells the DEM's. */
const DEFAULT_BOUNDS: [number, number, number, number] = [119.03, 28.0, 119.25, 28.13];

maplibregl.setWorkerUrl(workerUrl);
// Start the worker now, while the configuration and the layers are fetched, not when the map is made.
maplibregl.prewarm();

let warned = false;

/** The page's map configuration, loaded once (the same answer the login page and demo banner read). */
export const mapConfig = (): Promise<AppConfig> => appConfig();

const BASEMAP_KEY = 'xuncha.basemap';
function chosenBasemap(cfg: AppConfig): string | null {
  const id = localStorage.getItem(BASEMAP_KEY);
  return id && cfg.map.basemaps.some((b) => b.id === id) ? id : null;
}

const LAYER_KINDS: LayerKind[] = ['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'];

/** The project's layers as the one collection the style's AREA_SOURCE shows (see style.ts). */
async function loadAreas(): Promise<Map<LayerKind, GeoJSON.Feature[]>> {
  const lists = await Promise.all(
    LAYER_KINDS.map((k) =>
      layerFeatures(k).catch((err: unknown) => {
        // A layer that cannot be read must not keep the map (and the view) from the others: say so, go on.
        const msg = err instanceof Error ? localize(err.message) : String(err);
        toast(t('map.layerFailed', { layer: t(`layer.${k}`), msg }), { kind: 'warn', timeoutMs: 12_000 });
        return [];
      }),
    ),
  );
  return new Map(LAYER_KINDS.map((k, i) => [k, lists[i]!]));
}
const collection = (byKind: Map<LayerKind, GeoJSON.Feature[]>): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: [...byKind.values()].flat(),
});

export interface MapHandle {
  map: MapLibreMap;
  /** Resolves when the style and the project's layers are loaded and drawn (the hillshade follows). */
  ready: Promise<void>;
  /** Reads one of the project's layers again (after an area was drawn, imported or deleted) and shows it. */
  reloadLayer(kind: LayerKind): Promise<void>;
  /** Re-applies the style (language or basemap change), then calls `restore` to re-add the view's own layers. */
  restyle(restore: () => void): void;
  dispose(): void;
}

/** A map of the project's layers in `container`, with navigation, scale and basemap controls. */
export async function createMap(container: HTMLElement, opts: { onRestyle?: () => void } = {}): Promise<MapHandle> {
  const [cfg, areas] = await Promise.all([mapConfig(), loadAreas()]);
  if (!warned && cfg.map.warnings.length) {
    warned = true;
    for (const w of cfg.map.warnings) toast(w, { kind: 'warn', timeoutMs: 12_000 });
  }
  let basemap = chosenBasemap(cfg);
  // The first load draws the project's layers only; the hillshade (a 300 KB image, and a full-screen raster pass on
  // every frame) is added once the map is up, and is part of every later style.
  let withHillshade = false;
  const style = () =>
    buildStyle({ config: cfg.map, areas: collection(areas), lang: currentLang(), basemap, hillshade: withHillshade });
  const bounds = cfg.map.hillshade ? boundsOf(cfg.map.hillshade.coordinates) : DEFAULT_BOUNDS;
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', t('map.label'));
  const map = new maplibregl.Map({
    container,
    style: style(),
    bounds,
    fitBoundsOptions: { padding: 20 },
    localIdeographFontFamily: IDEOGRAPH_FONTS,
    attributionControl: { compact: true },
    maxPitch: 0,
    dragRotate: false,
    pitchWithRotate: false,
    fadeDuration: 0,
  });
  map.touchZoomRotate.disableRotation();
  skipInvisibleSky(map);
  if (isSoftwareRendererName(rendererName(map))) lightenWhileMoving(map, { hideLayer: HILLSHADE_LAYER });
  // Browser tests and the UI bench drive and inspect the live map through this handle.
  (window as unknown as { xunchaMap?: MapLibreMap }).xunchaMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  let restore = opts.onRestyle ?? (() => {});
  if (cfg.map.basemaps.length)
    map.addControl(
      basemapControl(
        cfg,
        () => basemap,
        (id) => {
          basemap = id;
          if (id) localStorage.setItem(BASEMAP_KEY, id);
          else localStorage.removeItem(BASEMAP_KEY);
          map.setStyle(style(), { diff: false });
          map.once('style.load', () => restore());
        },
      ),
      'top-right',
    );
  map.on('error', (e: maplibregl.ErrorEvent) => {
    // Basemap tiles failing (offline) must not hide the project's map: say it once, keep going.
    const src = (e as { sourceId?: string }).sourceId;
    if (src === 'basemap' || src === 'basemap-labels') return;
    console.warn('map error', e.error?.message);
  });
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      // Tests and the bench wait for this: loaded() alone stays false while live sources keep updating.
      container.dataset.mapReady = 'true';
      // The moment the page saw it (bench:ui reads it: the driver's own wait adds its polling and round trip).
      performance.mark('xuncha:map-ready');
      resolve();
    };
    if (map.loaded()) done();
    else map.once('load', done);
  });
  void ready.then(() => {
    const shade = hillshadeLayer(cfg.map, !!basemap);
    if (!shade || withHillshade || !map.getStyle()) return;
    withHillshade = true;
    map.addSource(HILLSHADE_LAYER, shade.source);
    // Under the project's layers (and over a basemap): before the first of the style's area layers.
    const firstArea = map.getStyle().layers.find((l) => 'source' in l && l.source === AREA_SOURCE);
    map.addLayer(shade.layer, firstArea?.id);
  });
  return {
    map,
    ready,
    async reloadLayer(kind) {
      areas.set(kind, await layerFeatures(kind));
      (map.getSource(AREA_SOURCE) as maplibregl.GeoJSONSource | undefined)?.setData(collection(areas));
    },
    restyle(r) {
      restore = r;
      map.setStyle(style(), { diff: false });
      map.once('style.load', () => r());
    },
    dispose: () => map.remove(),
  };
}

function boundsOf(c: [number, number][]): [number, number, number, number] {
  const xs = c.map((p) => p[0]);
  const ys = c.map((p) => p[1]);
  // The DEM has a margin around the study area: pull in a little.
  const [w, s, e, n] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const dx = (e - w) * 0.04;
  const dy = (n - s) * 0.06;
  return [w + dx, s + dy, e - dx, n - dy];
}

function basemapControl(
  cfg: AppConfig,
  current: () => string | null,
  choose: (id: string | null) => void,
): maplibregl.IControl {
  let el: HTMLElement;
  return {
    onAdd() {
      const select = h(
        'select',
        { 'aria-label': t('map.basemap'), onchange: () => choose(select.value || null) },
        h('option', { value: '' }, t('map.basemapOffline')),
        cfg.map.basemaps.map((b) => h('option', { value: b.id }, b.label)),
      );
      select.value = current() ?? '';
      el = h('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group basemap-ctrl' }, select);
      return el;
    },
    onRemove() {
      el.remove();
    },
  };
}
