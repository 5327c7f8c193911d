import { z } from 'zod';
import { cameraSchema, droneSchema, type Camera, type Drone } from './camera.ts';

// Published figures. Sources (manufacturer spec pages, checked 2024):
// - DJI Mavic 3 Enterprise (https://enterprise.dji.com/mavic-3-enterprise/specs): wide camera 4/3 CMOS 20 MP,
//   24 mm equivalent (12.29 mm real focal length as written in its EXIF), image 5280×3956, mechanical shutter,
//   0.7 s minimum interval; max flight time 45 min, max ascent 6 m/s (normal mode), descent 6 m/s, 15 m/s normal.
// - DJI Matrice 30 (https://enterprise.dji.com/matrice-30/specs): wide camera 1/2" CMOS 12 MP, 4.5 mm focal
//   (24 mm eq., DFOV 84°), image 4000×3000; max flight time 41 min, 23 m/s max, ascent 6 m/s, descent 5 m/s.
// - DJI Matrice 350 RTK (https://enterprise.dji.com/matrice-350-rtk/specs): max flight time 55 min (no payload),
//   max ascent 6 m/s, descent 5 m/s, 23 m/s max.
// - DJI Zenmuse P1 (https://enterprise.dji.com/zenmuse-p1/specs): full frame 35.9×24 mm, 45 MP 8192×5460,
//   DJI DL 35 mm F2.8 LS ASPH lens, 0.7 s minimum interval.
// - generic 1" 20 MP: the common 13.2×8.8 mm sensor, 8.8 mm lens (24 mm eq.), 5472×3648 (Phantom 4 Pro class).

const cameraPresetList: Camera[] = [
  {
    name: 'm3e-wide',
    label: 'DJI Mavic 3E 广角 / wide',
    sensorWidthMm: 17.3,
    sensorHeightMm: 13.0,
    focalLengthMm: 12.29,
    imageWidthPx: 5280,
    imageHeightPx: 3956,
    minTriggerIntervalS: 0.7,
  },
  {
    name: 'm30-wide',
    label: 'DJI Matrice 30 广角 / wide',
    sensorWidthMm: 6.4,
    sensorHeightMm: 4.8,
    focalLengthMm: 4.5,
    imageWidthPx: 4000,
    imageHeightPx: 3000,
    minTriggerIntervalS: 1,
  },
  {
    name: 'p1-35mm',
    label: 'DJI Zenmuse P1 35 mm',
    sensorWidthMm: 35.9,
    sensorHeightMm: 24.0,
    focalLengthMm: 35,
    imageWidthPx: 8192,
    imageHeightPx: 5460,
    minTriggerIntervalS: 0.7,
  },
  {
    name: 'generic-1in-20mp',
    label: '通用 1 英寸 20MP / generic 1" 20 MP',
    sensorWidthMm: 13.2,
    sensorHeightMm: 8.8,
    focalLengthMm: 8.8,
    imageWidthPx: 5472,
    imageHeightPx: 3648,
    minTriggerIntervalS: 1,
  },
];

const dronePresetList: Drone[] = [
  {
    name: 'm3e',
    label: 'DJI Mavic 3 Enterprise',
    cruiseSpeedMps: 10,
    maxSpeedMps: 15,
    flightTimeS: 45 * 60,
    reserveFraction: 0.25,
    ascentMps: 6,
    descentMps: 6,
    turnPenaltyS: 4,
    maxAltRelM: 120,
    minAltRelM: 10,
    defaultCamera: 'm3e-wide',
  },
  {
    name: 'm30',
    label: 'DJI Matrice 30',
    cruiseSpeedMps: 10,
    maxSpeedMps: 23,
    flightTimeS: 41 * 60,
    reserveFraction: 0.25,
    ascentMps: 6,
    descentMps: 5,
    turnPenaltyS: 5,
    maxAltRelM: 120,
    minAltRelM: 10,
    defaultCamera: 'm30-wide',
  },
  {
    name: 'm350',
    label: 'DJI Matrice 350 RTK',
    cruiseSpeedMps: 12,
    maxSpeedMps: 23,
    flightTimeS: 55 * 60,
    reserveFraction: 0.3,
    ascentMps: 6,
    descentMps: 5,
    turnPenaltyS: 6,
    maxAltRelM: 120,
    minAltRelM: 10,
    defaultCamera: 'p1-35mm',
  },
];

