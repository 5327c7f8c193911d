/**
 * @xuncha/triage: photo metadata → camera pose → tiles → ONNX detections → ground positions →
 * merged incidents.
 */
export { issue, PhotoError, TriageStartupError } from './issues.ts';
export type { PhotoIssue, PhotoIssueCode } from './issues.ts';
export { readPhotoMetadata } from './metadata/read-metadata.ts';
export type { PhotoMetadata, ReadMetadataOptions } from './metadata/read-metadata.ts';
export { assertTimeZone, DEFAULT_PHOTO_TIME_ZONE, PHOTO_TIME_TAGS, photoTakenAt } from './metadata/photo-time.ts';
export { photoCamera, DEFAULT_SIGMA, ASSUMED_HEIGHT_AGL_M, ASSUMED_HEIGHT_SIGMA_M } from './metadata/camera-pose.ts';
export type { PhotoCamera, PoseSigma } from './metadata/camera-pose.ts';
export { sensorPreset } from './metadata/camera-presets.ts';
export { sniffFormat, jpegHasEnd } from './image/sniff-format.ts';
export type { ImageFormat } from './image/sniff-format.ts';
export { decodeRgb, inspectImage, DEFAULT_MAX_PIXELS } from './image/decode.ts';
export type { DecodedImage, ImageInfo, RgbImage } from './image/decode.ts';
export { planTiles } from './image/tiles.ts';
export {
  loadManifest,
  parseManifest,
  modelManifestSchema,
  TRIAGE_CLASSES,
  triageClassSchema,
} from './model/manifest.ts';
export type { ModelManifest, ModelManifestInput, TriageClass } from './model/manifest.ts';
export { Detector } from './model/detector.ts';
export { DEFAULT_MODEL_MANIFEST } from './model/default-model.ts';
export { SessionPool } from './model/session-pool.ts';
export { iou, nonMaxSuppression, mergeTileSeams } from './model/nms.ts';
export type { BoxPx, PixelDetection } from './model/nms.ts';
export {
  georefContext,
  georeferenceDetections,
  groundModelFor,
  groundPointAt,
  heightAssumedFor,
  photoGround,
} from './georef/georeference.ts';
export type { GeoDetection, GeorefContext, GroundPoint, LonLatPolygon, PhotoGround } from './georef/georeference.ts';
export { IncidentMerger } from './merge/incident-merger.ts';
export type { Evidence, Incident, MergerOptions } from './merge/incident-merger.ts';
export { evidenceCrop } from './merge/evidence-crop.ts';
export { triagePhoto, zeroTimings } from './pipeline/triage-photo.ts';
export type { PhotoTriage, StageTimings, TriagePhotoOptions } from './pipeline/triage-photo.ts';
export { triageBatch } from './pipeline/triage-batch.ts';
export type { PhotoInput, TriageBatchOptions, TriageBatchResult, TriageProgress } from './pipeline/triage-batch.ts';
export { photoReport, incidentReport } from './report/triage-report.ts';
