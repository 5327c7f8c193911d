/**
 * Camera pose and intrinsics of one photo, with their uncertainties, from its metadata and its
 * real (decoded) pixel size.
 */
import type { CameraPose, PinholeCamera } from '@xuncha/geodata';
import { issue } from '../issues.ts';
import type { PhotoIssue } from '../issues.ts';
import { sensorPreset } from './camera-presets.ts';
import type { PhotoMetadata } from './read-metadata.ts';

/** One-sigma uncertainties of a pose. */
export interface PoseSigma {
  horizontalM: number;
  /** Height of the camera above the surface rays are intersected with. */
  altitudeM: number;
  headingDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** A photo's camera: where it was (null when unlocated), how it looked, and how sure we are. */
export interface PhotoCamera {
  camera: PinholeCamera;
  /** Null when the photo has no usable position or altitude: it is kept, marked unlocated. */
  pose: CameraPose | null;
  altRelM: number | null;
  /** Altitude AMSL of the takeoff plane (altAmslM − altRelM), used when there is no DEM. */
  takeoffAltAmslM: number | null;
  sigma: PoseSigma;
  /** How the sensor size was found. */
  sensorSource: 'preset' | 'focal-35mm' | 'focal-plane' | 'assumed';
  /**
   * `amsl`: altAmslM is above sea level (a DEM may be used); `takeoff-frame`: no absolute altitude, the
   * pose is in a frame whose takeoff plane (or assumed ground) is at 0 m, so a DEM does not apply.
   */
  verticalDatum: 'amsl' | 'takeoff-frame';
  /** The file gives no altitude at all: the camera is placed {@link ASSUMED_HEIGHT_AGL_M} above the ground. */
  heightAssumed: boolean;
}

/**
 * Height above ground assumed when a photo says nothing about it (no relative altitude, no DEM, no flight
 * record): a typical patrol height (China's rules cap light drones at 120 m), with a wide sigma.
 */
export const ASSUMED_HEIGHT_AGL_M = 100;
export const ASSUMED_HEIGHT_SIGMA_M = 50;

/** Defaults used when the file says nothing better (consumer GNSS, barometric altitude, gimbal). */
export const DEFAULT_SIGMA: PoseSigma = { horizontalM: 2.5, altitudeM: 1, headingDeg: 2, pitchDeg: 1, rollDeg: 1 };
const FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);

function normDeg(d: number): number {
  const r = d % 360;
  return r < 0 ? r + 360 : r;
}

