import type { CallOptions } from '../../abort.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { LinkError } from '../../errors.ts';
import { EventStream } from '../../latest.ts';
import { MavCmd } from '../../mavlink/enums.ts';
import { common } from '../../mavlink/messages.ts';
import type { CaptureInfo } from './camera.types.ts';

/**
 * Camera plugin: capture events and photo triggers. Captures are de-duplicated by (component, index)
 * because cameras repeat CAMERA_IMAGE_CAPTURED until it is seen.
 */
export class CameraPlugin {
  readonly captures = new EventStream<CaptureInfo>();
  private readonly seen = new Set<string>();
  private sequence = 1;

  constructor(private readonly v: VehicleCore) {
    v.onMessage(
      common.CameraImageCaptured,
      (m, from) => {
        const key = `${from.compId}/${m.imageIndex}`;
        if (this.seen.has(key)) return;
        this.seen.add(key);
        this.captures.emit({
          index: m.imageIndex,
          latDeg: m.lat / 1e7,
          lonDeg: m.lon / 1e7,
          altAmslM: m.alt / 1000,
          altRelM: m.relativeAlt / 1000,
          timeUtcMs: Number(m.timeUtc) / 1000,
          success: m.captureResult === 1,
          fileUrl: m.fileUrl ?? '',
          q: [...(m.q ?? [])],
          cameraComponent: from.compId,
        });
      },
      { anyComponent: true },
    );
  }

  /** Take one photo (IMAGE_START_CAPTURE; DO_DIGICAM_CONTROL where that is not supported). */
  async takePhoto(opts: CallOptions & { targetComponent?: number } = {}): Promise<void> {
    const targetComponent = opts.targetComponent ?? this.v.compId;
    try {
      await this.v.commands.send(
        {
          command: MavCmd.IMAGE_START_CAPTURE,
          params: [0, 0, 1, this.sequence++],
          targetComponent,
          label: '拍照 / take photo',
        },
        opts,
      );
    } catch (e) {
      if (!(e instanceof LinkError && e.result === 'unsupported')) throw e;
      await this.v.commands.send(
        {
          command: MavCmd.DO_DIGICAM_CONTROL,
          params: [0, 0, 0, 0, 1],
          targetComponent,
          label: '拍照 / digicam trigger',
        },
        opts,
      );
    }
  }
}
