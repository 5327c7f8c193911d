/** Test helpers: ONNX writer, fixed-weight colour models, synthetic drone photos. */
export { encodeOnnxModel } from '../onnx/onnx-writer.ts';
export type { OnnxModelSpec, OnnxNode, OnnxTensor, OnnxValueInfo } from '../onnx/onnx-writer.ts';
export {
  colourClassifierOnnx,
  colourDetectorManifest,
  colourDetectorOnnx,
  colourSegmenterOnnx,
} from './colour-models.ts';
export type { ColourDetectorOptions } from './colour-models.ts';
export { windowDetectorOnnx } from './window-detector.ts';
export type { PixelScores, WindowDetectorOptions } from './window-detector.ts';
export { djiXmp, parrotXmp, syntheticPhoto } from './synthetic-photo.ts';
export type {
  SyntheticGps,
  SyntheticParrotAttitude,
  SyntheticPhotoSpec,
  SyntheticPose,
  SyntheticRect,
} from './synthetic-photo.ts';
