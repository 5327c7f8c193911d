/**
 * The HTTP contract of the mission service: zod schemas of request and response bodies, shared by the service
 * (validation, OpenAPI) and the planner UI (`@xuncha/mission-service/contract`). Imports only zod (and geodata's
 * types): no module of the service.
 */
export * from './auth.ts';
export * from './common.ts';
export * from './areas.ts';
export * from './drones.ts';
export * from './plans.ts';
export * from './schedules.ts';
export * from './missions.ts';
export * from './images.ts';
export * from './photos.ts';
export * from './paging.ts';
export * from './cases.ts';
export * from './case-rules.ts';
export * from './open311.ts';
export * from './stats.ts';
export * from './admin.ts';
export * from './flights.ts';
export type Role = 'operator' | 'officer' | 'dispatcher' | 'admin';
export * from './review.ts';
export * from './calendar.ts';
export * from './organisation.ts';
export * from './streams.ts';
