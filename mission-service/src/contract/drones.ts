import { z } from 'zod';
import { IdSchema, TextSchema } from './common.ts';

/** MAVSDK-style connection strings: udpin://host:port, udpout://host:port, tcp://host:port, serial:///dev/x:baud. */
export const ConnectionStringSchema = z
  .string()
  .max(200)
  .regex(
    /^(udpin|udpout|udp|tcp):\/\/[\w.:[\]-]+:\d{1,5}$|^serial:\/\/\/[\w/.-]+(:\d{3,7})?$/,
    '连接串无效 / connection must look like udpin://0.0.0.0:14540, udpout://host:port, tcp://host:5760 or serial:///dev/ttyUSB0:57600',
  );

export const DroneInputSchema = z.object({
  id: IdSchema.optional(),
  name: TextSchema(100),
  model: TextSchema(100),
  camera: TextSchema(100),
  connection: ConnectionStringSchema,
  /** MAVLink 2 signing secret: 32 bytes as 64 hex characters. Write-only. */
  signingKey: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'signingKey: 64 hex characters (32 bytes)')
    .nullable()
    .optional(),
  departmentId: IdSchema.nullable().optional(),
});
export type DroneInput = z.infer<typeof DroneInputSchema>;

export const DroneLiveStatusSchema = z.object({
  connected: z.boolean(),
  armed: z.boolean().optional(),
  flightMode: z.string().optional(),
  batteryPct: z.number().optional(),
  /** Where the drone is: a GeoJSON Point [lon, lat] (WGS84); its height above take-off in `altRelM`. */
  position: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }).optional(),
  altRelM: z.number().optional(),
  headingDeg: z.number().optional(),
  speedMps: z.number().optional(),
  /** Mission execution as item indexes of the uploaded list; lastReached −1 before the first. */
  missionProgress: z
    .object({
      current: z.number().int(),
      total: z.number().int(),
      lastReached: z.number().int(),
      state: z.number().int(),
    })
    .optional(),
  updatedAt: z.string().optional(),
});
export type DroneLiveStatus = z.infer<typeof DroneLiveStatusSchema>;

export const DroneSchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  camera: z.string(),
  connection: z.string(),
  hasSigningKey: z.boolean(),
  departmentId: z.string().nullable(),
  createdAt: z.string(),
  status: DroneLiveStatusSchema,
});
export type Drone = z.infer<typeof DroneSchema>;
