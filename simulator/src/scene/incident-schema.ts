/**
 * Schemas of what a scenario plants in the simulated world: incidents (what triage must find) and
 * weather (what makes photos differ). Shared with the scenario schema of the vehicle simulator.
 *
 * Sizes: an incident is either a disc (`radiusM`) or an oriented rectangle (`lengthM` along
 * `headingDeg`, `widthM` across). `headingDeg` is clockwise from north; for a sewage outfall it is the
 * downstream direction of the plume (default: the river line's direction at the outfall), for an
 * exposed slope the downhill direction of the gullies.
 */
import { z } from 'zod';

export const INCIDENT_CLASSES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export const IncidentClassSchema = z.enum(INCIDENT_CLASSES);
export type IncidentClass = z.infer<typeof IncidentClassSchema>;

const isoTime = z.iso.datetime({ offset: true });

export const SMOKE_COLOURS = ['white', 'grey', 'brown', 'dark'] as const;
export const SmokeColourSchema = z.enum(SMOKE_COLOURS);
export const SOILS = ['red', 'ochre', 'tan', 'yellow', 'grey'] as const;
export const SoilSchema = z.enum(SOILS);
export const CULVERTS = ['round', 'box'] as const;
export const CulvertSchema = z.enum(CULVERTS);
export const DISCHARGES = ['grey', 'black', 'milky', 'foam', 'brown', 'green'] as const;
export const DischargeSchema = z.enum(DISCHARGES);

export const IncidentSchema = z
  .object({
    id: z.string().min(1, '事件 id 不能为空 / incident id must not be empty'),
    class: IncidentClassSchema,
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    radiusM: z.number().positive().max(2000).optional(),
    lengthM: z.number().positive().max(5000).optional(),
    widthM: z.number().positive().max(2000).optional(),
    headingDeg: z.number().min(-360).max(360).optional(),
    /** 0..1: fire/smoke strength, plume darkness, soil exposure contrast. 0 for a straw fire = scar only. */
    intensity: z.number().min(0).max(1).optional(),
    /** Straw burning: colour of the smoke (default from the seed). */
    smoke: SmokeColourSchema.optional(),
    /** Straw burning: 0 = fresh black scar … 1 = old grey ash (default from the seed). */
    scarAge: z.number().min(0).max(1).optional(),
    /** Exposed slope: soil colour (default from the seed; Zhejiang's hills are mostly red earth). */
    soil: SoilSchema.optional(),
    /** Exposed slope: cut into benches (terraces), as beside new roads and buildings. */
    terraced: z.boolean().optional(),
    /** Sewage outfall: the culvert in the bank. */
    culvert: CulvertSchema.optional(),
    /** Sewage outfall: colour of the discharge plume. */
    discharge: DischargeSchema.optional(),
    startTime: isoTime.optional(),
    endTime: isoTime.optional(),
  })
  .refine((i) => (i.lengthM === undefined) === (i.widthM === undefined), {
    message: '事件尺寸需同时给出 lengthM 和 widthM / give lengthM and widthM together',
    path: ['widthM'],
  })
  .refine((i) => !i.startTime || !i.endTime || Date.parse(i.startTime) <= Date.parse(i.endTime), {
    message: '结束时间早于开始时间 / endTime is before startTime',
    path: ['endTime'],
  });
export type Incident = z.infer<typeof IncidentSchema>;

export const SEASONS = ['spring', 'summer', 'autumn', 'winter'] as const;
export const SeasonSchema = z.enum(SEASONS);
export type Season = z.infer<typeof SeasonSchema>;

export const WeatherSchema = z.object({
  sunElevationDeg: z.number().min(-10).max(90),
  /** Clockwise from north, where the sun is. */
  sunAzimuthDeg: z.number().min(-360).max(360),
  /** 0 = crystal clear (visibility ~30 km), 1 = heavy haze (~1.5 km). */
  haze: z.number().min(0).max(1),
  season: SeasonSchema,
  windMps: z.number().min(0).max(60).optional(),
  /** Direction the wind blows FROM, clockwise from north (meteorological convention). */
  windDirDeg: z.number().min(-360).max(360).optional(),
  /** 0 = sunny … 1 = fully overcast (no direct sun, no shadows). */
  overcast: z.number().min(0).max(1).optional(),
  /** Share of the sky covered by fair-weather clouds, whose shadows drift over the ground. */
  clouds: z.number().min(0).max(1).optional(),
  /** 0..1: thickness of low mist lying in the valleys. */
  mist: z.number().min(0).max(1).optional(),
});
export type Weather = z.infer<typeof WeatherSchema>;

/** A clear autumn late morning: the straw-burning season. */
export const DEFAULT_WEATHER: Weather = {
  sunElevationDeg: 45,
  sunAzimuthDeg: 150,
  haze: 0.2,
  season: 'autumn',
  windMps: 3,
  windDirDeg: 45,
};

/** Default sizes when an incident gives none, per class (metres). */
export const DEFAULT_INCIDENT_SIZE: Record<IncidentClass, { lengthM: number; widthM: number }> = {
  straw_burning: { lengthM: 30, widthM: 30 },
  sewage_outfall: { lengthM: 60, widthM: 12 },
  exposed_slope: { lengthM: 40, widthM: 25 },
};

/** Whether an incident exists at `time` (open-ended when startTime/endTime are absent). */
export function incidentActiveAt(incident: Incident, time: Date): boolean {
  const t = time.getTime();
  if (incident.startTime && t < Date.parse(incident.startTime)) return false;
  if (incident.endTime && t > Date.parse(incident.endTime)) return false;
  return true;
}
