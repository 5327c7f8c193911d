/**
 * What happens to a camera trigger, whichever vehicle reports it (our simulated vehicles or a real ArduPilot
 * SITL): a photo rendered at the reported pose into the images folder, kept for the dock, and delivered to the dock
 * folder or the ingest URL after the vehicle lands.
 */
import { loadSampleLayers } from '@xuncha/geodata';
import { createCamera, type PhotoRecord } from '../camera/camera.ts';
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
  const cam = createCamera({
    layers: await loadSampleLayers(),
    ...(o.dem ? { dem: o.dem } : {}),
    incidents: scenario.incidents,
    weather: scenarioWeather(scenario),
    camera: model,
    ...(o.imagesDir ? { imagesDir: o.imagesDir } : {}),
    seed: o.seed ?? scenario.seed ?? 1,
  });
  // Photos each vehicle took since it last landed, waiting for the dock.
  const undelivered = new Map<number, PhotoRecord[]>();
  const dock = o.dock;
  return {
    camera: async (c) => {
      const photo = await cam.capture(c);
      if (dock) undelivered.set(c.sysId, [...(undelivered.get(c.sysId) ?? []), photo]);
    },
    landed(sysId) {
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
    },
  };
}
