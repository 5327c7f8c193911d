export { localFrame, toLocal, fromLocal } from './local-frame.ts';
export type { EnuM, LocalFrame } from './local-frame.ts';
export { cameraAxes, focalLengthsPx, pixelRay, projectLocal } from './pinhole.ts';
export type { CameraAxes, CameraPose, PinholeCamera } from './pinhole.ts';
export { intersectGround } from './ray-ground.ts';
export type { ElevationSource, GroundHit, GroundModel, IntersectOptions } from './ray-ground.ts';
export { groundFootprint } from './footprint.ts';
export type { Footprint, FootprintOptions } from './footprint.ts';
export { pixelToGround, groundToPixel } from './pixel-ground.ts';
