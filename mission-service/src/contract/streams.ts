import { z } from 'zod';
import { csvList } from './paging.ts';

/**
 * Live streams (Server-Sent Events). A browser opens them with `new EventSource(url)` on a cookie session (login
 * with `cookie: true`); other clients with `Authorization: Bearer`. Every stream starts with a `hello` event saying
 * what it sends and how often, sends `: keep-alive` comments every 15 s, and ends with `session_ended` when its
 * session does (logout, password change, user disabled or given other roles).
 */

/** `GET /api/drones/{id}/telemetry?maxHz=…`: a status on change, at most `maxHz` a second (default 1). */
export const TelemetryStreamQuerySchema = z.object({ maxHz: z.coerce.number().min(0.1).max(5).default(1) }).strict();

export const STREAM_TOPICS = ['cases', 'missions'] as const;
/** `GET /api/events?topics=cases,missions`: case and mission changes the caller may see, as they happen. */
export const EventsQuerySchema = z.object({ topics: csvList(z.enum(STREAM_TOPICS)).optional() }).strict();

/** `hello`: what the stream sends. */
export const StreamHelloSchema = z.object({
  stream: z.string(),
  /** Most events a second (telemetry); checks a second (changes). */
  maxHz: z.number(),
  /** Sent only when something changed. */
  onChange: z.literal(true),
  topics: z.array(z.string()).optional(),
});

/** `case`: one event of a case's log (filed, accepted, attached, reassigned…), with who did it. */
export const CaseChangeSchema = z.object({
  eventId: z.number().int(),
  caseId: z.string(),
  at: z.string(),
  kind: z.string(),
  action: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
  actor: z.string(),
  actorName: z.string(),
  category: z.string(),
  state: z.string(),
  departmentId: z.string().nullable(),
});

/** `mission`: a mission's state or progress (last reached item) changed. */
export const MissionChangeSchema = z.object({
  missionId: z.string(),
  state: z.string(),
  droneId: z.string().nullable(),
  planId: z.string().nullable(),
  sortieIndex: z.number().int(),
  flightId: z.string().nullable(),
  lastReachedSeq: z.number().int().nullable(),
  error: z.string().nullable(),
  departmentId: z.string().nullable(),
  updatedAt: z.string(),
});
