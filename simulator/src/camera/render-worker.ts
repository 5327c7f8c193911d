/**
 * Child process of {@link startRenderProcess}: builds the camera once from the scenario it is sent, then renders one
 * photo per capture request, one at a time. Rendering is seconds of synchronous CPU work per photo; here it never
 * stalls the vehicles' MAVLink loop. Exits when the parent disconnects.
 */
import { loadSampleLayers, openDem, sampleDemPath } from '@xuncha/geodata';
import { scenarioWeather } from '../scenario/schema.ts';
import { createCamera, type SimCamera } from './camera.ts';
import { CameraModelSchema, M3E_WIDE } from './camera-model.ts';
import type { RenderInit, RenderReply, RenderRequest } from './render-process.ts';

let camera: Promise<SimCamera> | undefined;

async function build(init: RenderInit): Promise<SimCamera> {
  const { scenario } = init;
  const demFile = init.demPath === undefined ? sampleDemPath : init.demPath;
  const dem = demFile ? await openDem(demFile).catch(() => undefined) : undefined;
  return createCamera({
    layers: await loadSampleLayers(),
    ...(dem ? { dem } : {}),
    incidents: scenario.incidents,
    weather: scenarioWeather(scenario),
    camera: scenario.camera !== undefined ? CameraModelSchema.parse(scenario.camera) : M3E_WIDE,
    seed: init.seed,
    ...(init.renderPixelBudget ? { renderPixelBudget: init.renderPixelBudget } : {}),
  });
}

process.on('message', (msg: { init: RenderInit } | RenderRequest) => {
  if ('init' in msg) {
    camera = build(msg.init);
    return;
  }
  const reply = (r: RenderReply) => process.send?.(r);
  if (!camera) return reply({ id: msg.id, error: 'render worker not initialised' });
  camera
    .then((cam) => cam.capture(msg.req))
    .then(
      (photo) => reply({ id: msg.id, jpeg: photo.jpeg, groundTruth: photo.groundTruth }),
      (err: unknown) => reply({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
    );
});
process.on('disconnect', () => process.exit(0));
