import { Router, type Response } from 'express';
import { canAccessDepartment, currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import type { Db } from '../../db/db.ts';
import { listDrones } from '../../drones/drone-repository.ts';
import { loadDrone } from '../../drones/drone-service.ts';
import { liveStatus, type DroneLinkManager } from '../../drones/link-port.ts';
import { flightTrack } from '../../telemetry/flight-recorder.ts';
import { notFound } from '../errors.ts';

function openSse(res: Response): (event: string, data: unknown) => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  let id = 0;
  return (event, data) => {
    res.write(`id: ${++id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * Live telemetry as Server-Sent Events (`/api/drones/:id/telemetry`, `/api/fleet/telemetry`) and stored
 * flight tracks as GeoJSON (`/api/flights/:id/track`, `/api/drones/:id/flights`).
 */
export function telemetryRoutes(db: Db, links?: DroneLinkManager, fleetIntervalMs = 1000): Router {
  const router = Router();

  router.get('/drones/:id/telemetry', requireRoles(), async (req, res) => {
    const drone = await loadDrone(db, currentUser(res), IdSchema.parse(req.params.id));
    const send = openSse(res);
    send('status', { droneId: drone.id, ...liveStatus(links, drone.id) });
    let off = links?.get(drone.id)?.subscribe((s) => send('status', { droneId: drone.id, ...s }));
    // Re-attach when the drone connects after the stream opened; heartbeat comments keep proxies from closing it.
    const timer = setInterval(() => {
      if (!off) off = links?.get(drone.id)?.subscribe((s) => send('status', { droneId: drone.id, ...s }));
      res.write(': keep-alive\n\n');
    }, 15_000);
    req.on('close', () => {
      clearInterval(timer);
      off?.();
    });
  });

  router.get('/fleet/telemetry', requireRoles(), async (_req, res) => {
    const user = currentUser(res);
    const send = openSse(res);
    const snapshot = async () => {
      const drones = (await listDrones(db)).filter((d) => canAccessDepartment(user, d.departmentId));
      send('fleet', {
        at: new Date().toISOString(),
        drones: drones.map((d) => ({ droneId: d.id, name: d.name, ...liveStatus(links, d.id) })),
      });
    };
    await snapshot();
    const timer = setInterval(() => snapshot().catch(() => res.end()), fleetIntervalMs);
    res.on('close', () => clearInterval(timer));
  });

  router.get('/drones/:id/flights', requireRoles(), async (req, res) => {
    const drone = await loadDrone(db, currentUser(res), IdSchema.parse(req.params.id));
    const r = await db.query<{ id: string; mission_id: string | null; started_at: Date; ended_at: Date | null }>(
      'SELECT id, mission_id, started_at, ended_at FROM flights WHERE drone_id = $1 ORDER BY started_at DESC LIMIT 200',
      [drone.id],
    );
    res.json({
      flights: r.rows.map((f) => ({
        id: f.id,
        missionId: f.mission_id,
        startedAt: new Date(f.started_at).toISOString(),
        endedAt: f.ended_at ? new Date(f.ended_at).toISOString() : null,
      })),
    });
  });

  router.get('/flights/:id/track', requireRoles(), async (req, res) => {
    const id = IdSchema.parse(req.params.id);
    const track = await flightTrack(db, id);
    if (!track) throw notFound(`flight ${id}`);
    const droneId = track.properties!.droneId as string | null;
    if (droneId) await loadDrone(db, currentUser(res), droneId);
    res.type('application/geo+json').json(track);
  });
  return router;
}
