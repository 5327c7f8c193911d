/**
 * A batch of photos (a flight) through the pipeline with bounded concurrency, then merged into
 * incidents. Bad photos are reported and skipped; the rest of the flight goes on.
 */
import os from 'node:os';
import type { ElevationSource } from '@xuncha/geodata';
import type { Detector } from '../model/detector.ts';
import { IncidentMerger } from '../merge/incident-merger.ts';
import type { Incident, MergerOptions } from '../merge/incident-merger.ts';
import { Gate } from './gate.ts';
import { triagePhoto, zeroTimings } from './triage-photo.ts';
import type { PhotoTriage, StageTimings } from './triage-photo.ts';

/** A photo to triage: a name and a way to get its bytes (read lazily to bound memory). */
export interface PhotoInput {
  source: string;
  read: () => Promise<Uint8Array>;
}

/** Progress after each photo. */
export interface TriageProgress {
  done: number;
  total: number;
  detections: number;
}

/** Options of {@link triageBatch}. */
export interface TriageBatchOptions {
  detector?: Detector | null;
  dem?: ElevationSource | null;
  /**
   * Photos decoding at once; default cores + 1. Up to as many again wait for or run through the model meanwhile,
   * so decoding never waits for inference (decode of photo N+1 overlaps inference of photo N).
   */
  concurrency?: number;
  merge?: MergerOptions;
  /** Known incidents (earlier flights) new detections may join. */
  knownIncidents?: Incident[];
  onProgress?: (p: TriageProgress) => void;
  maxPixels?: number;
  /** IANA zone of photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
}

/** What a batch produced. */
export interface TriageBatchResult {
  photos: PhotoTriage[];
  incidents: Incident[];
  timings: StageTimings;
  wallMs: number;
}

/** Triages photos in input order (results keep that order) and merges their detections. */
export async function triageBatch(inputs: PhotoInput[], options: TriageBatchOptions = {}): Promise<TriageBatchResult> {
  const start = performance.now();
  const timings = zeroTimings();
  const photos: PhotoTriage[] = new Array(inputs.length);
  const concurrency = Math.max(1, options.concurrency ?? (os.availableParallelism?.() ?? os.cpus().length) + 1);
  let next = 0;
  let done = 0;
  let detections = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      let bytes: Uint8Array | undefined;
      try {
        bytes = await input.read();
      } catch (e) {
        photos[i] = {
          id: '',
          source: input.source,
          status: 'error',
          image: null,
          metadata: null,
          camera: null,
          ground: { centerGround: null, footprint: null, footprintClipped: false },
          detections: [],
          issues: [
            {
              severity: 'error',
              code: 'decode_failed',
              message: `无法读取文件 / cannot read file: ${(e as Error).message}`,
            },
          ],
        };
      }
      photos[i] ??= await triagePhoto(input.source, bytes!, {
        detector: options.detector,
        dem: options.dem,
        maxPixels: options.maxPixels,
        photoTimeZone: options.photoTimeZone,
        timings,
        decodeGate,
      });
      done++;
      detections += photos[i].detections.length;
      options.onProgress?.({ done, total: inputs.length, detections });
    }
  };
  // Photos beyond the decode slots are those being inferred: twice the slots keeps the decoders busy.
  const decodeGate = new Gate(concurrency);
  await Promise.all(Array.from({ length: Math.min(2 * concurrency, inputs.length) }, worker));

  const t0 = performance.now();
  const merger = new IncidentMerger(options.merge, options.knownIncidents);
  for (const p of photos) {
    for (const d of p.detections) {
      if (!d.ground) continue;
      merger.add(d.cls, {
        photoId: p.id,
        score: d.score,
        box: d.box,
        lon: d.ground.lon,
        lat: d.ground.lat,
        errorM: d.ground.errorM,
      });
    }
  }
  timings.mergeMs += performance.now() - t0;
  return { photos, incidents: merger.list(), timings, wallMs: performance.now() - start };
}
