/**
 * MapLibre draws its sky as a full-screen quad on every frame, even when the style has no sky (it is then
 * transparent) and the camera looks straight down, where no horizon can show. On a software renderer (SwiftShader,
 * what county PCs without a usable GPU and the browser tests get) that invisible quad cost more than every layer of
 * our maps together: about 75 ms of CPU a frame at 1040×787 (a frame of an empty map went from ~130 ms to the 17 ms
 * of the display's refresh once it was skipped). Our maps are pitch-locked at 0 (`maxPitch: 0`), so the sky is
 * skipped whenever the camera is not pitched.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';

type DrawFn = (mesh: unknown, ctx: { projectedCamera?: { pitch?: number } }) => void;
interface PainterLike {
  drawFunctions?: Record<string, DrawFn>;
}

/** Whether the painter's sky pass is skipped (false where this MapLibre has no such pass to skip). */
export function skipInvisibleSky(map: MapLibreMap): boolean {
  const apply = (): boolean => {
    const painter = (map as unknown as { painter?: PainterLike }).painter;
    const draw = painter?.drawFunctions;
    const sky = draw?.sky;
    if (!painter || !draw || typeof sky !== 'function' || (sky as { skipped?: true }).skipped) return !!sky;
    // The painter's table of draw functions is shared by every map of the page: give this painter its own copy.
    const skipping: DrawFn & { skipped?: true } = (mesh, ctx) => {
      if ((ctx.projectedCamera?.pitch ?? 0) > 0) sky(mesh, ctx);
    };
    skipping.skipped = true;
    painter.drawFunctions = { ...draw, sky: skipping };
    return true;
  };
  // A lost and restored WebGL context gets a new painter.
  map.on('webglcontextrestored', () => void apply());
  return apply();
}
