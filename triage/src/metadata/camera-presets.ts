/**
 * Sensor sizes of common drone cameras, keyed by EXIF `Make` + `Model` (case-insensitive).
 * Used when EXIF does not say the sensor size (it rarely does reliably).
 */

/** A camera's sensor in millimetres. */
export interface SensorPreset {
  sensorWidthMm: number;
  sensorHeightMm: number;
}

const PRESETS: Record<string, SensorPreset> = {
  // DJI one-inch cameras (Phantom 4 Pro FC6310, Mavic 2 Pro Hasselblad L1D-20c, Zenmuse P1 is full frame)
  'dji fc6310': { sensorWidthMm: 13.2, sensorHeightMm: 8.8 },
  'dji fc6310s': { sensorWidthMm: 13.2, sensorHeightMm: 8.8 },
  'hasselblad l1d-20c': { sensorWidthMm: 13.2, sensorHeightMm: 8.8 },
  'dji fc6540': { sensorWidthMm: 23.5, sensorHeightMm: 15.6 },
  'dji zenmusep1': { sensorWidthMm: 35.9, sensorHeightMm: 24.0 },
  // DJI Mavic 3 Enterprise wide camera (4/3")
  'dji m3e': { sensorWidthMm: 17.3, sensorHeightMm: 13.0 },
  'dji m3t': { sensorWidthMm: 6.4, sensorHeightMm: 4.8 },
  // 1/2.3" DJI cameras (Mavic Pro FC220, Phantom 4 FC330, Mavic Air FC2103)
  'dji fc220': { sensorWidthMm: 6.17, sensorHeightMm: 4.55 },
  'dji fc330': { sensorWidthMm: 6.17, sensorHeightMm: 4.55 },
  'dji fc2103': { sensorWidthMm: 6.17, sensorHeightMm: 4.55 },
  // 1/2" Mavic Air 2 / Mini 3
  'dji fc3170': { sensorWidthMm: 6.4, sensorHeightMm: 4.8 },
  // FLIR-based DJI thermal cores: 640×512 at 17 µm
  'dji flir': { sensorWidthMm: 10.88, sensorHeightMm: 8.7 },
  'dji xt2': { sensorWidthMm: 10.88, sensorHeightMm: 8.7 },
  // Parrot Sequoia RGB (4608×3456 at 1.34 µm)
  'parrot chlorophyll': { sensorWidthMm: 6.17, sensorHeightMm: 4.63 },
  'parrot sequoia': { sensorWidthMm: 6.17, sensorHeightMm: 4.63 },
  // the project's simulator camera (see simulator camera presets)
  'xuncha sim-cam': { sensorWidthMm: 13.2, sensorHeightMm: 8.8 },
};

/** Sensor preset for an EXIF make/model, or null when unknown. */
export function sensorPreset(make: string | null, model: string | null): SensorPreset | null {
  if (!model) return null;
  const key = `${(make ?? '').trim()} ${model.trim()}`.toLowerCase();
  return PRESETS[key] ?? PRESETS[model.trim().toLowerCase()] ?? null;
}
