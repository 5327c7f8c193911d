/**
 * The project's layers every map shows, asked for as early as the page knows a map will be shown: the app shell
 * starts the requests together with the view's code (MapLibre is the largest chunk), not after it has loaded and
 * run. Kept free of MapLibre so the shell can import it.
 */
import { appConfig, layerFeatures, type LayerKind } from '../api/client.ts';
import { localize, t } from '../i18n.ts';
import { toast } from '../ui/feedback.ts';

export const LAYER_KINDS: LayerKind[] = ['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'];

export type Areas = Map<LayerKind, GeoJSON.Feature[]>;

/** Every layer, page after page; a layer that fails is said once and left empty (the others still show). */
export async function loadAreas(): Promise<Areas> {
  const lists = await Promise.all(
    LAYER_KINDS.map((k) =>
      layerFeatures(k).catch((err: unknown) => {
        const msg = err instanceof Error ? localize(err.message) : String(err);
        toast(t('map.layerFailed', { layer: t(`layer.${k}`), msg }), { kind: 'warn', timeoutMs: 12_000 });
        return [];
      }),
    ),
  );
  return new Map(LAYER_KINDS.map((k, i) => [k, lists[i]!]));
}

let early: Promise<Areas> | undefined;

/** Starts reading the configuration and the layers now, for the map about to be made. */
export function prefetchMapData(): void {
  void appConfig().catch(() => undefined);
  early ??= loadAreas();
}

/** The layers for a new map: the early read if one is waiting (taken once: layers change), else a fresh one. */
export function takeAreas(): Promise<Areas> {
  const p = early ?? loadAreas();
  early = undefined;
  return p;
}
