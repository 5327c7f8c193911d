/**
 * The ground shader of a gallery subject's place, its incidents and hard negatives left out, and where the
 * subject stands in the scene frame: for tests that measure what the gallery shows there (houses, yards).
 */
import { Shader } from '../scene/shade.ts';
import { gallerySpec, type GallerySubject } from './gallery-spec.ts';
import { sceneOf } from './render-sample.ts';

export function galleryShader(
  subject: GallerySubject,
  season: 'summer' | 'autumn' | 'winter',
): { sh: Shader; cx: number; cy: number } {
  const spec = gallerySpec({ subject, season, weather: 'clear', pitchDeg: -90, widthPx: 320, heightPx: 240, seed: 7 });
  const scene = sceneOf({ ...spec, distractors: [] });
  const d = spec.distractors[0]!;
  const [cx, cy] = scene.frame.toLocal(d.lon, d.lat);
  return { sh: new Shader(scene, [], () => 0), cx, cy };
}
