import { z } from 'zod';

/**
 * A frame camera as the planner needs it. Figures are the manufacturer's published
 * ones (see the preset table for sources). Sensor width is the long side of the sensor.
 */
export const cameraSchema = z.object({
  name: z.string().min(1),
  label: z.string().optional(),
  sensorWidthMm: z.number().positive().max(100),
  sensorHeightMm: z.number().positive().max(100),
  focalLengthMm: z.number().positive().max(1000),
  imageWidthPx: z.number().int().positive().max(100_000),
  imageHeightPx: z.number().int().positive().max(100_000),
  /** Shortest time between two stills, limits speed × trigger distance. */
  minTriggerIntervalS: z.number().nonnegative().default(1),
});
export type Camera = z.infer<typeof cameraSchema>;
export type CameraInput = z.input<typeof cameraSchema>;

/** A multirotor as the endurance model needs it. */
export const droneSchema = z.object({
  name: z.string().min(1),
  label: z.string().optional(),
  cruiseSpeedMps: z.number().positive().max(40),
  maxSpeedMps: z.number().positive().max(60),
  /** Published maximum flight time (no wind, no payload margin). */
  flightTimeS: z
    .number()
    .positive()
    .max(24 * 3600),
  /** Fraction of flightTimeS kept back for wind, landing and battery ageing. */
  reserveFraction: z.number().min(0).max(0.9).default(0.25),
  ascentMps: z.number().positive().max(30),
  descentMps: z.number().positive().max(30),
  /** Extra seconds per turnaround (decelerate, yaw, accelerate). */
  turnPenaltyS: z.number().nonnegative().default(4),
  /** Legal / operational ceiling above takeoff (China: 120 m true height for light UAS). */
  maxAltRelM: z.number().positive().default(120),
  minAltRelM: z.number().positive().default(10),
  defaultCamera: z.string().optional(),
});
export type Drone = z.infer<typeof droneSchema>;
export type DroneInput = z.input<typeof droneSchema>;
