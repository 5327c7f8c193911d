import { canSee } from '../../auth/index.ts';
import { FlightListSchema, FlightProgressSchema, FlightTrackSchema } from '../../contract/flights.ts';
import { listDrones } from '../../drones/drone-repository.ts';
import { liveStatus } from '../../drones/link-port.ts';
import { flightProgress } from '../../jobs/flight-progress.ts';
import { flightTrack } from '../../telemetry/flight-recorder.ts';
import { notFound } from '../../app-error.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { openSse } from '../sse.ts';

/**
 * Live telemetry as Server-Sent Events (`/api/drones/{id}/telemetry`, `/api/fleet/telemetry`; closed when the
 * session ends), stored flight tracks as GeoJSON, a drone's flights and a flight's triage progress.
 */
export function telemetryRoutes(d: RouteDeps, fleetIntervalMs = 1000): Route[] {
  const { db, links } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/drones/{id}/telemetry',
      summary: '实时遥测（SSE，会话结束即关闭）/ live telemetry (Server-Sent Events; closed when the session ends)',
      tag: 'telemetry',
      roles: [],
      object: { kind: 'drone' },
      responseType: 'text/event-stream',
      handler({ req, res, user, object: drone }) {
        const stream = openSse(db, req, res, user);
        stream.send('status', { droneId: drone.id, ...liveStatus(links, drone.id) });
        const listen = () => links?.get(drone.id)?.subscribe((s) => stream.send('status', { droneId: drone.id, ...s }));
        let off = listen();
        // Re-attach when the drone connects after the stream opened.
        const timer = setInterval(() => {
          off ??= listen();
        }, 5_000);
        stream.onClose(() => {
          clearInterval(timer);
          off?.();
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/fleet/telemetry',
      summary: '机队实时状态（SSE）/ fleet status (Server-Sent Events)',
      tag: 'telemetry',
      roles: [],
      responseType: 'text/event-stream',
      async handler({ req, res, user }) {
        const stream = openSse(db, req, res, user);
        const snapshot = async () => {
          const drones = (await listDrones(db)).filter((x) => canSee(user, x));
          stream.send('fleet', {
            at: new Date().toISOString(),
            drones: drones.map((x) => ({ droneId: x.id, name: x.name, ...liveStatus(links, x.id) })),
          });
        };
        await snapshot();
        const timer = setInterval(() => snapshot().catch(() => res.end()), fleetIntervalMs);
        stream.onClose(() => clearInterval(timer));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/drones/{id}/flights',
      summary: '航次 / flights of a drone',
      tag: 'telemetry',
      roles: [],
      object: { kind: 'drone' },
      response: FlightListSchema,
      async handler({ object: drone }) {
        const r = await db.query<{ id: string; mission_id: string | null; started_at: Date; ended_at: Date | null }>(
          'SELECT id, mission_id, started_at, ended_at FROM flights WHERE drone_id = $1 ORDER BY started_at DESC LIMIT 200',
          [drone.id],
        );
        return {
          flights: r.rows.map((f) => ({
            id: f.id,
            missionId: f.mission_id,
            startedAt: new Date(f.started_at).toISOString(),
            endedAt: f.ended_at ? new Date(f.ended_at).toISOString() : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flights/{id}/track',
      summary: '航迹（GeoJSON）/ flight track',
      tag: 'telemetry',
      roles: [],
      object: { kind: 'flight' },
      response: FlightTrackSchema,
      responseType: 'application/geo+json',
      async handler({ object }) {
        const track = await flightTrack(db, object.id);
        if (!track) throw notFound(`flight ${object.id}`);
        return track;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flights/{id}/progress',
      summary: '航次研判进度 / triage progress of a flight: photos processed, detections, incidents, cases',
      tag: 'telemetry',
      roles: ['operator', 'officer', 'dispatcher'],
      object: { kind: 'flight' },
      response: FlightProgressSchema,
      handler: ({ object }) => flightProgress(db, object.id),
    }),
  ];
}
