/**
 * What happens to a camera trigger, whichever vehicle reports it (our simulated vehicles or a real ArduPilot
 * SITL): a photo rendered at the reported pose into the images folder, kept for the dock, and delivered to the dock
 * folder or the ingest URL after the vehicle lands.
 */
import { loadSampleLayers } from '@xuncha/geodata';
import { createCamera, type PhotoRecord, type SimCamera } from '../camera/camera.ts';
import { startRenderProcess } from '../camera/render-process.ts';
import { CameraModelSchema, M3E_WIDE, type CameraModel } from '../camera/camera-model.ts';
import { deliverPhotos, type DeliveryReport, type DeliveryTarget } from '../dock/deliver.ts';
import { scenarioWeather, type Scenario } from '../scenario/schema.ts';
import type { CameraHook, Dem } from '../vehicle/types.ts';

export interface PhotoPipelineOptions {
  scenario: Scenario;
  dem?: Dem;
  imagesDir?: string;
  dock?: DeliveryTarget;
  seed?: number;
  onDelivered?: (sysId: number, report: DeliveryReport) => void;
  /**
   * Render in a child process (camera/render-process.ts) so the vehicles' MAVLink loop never waits on a render;
   * `demPath` as the simulation's (undefined = sample DEM, null = flat). Photos then go to the dock only.
   */
  renderProcess?: { demPath: string | null | undefined; renderPixelBudget?: number };
  log: (line: string) => void;
}

export interface PhotoPipeline {
  /** Undefined when neither an images folder nor a dock was asked for: no photos are rendered. */
  camera?: CameraHook;
  /** The vehicle landed: hand its photos since the last landing to the dock. */
  landed(sysId: number): void;
}

export async function createPhotoPipeline(o: PhotoPipelineOptions): Promise<PhotoPipeline> {
  if (!o.imagesDir && !o.dock) return { landed: () => undefined };
  const { scenario } = o;
  const model: CameraModel = scenario.camera !== undefined ? CameraModelSchema.parse(scenario.camera) : M3E_WIDE;
  const seed = o.seed ?? scenario.seed ?? 1;
  const cam: Pick<SimCamera, 'capture'> = o.renderProcess
    ? startRenderProcess({ scenario, seed, ...o.renderProcess })
    : createCamera({
        layers: await loadSampleLayers(),
        ...(o.dem ? { dem: o.dem } : {}),
        incidents: scenario.incidents,
        weather: scenarioWeather(scenario),
        camera: model,
        ...(o.imagesDir ? { imagesDir: o.imagesDir } : {}),
        seed,
      });
  // Photos each vehicle took since it last landed, waiting for the dock.
  const undelivered = new Map<number, PhotoRecord[]>();
  // Captures still rendering (a render process lags the flight): the dock waits for them before it delivers.
  const rendering = new Map<number, Set<Promise<unknown>>>();
  const dock = o.dock;
  return {
    camera: async (c) => {
      const pending = rendering.get(c.sysId) ?? new Set<Promise<unknown>>();
      rendering.set(c.sysId, pending);
      const render = cam.capture(c);
      pending.add(render);
      try {
        const photo = await render;
        if (dock) undelivered.set(c.sysId, [...(undelivered.get(c.sysId) ?? []), photo]);
      } finally {
        pending.delete(render);
      }
    },
    landed(sysId) {
      if (!dock) return;
      const pending = [...(rendering.get(sysId) ?? [])];
      void Promise.allSettled(pending).then(() => deliver(sysId));
    },
  };

  function deliver(sysId: number): void {
    const photos = undelivered.get(sysId) ?? [];
    undelivered.delete(sysId);
    if (!dock || photos.length === 0) return;
    deliverPhotos({ photos, to: dock }).then(
      (report) => {
        o.log(
          `机库交付 / dock (sysid ${sysId}): ${report.delivered.length} delivered, ${report.failed.length} failed` +
            (report.failed[0] ? ` (${report.failed[0].reason})` : ''),
        );
        o.onDelivered?.(sysId, report);
      },
      (err: unknown) => o.log(`机库交付失败 / dock delivery failed (sysid ${sysId}): ${String(err)}`),
    );
  }
}
