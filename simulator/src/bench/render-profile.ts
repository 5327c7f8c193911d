/**
 * Render profile: the bench:render scene and poses, timed around renderRaw alone (no JPEG, no EXIF),
 * with the shaded share and a SHA-256 prefix of each photo's pixels, so that a change to the renderer
 * can be timed and checked for identical bytes (same seed and request → same hash) one case at a time.
 * `tsx simulator/src/bench/render-profile.ts [nadir-1600|nadir-4000|oblique-1600|oblique-4000 …]
 * [--photos N] [--no-coarse] [--scale S] [--stages]` (default all cases, 2 photos each after one warm-up; --no-coarse starts
 * the adaptive shading from every other sample instead of every 4th; --scale shades every S-th pixel and develops
 * at full resolution, as photos above ~2 MP are by default; --stages adds the CPU ms per stage of renderRaw, mean
 * over the timed photos, and of the JPEG encode with EXIF/XMP that renderPhoto puts around it); under
 * `node --import tsx --cpu-prof` it gives a CPU profile of the renderer.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import sharp from 'sharp';
import { M3E_WIDE, type CameraModel } from '../camera/camera-model.ts';
import type { CaptureRequest } from '../camera/capture-request.ts';
import { exposureOf } from '../camera/effects.ts';
import { withDroneMetadata } from '../camera/metadata.ts';
import { renderRaw } from '../camera/render.ts';
import { StageClock } from '../camera/stage-clock.ts';
import { buildScene } from '../scene/scene.ts';
import { warmTextures } from '../scene/textures.ts';
import { loadBenchSite } from './bench-site.ts';

const args = process.argv.slice(2);
const pi = args.indexOf('--photos');
const PHOTOS = pi >= 0 ? Math.max(1, Number(args[pi + 1]) || 1) : 2;
const coarseLattice = !args.includes('--no-coarse');
const si = args.indexOf('--scale');
const shadingScale = si >= 0 ? Math.max(1, Math.min(2, Number(args[si + 1]) || 1)) : undefined;
const withStages = args.includes('--stages');
const wanted = args.filter(
  (a, k) => !a.startsWith('--') && (k === 0 || (args[k - 1] !== '--photos' && args[k - 1] !== '--scale')),
);

const { layers, dem, lon0, lat0, ground, incidents } = await loadBenchSite();
const flatScene = buildScene({ layers, incidents, seed: 3 });
const demScene = buildScene({ layers, incidents, dem, seed: 3 });
warmTextures();

const cases: [string, number, number, number, boolean][] = [
  ['nadir-1600', 1600, 1200, -90, false],
  ['nadir-4000', 4000, 3000, -90, false],
  ['oblique-1600', 1600, 1200, -45, true],
  ['oblique-4000', 4000, 3000, -45, true],
];
for (const [name, w, h, pitch, useDem] of cases) {
  if (wanted.length && !wanted.includes(name)) continue;
  const cam: CameraModel = { ...M3E_WIDE, imageWidthPx: w, imageHeightPx: h };
  const scene = useDem ? demScene : flatScene;
  const cpu: number[] = [];
  const hashes: string[] = [];
  let share = 0;
  const stages: Record<string, number> = {};
  for (let k = 0; k <= PHOTOS; k++) {
    const req: CaptureRequest = {
      sysId: 1,
      index: k,
      time: new Date('2025-10-20T02:00:00Z'),
      lon: lon0,
      lat: lat0 + Math.max(0, k - 1) * 0.0004,
      altAmslM: ground + 120,
      altRelM: 120,
      headingDeg: 30,
      gimbalPitchDeg: pitch,
    };
    const c0 = process.cpuUsage();
    const shapes = scene.incidents.map((i) => i.shape);
    const clock = withStages ? new StageClock() : undefined;
    const raw = renderRaw(scene, cam, req, shapes, w, h, { coarseLattice, shadingScale, clock });
    const c = process.cpuUsage(c0);
    if (clock) {
      // The photo pipeline around renderRaw (as renderPhoto runs it): JPEG encode with EXIF/XMP.
      clock.reset();
      const img = sharp(raw.data, { raw: { width: w, height: h, channels: 3 } });
      await withDroneMetadata(img, req, cam, 'DJI', 'M3E', exposureOf(raw.effects, scene.weather))
        .jpeg({ quality: 88, chromaSubsampling: '4:2:0' })
        .toBuffer();
      clock.lap('jpegExif');
    }
    if (k === 0) continue; // warm-up
    if (clock) for (const [st, ms] of Object.entries(clock.ms)) stages[st] = (stages[st] ?? 0) + ms / PHOTOS;
    cpu.push(Math.round((c.user + c.system) / 1000));
    hashes.push(createHash('sha256').update(raw.data).digest('hex').slice(0, 12));
    share = raw.stats.shadedShare;
  }
  console.log(
    JSON.stringify({
      case: name,
      cpuMs: cpu,
      shadedShare: Number(share.toFixed(3)),
      sha: hashes,
      ...(withStages
        ? { stagesCpuMs: Object.fromEntries(Object.entries(stages).map(([st, ms]) => [st, Math.round(ms)])) }
        : {}),
      load: os.loadavg()[0]?.toFixed(2),
    }),
  );
}
