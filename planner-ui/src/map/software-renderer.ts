/**
 * Maps on a software renderer (no usable GPU: SwiftShader, Mesa's llvmpipe, Windows' Basic Render Driver — county
 * PCs in remote desktops, virtual machines, the browser tests) draw every pixel on the CPU. There, the hillshade's
 * full-screen raster costs more per frame than all the project's layers and case pins together, so it is hidden
 * while the map moves and shown again when it stops; on a GPU nothing changes.
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

/** Hides `layerId` while the map moves, and shows it once the map has rested for `restMs` (a burst of pans or zooms
 * does not bring it back between moves). Nothing happens while the layer is not there. */
export function hideWhileMoving(map: MapLibreMap, layerId: string, restMs = 300): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const set = (visibility: 'visible' | 'none') => {
    if (map.getLayer(layerId) && map.getLayoutProperty(layerId, 'visibility') !== visibility)
      map.setLayoutProperty(layerId, 'visibility', visibility);
  };
  map.on('movestart', () => {
    clearTimeout(timer);
    set('none');
  });
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(() => set('visible'), restMs);
  });
  map.on('remove', () => clearTimeout(timer));
}
