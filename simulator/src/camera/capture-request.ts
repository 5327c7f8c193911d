/**
 * What the vehicle tells the camera at a trigger: where it is and where the gimbal points.
 * Validated at the edge: NaN/∞, out-of-range angles and a camera at or under the ground are refused
 * with a message naming the field.
 */
import { z } from 'zod';

const finite = (what: string) =>
  z.number({ error: `${what} 必须是有限数值 / ${what} must be a finite number` }).refine(Number.isFinite, {
    message: `${what} 必须是有限数值 / ${what} must be a finite number`,
  });

export const CaptureRequestSchema = z.object({
  /** MAVLink system id of the vehicle. */
  sysId: z.number().int().min(0).max(255),
  /** Photo sequence number of this vehicle (0-based), used in the file name. */
  index: z.number().int().min(0),
  /** When the photo was taken (EXIF, GPS time, file name). */
  time: z.date().refine((d) => Number.isFinite(d.getTime()), { message: '时间无效 / invalid time' }),
  /** The scenario's time at capture, which decides which planted incidents exist; default `time`. */
  sceneTime: z
    .date()
    .refine((d) => Number.isFinite(d.getTime()), { message: '时间无效 / invalid sceneTime' })
    .optional(),
  lon: finite('lon').pipe(z.number().min(-180).max(180)),
  lat: finite('lat').pipe(z.number().min(-85).max(85)),
  altAmslM: finite('altAmslM').pipe(z.number().min(-500).max(9000)),
  /** Above the takeoff point; the takeoff plane (no DEM) is at altAmslM − altRelM. */
  altRelM: finite('altRelM').pipe(z.number().min(-2000).max(5000)),
  /** Vehicle heading, clockwise from north. */
  headingDeg: finite('headingDeg'),
  /** Gimbal pitch: 0 = horizon, −90 = straight down. */
  gimbalPitchDeg: finite('gimbalPitchDeg').pipe(z.number().min(-90).max(30)),
  /** Absolute gimbal yaw, clockwise from north (DJI GimbalYawDegree); default = headingDeg. */
  gimbalYawDeg: finite('gimbalYawDeg').optional(),
  speedMps: finite('speedMps').pipe(z.number().min(0).max(100)).optional(),
});
export type CaptureRequest = z.infer<typeof CaptureRequestSchema>;

/** Error for a capture the camera cannot take (bad pose, camera underground). */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

/** Validate a capture request; throws CaptureError with every problem listed. */
export function parseCaptureRequest(req: unknown): CaptureRequest {
  const r = CaptureRequestSchema.safeParse(req);
  if (!r.success)
    throw new CaptureError(
      `拍照请求无效 / invalid capture request: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** Angle folded into (−180, 180], as DJI writes yaw angles. */
export function wrap180(deg: number): number {
  const d = ((((deg + 180) % 360) + 360) % 360) - 180;
  return d === -180 ? 180 : d;
}
