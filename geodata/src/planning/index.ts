export { planSurvey, type SurveyOptions } from './survey.ts';
export { planCorridor, offsetPolyline, simplifyLine, type CorridorOptions } from './corridor.ts';
export { planHillside, terrainAltitudeModel, meanGradient, type DemLike, type HillsideOptions } from './hillside.ts';
export { PlanInputError } from './errors.ts';
export { resolveFlightParams, type FlightOptions, type FlightParams } from './params.ts';
export { referenceLawnmower, type ReferenceResult } from './reference.ts';
export { coveredFraction } from './coverage.ts';
export { makeProjection, utmZone, type Projection } from './projection.ts';
export {
  MAV_CMD,
  MAV_FRAME,
  missionItemSchema,
  missionItemPosition,
  isNavWithPosition,
  makeItem,
  sequenceItems,
  toDegE7,
  fromDegE7,
  type MissionItem,
  type MissionItemPosition,
} from './mavlink.ts';
export type { GeoInput } from './input.ts';