/** Built-in camera presets by name. */
export const cameraPresets: Readonly<Record<string, Camera>> = Object.fromEntries(
  cameraPresetList.map((c) => [c.name, c]),
);
/** Built-in drone presets by name. */
export const dronePresets: Readonly<Record<string, Drone>> = Object.fromEntries(
  dronePresetList.map((d) => [d.name, d]),
);

/** Shape of a custom presets JSON file: `{ "cameras": [...], "drones": [...] }`. */
export const presetFileSchema = z.object({
  cameras: z.array(cameraSchema).default([]),
  drones: z.array(droneSchema).default([]),
});

export interface PresetRegistry {
  cameras: Record<string, Camera>;
  drones: Record<string, Drone>;
}

/**
 * Parses a custom presets document (already JSON-decoded) and merges it over the built-ins.
 * Throws an Error naming the offending field when the document is malformed.
 */
export function loadPresets(doc: unknown): PresetRegistry {
  const parsed = presetFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '';
    throw new Error(`预设文件无效 / invalid presets file at "${where}": ${issue?.message ?? 'unknown'}`);
  }
  return {
    cameras: { ...cameraPresets, ...Object.fromEntries(parsed.data.cameras.map((c) => [c.name, c])) },
    drones: { ...dronePresets, ...Object.fromEntries(parsed.data.drones.map((d) => [d.name, d])) },
  };
}

/** Looks a camera up by name, with a message listing the known names when it is missing. */
export function getCamera(
  name: string,
  registry: PresetRegistry = { cameras: { ...cameraPresets }, drones: {} },
): Camera {
  const cam = registry.cameras[name];
  if (!cam) {
    throw new Error(`未知相机 / unknown camera "${name}" (known: ${Object.keys(registry.cameras).join(', ')})`);
  }
  return cam;
}

/** Looks a drone up by name, with a message listing the known names when it is missing. */
export function getDrone(name: string, registry: PresetRegistry = { cameras: {}, drones: { ...dronePresets } }): Drone {
  const drone = registry.drones[name];
  if (!drone) {
    throw new Error(`未知机型 / unknown drone "${name}" (known: ${Object.keys(registry.drones).join(', ')})`);
  }
  return drone;
}

/**
 * DJI WPML identity of a drone preset (`wpml:droneInfo`). Values from DJI Cloud API, 产品支持 / Product Support,
 * 飞行器/遥控器/机场枚举值 (https://developer.dji.com/doc/cloud-api-tutorial/cn/overview/product-support.html):
 * Mavic 3 行业系列 (M3E 相机) 77-0, Matrice 30 67-0, Matrice 350 RTK 89-0. `payloads` are the payloadEnumValues
 * that drone can carry (same page, 相机枚举值 type of type-subtype-gimbalindex).
 */
export interface DjiDroneEnum {
  droneEnumValue: number;
  droneSubEnumValue: number;
  payloads: readonly number[];
}

/** DJI WPML payload identity of a camera preset (`wpml:payloadInfo`) and the lens its photos are stored from. */
export interface DjiPayloadEnum {
  payloadEnumValue: number;
  /** `wpml:payloadLensIndex` / `wpml:imageFormat` value (DJI WPML 共用元素, takePhoto). */
  lens: 'wide' | 'visable';
}

/** DJI WPML drone enums by drone preset name (`m3e`, `m30`, `m350`). */
export const djiDroneEnums: Readonly<Record<string, DjiDroneEnum>> = {
  // M3E / M3T cameras: 66 (Mavic 3E Camera), 67 (Mavic 3T Camera).
  m3e: { droneEnumValue: 77, droneSubEnumValue: 0, payloads: [66, 67] },
  // M30 / M30T cameras: 52, 53.
  m30: { droneEnumValue: 67, droneSubEnumValue: 0, payloads: [52, 53] },
  // M350 RTK: Zenmuse P1 (50, as DJI Pilot 2 writes it; the Cloud API page lists only its H-series), H20 42,
  // H20T 43, H20N 61, H30 82, H30T 83.
  m350: { droneEnumValue: 89, droneSubEnumValue: 0, payloads: [50, 42, 43, 61, 82, 83] },
};

/** DJI WPML payload enums by camera preset name (`m3e-wide`, `m30-wide`, `p1-35mm`). */
export const djiPayloadEnums: Readonly<Record<string, DjiPayloadEnum>> = {
  'm3e-wide': { payloadEnumValue: 66, lens: 'wide' },
  'm30-wide': { payloadEnumValue: 52, lens: 'wide' },
  'p1-35mm': { payloadEnumValue: 50, lens: 'visable' },
};
