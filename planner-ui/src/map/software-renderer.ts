/**
 * Maps on a software renderer (no usable GPU: SwiftShader, Mesa's llvmpipe, Windows' Basic Render Driver — county
 * PCs in remote desktops, virtual machines, the browser tests) draw every pixel on the CPU. There, the hillshade's
 * full-screen raster costs more per frame than all the project's layers and case pins together, and every frame's
 * pixels are rasterised and then read back for the compositor: so while the map moves the hillshade is hidden and the
 * map drawn at half resolution, both back when it stops; on a GPU nothing changes.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

/** Whether a WebGL renderer string names a software rasteriser. */
export const isSoftwareRendererName = (renderer: string): boolean => SOFTWARE.test(renderer);

/** The renderer behind the map's WebGL context ('' where the browser does not say). */
export function rendererName(map: MapLibreMap): string {
  const gl = map.getCanvas().getContext('webgl2') ?? map.getCanvas().getContext('webgl');
  if (!gl) return '';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
}

interface ResizableMap {
  /** MapLibre's own resize of the canvas and drawing buffer, without the move and resize events `resize()` fires. */
  _resizeInternal?: (constrainView?: boolean) => void;
  /** What `setPixelRatio` sets (`null`: the device's). */
  _overridePixelRatio?: number | null;
}

/**
 * Draws the map at `scale` times its pixel ratio (a smaller drawing buffer the browser scales up), or at its own
 * ratio again with `null`. Unlike `setPixelRatio`, fires no events: `resize()` fires movestart and moveend when the
 * camera is not animating, and stops the map, which would end a drag that has just begun. False where this MapLibre
 * has no such resize (the resolution is then left alone).
 */
export function scaleDrawingBuffer(map: MapLibreMap, scale: number | null, own: number | null): boolean {
  const m = map as unknown as ResizableMap;
  if (typeof m._resizeInternal !== 'function' || !('_overridePixelRatio' in m)) return false;
  m._overridePixelRatio = scale === null ? own : (own ?? devicePixelRatio) * scale;
  m._resizeInternal(false);
  map.triggerRepaint();
  return true;
}

/**
 * While the map moves: hides `hideLayer` and draws at `movingScale` times the pixel ratio (a quarter of the pixels at
 * 0.5: SwiftShader's raster and the compositor's read-back of every frame shrink with them). Both come back once the
 * map has rested for `restMs`, together, in one frame (a burst of pans or zooms does not bring them back between
 * moves). Nothing is hidden while the layer is not there.
 */
export function lightenWhileMoving(
  map: MapLibreMap,
  { hideLayer, movingScale = 0.5, restMs = 300 }: { hideLayer: string; movingScale?: number; restMs?: number },
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The pixel ratio the page set (null: the device's), drawn again at rest.
  let own: number | null = null;
  let lowered = false;
  const setVisibility = (visibility: 'visible' | 'none') => {
    if (map.getLayer(hideLayer) && map.getLayoutProperty(hideLayer, 'visibility') !== visibility)
      map.setLayoutProperty(hideLayer, 'visibility', visibility);
  };
  // Moves since the last movestart: a jump (fitBounds or jumpTo without animation) fires one, and is drawn once at
  // full resolution rather than blurred until the rest timer; drags and animations fire one per frame.
  let moves = 0;
  map.on('movestart', () => {
    clearTimeout(timer);
    setVisibility('none');
    moves = 0;
  });
  map.on('move', () => {
    if (++moves !== 2 || lowered || movingScale >= 1) return;
    own = (map as unknown as ResizableMap)._overridePixelRatio ?? null;
    lowered = scaleDrawingBuffer(map, movingScale, own);
  });
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      setVisibility('visible');
      if (lowered) scaleDrawingBuffer(map, null, own);
      lowered = false;
    }, restMs);
  });
  map.on('remove', () => clearTimeout(timer));
}
