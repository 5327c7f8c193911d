import { canSee } from '../../auth/index.ts';
import { FlightListSchema, FlightTrackSchema } from '../../contract/flights.ts';
import { FlightProgressSchema } from '../../contract/photos.ts';
import { listDrones } from '../../drones/drone-repository.ts';
import { liveStatus } from '../../drones/link-port.ts';
import { flightProgress } from '../../jobs/flight-progress.ts';
import { flightTrack } from '../../telemetry/flight-recorder.ts';
import { notFound } from '../../app-error.ts';
import type { DroneLiveStatus } from '../../contract/drones.ts';
import { TelemetryStreamQuerySchema } from '../../contract/streams.ts';
import { onChangeAtMost } from '../../events/on-change.ts';
import { PageQuerySchema } from '../../contract/paging.ts';
import { offsetFrom, offsetPage } from '../paging.ts';
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
      query: TelemetryStreamQuerySchema,
      responseType: 'text/event-stream',
      handler({ req, res, user, object: drone, query }) {
        const stream = openSse(db, req, res, user);
        stream.send('hello', { stream: 'telemetry', maxHz: query.maxHz, onChange: true });
        // On change only (the time stamp alone is no change), and at most maxHz a second.
        const out = onChangeAtMost<DroneLiveStatus>(
          query.maxHz,
          (s) => stream.send('status', { droneId: drone.id, ...s }),
          ({ updatedAt: _t, ...rest }) => JSON.stringify(rest),
        );
        out.push(liveStatus(links, drone.id));
        const listen = () => links?.get(drone.id)?.subscribe((s) => out.push(s));
        let off = listen();
        // Re-attach when the drone connects after the stream opened.
        const timer = setInterval(() => {
          off ??= listen();
        }, 5_000);
        stream.onClose(() => {
          clearInterval(timer);
          off?.();
          out.close();
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
        stream.send('hello', { stream: 'fleet', maxHz: 1000 / fleetIntervalMs, onChange: true });
        // The fleet is looked at every interval; sent only when something in it changed.
        const out = onChangeAtMost<{ at: string; drones: ({ droneId: string } & DroneLiveStatus)[] }>(
          1000 / fleetIntervalMs,
          (f) => stream.send('fleet', f),
          (f) => JSON.stringify(f.drones.map(({ updatedAt: _t, ...rest }) => rest)),
        );
        stream.onClose(() => out.close());
        const snapshot = async () => {
          const drones = (await listDrones(db)).filter((x) => canSee(user, x));
          out.push({
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
      query: PageQuerySchema,
      response: FlightListSchema,
      async handler({ object: drone, query }) {
        const [r, total] = await Promise.all([
          db.query<{ id: string; mission_id: string | null; started_at: Date; ended_at: Date | null }>(
            `SELECT id, mission_id, started_at, ended_at FROM flights WHERE drone_id = $1
              ORDER BY started_at DESC, id LIMIT $2 OFFSET $3`,
            [drone.id, query.limit + 1, offsetFrom(query.cursor)],
          ),
          db.query<{ n: string }>('SELECT count(*) AS n FROM flights WHERE drone_id = $1', [drone.id]),
        ]);
        const rows = r.rows.map((f) => ({
          id: f.id,
          missionId: f.mission_id,
          startedAt: new Date(f.started_at).toISOString(),
          endedAt: f.ended_at ? new Date(f.ended_at).toISOString() : null,
        }));
        return offsetPage(rows, Number(total.rows[0]?.n ?? 0), query);
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