/** Builds the photo's camera from metadata and its decoded size. Adds warnings for assumptions. */
export function photoCamera(
  md: PhotoMetadata,
  size: { widthPx: number; heightPx: number },
  issues: PhotoIssue[],
): PhotoCamera {
  const { widthPx, heightPx } = size;
  if (
    md.declaredWidthPx &&
    md.declaredHeightPx &&
    (md.declaredWidthPx !== widthPx || md.declaredHeightPx !== heightPx)
  ) {
    issues.push(
      issue(
        'warning',
        'field_rejected',
        `EXIF 声明尺寸 ${md.declaredWidthPx}×${md.declaredHeightPx} 与实际像素 ${widthPx}×${heightPx} 不符，采用实际尺寸 / declared size differs from the real pixels, real size used`,
        'imageSize',
      ),
    );
  }

  // Intrinsics: the pinhole needs focal/sensor ratios only.
  const diagPx = Math.hypot(widthPx, heightPx);
  let focalLengthMm = md.focalLengthMm;
  let sensorWidthMm: number;
  let sensorHeightMm: number;
  let sensorSource: PhotoCamera['sensorSource'];
  const preset = sensorPreset(md.make, md.model);
  if (preset && focalLengthMm) {
    // Presets are for the native aspect; a crop to another aspect (16:9 from 4:3) keeps the width.
    sensorWidthMm = preset.sensorWidthMm;
    const sameAspect = Math.abs(preset.sensorWidthMm / preset.sensorHeightMm / (widthPx / heightPx) - 1) < 0.02;
    sensorHeightMm = sameAspect ? preset.sensorHeightMm : (preset.sensorWidthMm * heightPx) / widthPx;
    sensorSource = 'preset';
  } else if (md.focalLength35mmMm) {
    const f = focalLengthMm ?? md.focalLength35mmMm;
    const diagMm = (FULL_FRAME_DIAGONAL_MM * f) / md.focalLength35mmMm;
    sensorWidthMm = (diagMm * widthPx) / diagPx;
    sensorHeightMm = (diagMm * heightPx) / diagPx;
    focalLengthMm = f;
    sensorSource = 'focal-35mm';
  } else if (focalLengthMm && md.focalPlaneSensorWidthMm) {
    sensorWidthMm = md.focalPlaneSensorWidthMm;
    sensorHeightMm = (sensorWidthMm * heightPx) / widthPx;
    sensorSource = 'focal-plane';
  } else {
    // A typical drone camera: 24 mm full-frame equivalent (≈84° diagonal field of view).
    focalLengthMm = 24;
    sensorWidthMm = (FULL_FRAME_DIAGONAL_MM * widthPx) / diagPx;
    sensorHeightMm = (FULL_FRAME_DIAGONAL_MM * heightPx) / diagPx;
    sensorSource = 'assumed';
    issues.push(
      issue(
        'warning',
        'field_assumed',
        '缺少焦距/传感器尺寸，按 24 mm 等效焦距估计 / focal length or sensor size unknown, 24 mm equivalent assumed',
        'focalLengthMm',
      ),
    );
  }
  const camera: PinholeCamera = { widthPx, heightPx, focalLengthMm: focalLengthMm!, sensorWidthMm, sensorHeightMm };

  const sigma: PoseSigma = { ...DEFAULT_SIGMA };
  if (md.rtkFlag === 50) sigma.horizontalM = 0.05;
  else if (md.gpsHorizontalErrorM !== null && md.gpsHorizontalErrorM > 0) sigma.horizontalM = md.gpsHorizontalErrorM;
  else if (md.gpsDop !== null && md.gpsDop > 0) sigma.horizontalM = Math.max(0.5, md.gpsDop * 2);
  if (sensorSource === 'assumed') sigma.pitchDeg = Math.max(sigma.pitchDeg, 3);

  let headingDeg = md.gimbalYawDeg ?? md.flightYawDeg ?? md.imgDirectionDeg;
  if (headingDeg === null) {
    headingDeg = 0;
    sigma.headingDeg = 180;
    issues.push(
      issue('warning', 'field_assumed', '缺少航向，按正北估计 / heading unknown, north assumed', 'headingDeg'),
    );
  } else if (md.gimbalYawDeg === null) sigma.headingDeg = 5;
  let pitchDeg = md.gimbalPitchDeg;
  if (pitchDeg === null) {
    pitchDeg = -90;
    sigma.pitchDeg = 10;
    issues.push(
      issue(
        'warning',
        'field_assumed',
        '缺少云台俯仰角，按垂直向下估计 / gimbal pitch unknown, nadir assumed',
        'gimbalPitchDeg',
      ),
    );
  }
  const rollDeg = md.gimbalRollDeg ?? 0;

  let altAmslM = md.altAmslM;
  let takeoffAltAmslM: number | null = null;
  let verticalDatum: PhotoCamera['verticalDatum'] = 'amsl';
  let heightAssumed = false;
  const altRelM = md.altRelM;
  if (altAmslM !== null && altRelM !== null) takeoffAltAmslM = altAmslM - altRelM;
  else if (altAmslM === null && altRelM !== null) {
    // Only the height above takeoff is known: work in a frame whose takeoff plane is 0 m.
    altAmslM = altRelM;
    takeoffAltAmslM = 0;
    verticalDatum = 'takeoff-frame';
    issues.push(
      issue(
        'warning',
        'field_assumed',
        '缺少海拔高度，以起飞点为 0 m 计算 / no absolute altitude, takeoff taken as 0 m',
        'altAmslM',
      ),
    );
  } else if (altAmslM !== null) {
    // No relative altitude: the absolute one (GNSS) is all there is; less sure against a plane.
    sigma.altitudeM = 10;
  } else if (md.lon !== null && md.lat !== null) {
    // No altitude at all: still place the photo, at an assumed height over a ground at 0 m, widely uncertain.
    altAmslM = ASSUMED_HEIGHT_AGL_M;
    takeoffAltAmslM = 0;
    verticalDatum = 'takeoff-frame';
    heightAssumed = true;
    sigma.altitudeM = ASSUMED_HEIGHT_SIGMA_M;
    issues.push(
      issue(
        'warning',
        'field_assumed',
        `缺少高度，按离地 ${ASSUMED_HEIGHT_AGL_M} m（±${ASSUMED_HEIGHT_SIGMA_M} m）估计，位置不确定度较大 / no altitude: ${ASSUMED_HEIGHT_AGL_M} m ± ${ASSUMED_HEIGHT_SIGMA_M} m above ground assumed, positions widely uncertain`,
        'altRelM',
      ),
    );
  }

  let pose: CameraPose | null = null;
  if (md.lon !== null && md.lat !== null && altAmslM !== null) {
    pose = { lon: md.lon, lat: md.lat, altAmslM, headingDeg: normDeg(headingDeg), pitchDeg, rollDeg };
  } else {
    const why = md.lon === null ? '无可用坐标 / no usable position' : '无可用高度 / no usable altitude';
    issues.push(issue('warning', 'unlocated', `照片未定位：${why}；照片已保留 / photo unlocated, kept`));
  }
  return { camera, pose, altRelM, takeoffAltAmslM, sigma, sensorSource, verticalDatum, heightAssumed };
}
