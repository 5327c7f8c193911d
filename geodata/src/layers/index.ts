export {
  AREA_KINDS,
  INCIDENT_CATEGORIES,
  JURISDICTION_LEVELS,
  areaKindSchema,
  incidentCategorySchema,
  jurisdictionLevelSchema,
  namedPropertiesSchema,
} from './common.ts';
export type { AreaKind, IncidentCategory, JurisdictionLevel, NamedProperties } from './common.ts';
export {
  areaGeometrySchema,
  lineGeometrySchema,
  lineStringSchema,
  multiLineStringSchema,
  multiPolygonSchema,
  polygonSchema,
  positionSchema,
} from './geometry-schemas.ts';
export type { AreaGeometry, LineGeometry } from './geometry-schemas.ts';
export {
  LAYER_NAMES,
  areaFeatureSchema,
  farmlandCollectionSchema,
  farmlandFeatureSchema,
  farmlandPropertiesSchema,
  hillsideCollectionSchema,
  hillsideFeatureSchema,
  hillsidePropertiesSchema,
  jurisdictionCollectionSchema,
  jurisdictionFeatureSchema,
  jurisdictionPropertiesSchema,
  layerCollectionSchemas,
  noFlyCollectionSchema,
  noFlyFeatureSchema,
  noFlyPropertiesSchema,
  riverCollectionSchema,
  riverFeatureSchema,
  riverPropertiesSchema,
} from './layer-schemas.ts';
export type {
  AreaFeature,
  FarmlandCollection,
  FarmlandFeature,
  FarmlandProperties,
  HillsideCollection,
  HillsideFeature,
  HillsideProperties,
  JurisdictionCollection,
  JurisdictionFeature,
  JurisdictionProperties,
  LayerName,
  NoFlyCollection,
  NoFlyFeature,
  NoFlyProperties,
  RiverCollection,
  RiverFeature,
  RiverProperties,
} from './layer-schemas.ts';
export { TOWNSHIP_LEAD, departmentSchema, departmentsFileSchema, routingRuleSchema } from './departments.ts';
export type { Department, DepartmentsFile, RoutingRule } from './departments.ts';
export { layerSetSchema } from './layer-set.ts';
export type { LayerSet } from './layer-set.ts';
export { LayerValidationError, formatLayerIssue } from './issues.ts';
export type { LayerIssue } from './issues.ts';
export { ringSignedArea, validateGeometry } from './validate-geometry.ts';
export type { GeometryIssue, ValidateGeometryOptions } from './validate-geometry.ts';
export { assertLayer, parseLayer, validateLayerGeometry, zodIssuesToLayerIssues } from './parse-layer.ts';
export type { LayerCollectionOf, LayerParseResult } from './parse-layer.ts';
export { checkLayerConsistency, outsideAreaM2, overlapAreaM2 } from './consistency.ts';
export type { ConsistencyOptions } from './consistency.ts';
