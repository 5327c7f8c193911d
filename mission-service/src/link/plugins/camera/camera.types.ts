/** One CAMERA_IMAGE_CAPTURED. */
export interface CaptureInfo {
  /** Image index as counted by the camera (from 0). */
  index: number;
  latDeg: number;
  lonDeg: number;
  altAmslM: number;
  altRelM: number;
  /** UTC capture time in ms, 0 if the camera has no clock. */
  timeUtcMs: number;
  success: boolean;
  fileUrl: string;
  /** Camera attitude quaternion [w, x, y, z]. */
  q: number[];
  cameraComponent: number;
}
