import type { CallOptions } from '../../abort.ts';
import type { VehicleCore } from '../../core/vehicle-core.ts';
import { LinkError } from '../../errors.ts';
import { EventStream } from '../../latest.ts';
import { MavCmd } from '../../mavlink/enums.ts';
import { ardupilotmega, common } from '../../mavlink/messages.ts';
import type { CaptureInfo } from './camera.types.ts';

/**
 * Camera plugin: capture events and photo triggers. A MAVLink camera reports CAMERA_IMAGE_CAPTURED; ArduPilot
 * itself reports each trigger of its camera (servo, relay, trigger distance) as CAMERA_FEEDBACK, numbered from 1.
 * Both become one `CaptureInfo`. Captures are de-duplicated by (component, index) because cameras repeat
 * CAMERA_IMAGE_CAPTURED until it is seen.
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
    v.onMessage(ardupilotmega.CameraFeedback, (m, from) => {
      const index = m.imgIdx - 1;
      const key = `${from.compId}/feedback/${index}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      const utcMs = Number(m.timeUsec) / 1000;
      this.captures.emit({
        index,
        latDeg: m.lat / 1e7,
        lonDeg: m.lng / 1e7,
        altAmslM: m.altMsl,
        altRelM: m.altRel,
        timeUtcMs: utcMs > Date.UTC(2015, 0, 1) ? utcMs : 0,
        success: true,
        fileUrl: '',
        q: eulerToQuaternion(m.roll, m.pitch, m.yaw),
        cameraComponent: from.compId,
      });
    });
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

/** Roll/pitch/yaw in degrees → quaternion [w, x, y, z] (aerospace ZYX order). */
function eulerToQuaternion(rollDeg: number, pitchDeg: number, yawDeg: number): number[] {
  const r = (rollDeg * Math.PI) / 360;
  const p = (pitchDeg * Math.PI) / 360;
  const y = (yawDeg * Math.PI) / 360;
  const [cr, sr, cp, sp, cy, sy] = [Math.cos(r), Math.sin(r), Math.cos(p), Math.sin(p), Math.cos(y), Math.sin(y)];
  return [
    cr * cp * cy + sr * sp * sy,
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
  ];
}
