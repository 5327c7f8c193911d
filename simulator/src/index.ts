// Vehicles, scenarios and the simulation runner.
export { startSimulation, DEFAULT_HOME } from './runner/start-simulation.ts';
export type { StartSimulationOptions, RunningSimulation } from './runner/start-simulation.ts';
export { launchSimulation, demoScenarioPath, scenariosDir } from './runner/launch.ts';
export type { LaunchOptions, Launched } from './runner/launch.ts';
export { startSimProcess } from './runner/sim-process.ts';
export { findSitlBinary, startArduPilotSitl } from './runner/ardupilot-sitl.ts';
export type { SitlBinary, SitlOptions, SitlVehicle } from './runner/ardupilot-sitl.ts';
export type { SimProcess, SimProcessOptions } from './runner/sim-process.ts';
export { Vehicle, DEFAULT_FAULTS } from './vehicle/vehicle.ts';
export type { VehicleOptions } from './vehicle/vehicle.ts';
export type {
  CameraCapture,
  CameraHook,
  Dem,
  FailsafeReason,
  Faults,
  GeoPoint,
  LinkCounters,
  MissionItemState,
  ModeName,
  Personality,
  SimVehicle,
  Simulation,
  VehicleState,
} from './vehicle/types.ts';
export { customModeOf, modeFromCustom } from './vehicle/modes.ts';
export { ScenarioSchema, DroneSchema, ScenarioFaultsSchema, scenarioWeather } from './scenario/schema.ts';
export type { Scenario, ScenarioDrone } from './scenario/schema.ts';
export { loadScenario, parseScenario, ScenarioError } from './scenario/load.ts';
// Camera: scene rendering, photos with EXIF/XMP, ground truth; the dock.
export { createCamera } from './camera/camera.ts';
export type { CreateCameraOptions, PhotoRecord, SimCamera } from './camera/camera.ts';
export { renderPhoto, renderSize, photoFileName, sidecarPathFor } from './camera/photo.ts';
export type { RenderPhotoOptions, RenderedPhoto } from './camera/photo.ts';
export { CameraModelSchema, M3E_WIDE, focalLength35mm, gsdCm, intrinsics } from './camera/camera-model.ts';
export type { CameraModel } from './camera/camera-model.ts';
export { CaptureRequestSchema, CaptureError, parseCaptureRequest } from './camera/capture-request.ts';
export type { CaptureRequest } from './camera/capture-request.ts';
export { GroundTruthSchema, GroundTruthIncidentSchema, groundTruth, projectIncident } from './camera/ground-truth.ts';
export type { GroundTruth, GroundTruthIncident } from './camera/ground-truth.ts';
export { poseGeometry, pixelToGround, MAX_RANGE_M } from './camera/pose-geometry.ts';
export { exifTags, djiXmp } from './camera/metadata.ts';
export {
  IncidentSchema,
  IncidentClassSchema,
  INCIDENT_CLASSES,
  WeatherSchema,
  SeasonSchema,
  DEFAULT_WEATHER,
  incidentActiveAt,
} from './scene/incident-schema.ts';
export type { Incident, IncidentClass, Weather, Season } from './scene/incident-schema.ts';
export { buildScene } from './scene/scene.ts';
export type { Scene, SceneOptions } from './scene/scene.ts';
export type { LayersInput } from './scene/layers.ts';
export type { DemLike } from './scene/terrain.ts';
export { demoLayers, demoDem, DEMO_ORIGIN } from './scene/demo-world.ts';
export { deliverPhotos, DockFlights } from './dock/deliver.ts';
export type { DeliverOptions, DeliveryReport, DeliveryTarget, DockFlight } from './dock/deliver.ts';
// Demo mode's drones (`npm start`): `xuncha sim` in a child process, handed to the service by bin/xuncha.mjs.
export { startDemoDrones, demoPatrolArea } from './cli/demo-drones.ts';
export type { DemoDrones, DemoDronesOptions } from './cli/demo-drones.ts';
