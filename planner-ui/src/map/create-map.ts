import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
// MapLibre's worker as a hashed asset of our own: no blob: worker, no CDN (MapLibre 6 under Vite needs this).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { appConfig, layerUrl } from '../api/client.ts';
import type { AppConfig } from '../api/types.ts';
import { currentLang, t } from '../i18n.ts';
import { h } from '../ui/dom.ts';
import { toast } from '../ui/feedback.ts';
import { buildStyle, IDEOGRAPH_FONTS } from './style.ts';

/** Longquan study area (the sample data's extent), used until the hillshade tells the DEM's. */
const DEFAULT_BOUNDS: [number, number, number, number] = [119.03, 28.0, 119.25, 28.13];

maplibregl.setWorkerUrl(workerUrl);

let configPromise: Promise<AppConfig> | undefined;
let warned = false;

/** The page's map configuration, loaded once. */
export function mapConfig(): Promise<AppConfig> {
  configPromise ??= appConfig().catch((err: unknown) => {
    configPromise = undefined;
    throw err;
  });
  return configPromise;
}

const BASEMAP_KEY = 'xuncha.basemap';
function chosenBasemap(cfg: AppConfig): string | null {
  const id = localStorage.getItem(BASEMAP_KEY);
  return id && cfg.map.basemaps.some((b) => b.id === id) ? id : null;
}

export interface MapHandle {
  map: MapLibreMap;
  /** Resolves when the style and the project's layers are loaded. */
  ready: Promise<void>;
  /** Re-applies the style (language or basemap change), then calls `restore` to re-add the view's own layers. */
  restyle(restore: () => void): void;
  dispose(): void;
}

/** A map of the project's layers in `container`, with navigation, scale and basemap controls. */
export async function createMap(container: HTMLElement, opts: { onRestyle?: () => void } = {}): Promise<MapHandle> {
  const cfg = await mapConfig();
  if (!warned && cfg.map.warnings.length) {
    warned = true;
    for (const w of cfg.map.warnings) toast(w, { kind: 'warn', timeoutMs: 12_000 });
  }
  let basemap = chosenBasemap(cfg);
  const style = () => buildStyle({ config: cfg.map, layerUrl, lang: currentLang(), basemap });
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
      resolve();
    };
    if (map.loaded()) done();
    else map.once('load', done);
  });
  return {
    map,
    ready,
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
