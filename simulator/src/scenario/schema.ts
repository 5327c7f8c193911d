/**
 * Scenario files: the drones (home, personality, signing key, faults), the weather and the planted
 * incidents of one simulated patrol. Incidents and weather use the scene's schemas, so the camera
 * and the vehicles read the same file.
 */
import { z } from 'zod';
import { DEFAULT_WEATHER, IncidentSchema, WeatherSchema, type Weather } from '../scene/incident-schema.ts';

const lon = z
  .number()
  .min(-180, '经度超出范围 / longitude out of range')
  .max(180, '经度超出范围 / longitude out of range');
const lat = z.number().min(-90, '纬度超出范围 / latitude out of range').max(90, '纬度超出范围 / latitude out of range');

export const ScenarioFaultsSchema = z.strictObject({
  packetLossPct: z.number().min(0).max(100),
  duplicatePct: z.number().min(0).max(100),
  reorderPct: z.number().min(0).max(100),
  latencyMs: z.number().min(0).max(10_000),
  linkCutForS: z.number().min(0).max(86_400),
  gpsGlitch: z.boolean(),
  gpsGlitchOffsetM: z.number().min(0).max(10_000),
  batteryDrop: z.number().min(0).max(100),
  noResponseToCount: z.boolean(),
  noResponseToRequestSeq: z.number().int().min(0).nullable(),
  wrongSequence: z.boolean(),
  errorAck: z.number().int().min(0).max(15).nullable(),
  missingFinalAck: z.boolean(),
  missionFaultsOnce: z.boolean(),
});

export const DroneSchema = z.strictObject({
  id: z.string().min(1).optional(),
  /** MAVLink system id; default 1, 2, … in file order. */
  sysId: z.number().int().min(1).max(254).optional(),
  home: z.strictObject({
    lon,
    lat,
    /** Used when the DEM has no elevation there. */
    altAmslM: z.number().min(-500).max(9000).optional(),
  }),
  headingDeg: z.number().min(0).max(360).optional(),
  personality: z.enum(['ardupilot', 'px4']).optional(),
  /** 32-byte MAVLink 2 signing key as 64 hex digits. */
  signingKeyHex: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, '签名密钥须为 64 位十六进制 / signingKeyHex must be 64 hex digits')
    .optional(),
  batteryPct: z.number().min(0).max(100).optional(),
  /** Gimbal pitch at boot: −90 nadir (default), e.g. −45 for an oblique patrol camera. */
  gimbalPitchDeg: z.number().min(-90).max(30).optional(),
  faults: ScenarioFaultsSchema.partial().optional(),
  /** Camera model for this drone (read by the camera module). */
  camera: z.unknown().optional(),
});
export type ScenarioDrone = z.infer<typeof DroneSchema>;

export const ScenarioWeatherSchema = WeatherSchema.partial().extend({
  /** Gust strength (standard deviation, m/s); default 15 % of the wind. */
  gustMps: z.number().min(0).max(30).optional(),
});

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    seed: z.number().int().optional(),
    /** Simulated wall time at start (ISO 8601 with offset); default: now. */
    startTime: z.iso.datetime({ offset: true }).optional(),
    drones: z.array(DroneSchema).max(100, '无人机过多 / too many drones (max 100)').default([]),
    weather: ScenarioWeatherSchema.optional(),
    incidents: z.array(IncidentSchema).default([]),
    failsafe: z
      .strictObject({
        lowBatteryPct: z.number().min(0).max(100),
        criticalBatteryPct: z.number().min(0).max(100),
        /** GCS heartbeat loss → RTL after this many seconds; 0 = off. */
        gcsLossS: z.number().min(0).max(3600),
      })
      .partial()
      .optional(),
    /** Camera model for all drones (read by the camera module). */
    camera: z.unknown().optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<number, number>();
    s.drones.forEach((d, i) => {
      const id = d.sysId ?? i + 1;
      const prev = seen.get(id);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['drones', i, 'sysId'],
          message: `系统 ID ${id} 与 drones[${prev}] 重复 / sysId ${id} duplicates drones[${prev}]`,
        });
      }
      seen.set(id, i);
    });
    const ids = new Set<string>();
    s.incidents.forEach((inc, i) => {
      if (ids.has(inc.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['incidents', i, 'id'],
          message: `事件 id 重复 / duplicate incident id ${inc.id}`,
        });
      }
      ids.add(inc.id);
    });
  });

export type Scenario = z.infer<typeof ScenarioSchema>;

/** The scenario's weather with defaults filled in. */
export function scenarioWeather(s: Scenario | undefined): Weather & { gustMps?: number } {
  return { ...DEFAULT_WEATHER, ...s?.weather };
}
