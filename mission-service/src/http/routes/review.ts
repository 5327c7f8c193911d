import { Router } from 'express';
import { currentUser, requireRoles } from '../../auth/index.ts';
import { IdSchema } from '../../contract/common.ts';
import {
  ChangeIncidentClassBodySchema,
  ConfirmIncidentBodySchema,
  DetectionListQuerySchema,
  IncidentListQuerySchema,
  RejectIncidentBodySchema,
} from '../../contract/review.ts';
import type { Db } from '../../db/db.ts';
import { cropFile } from '../../photos/thumbnails.ts';
import {
  incidentDetections,
  listDetections,
  listIncidents,
  loadDetection,
  loadIncident,
} from '../../review/incident-repository.ts';
import { changeIncidentClass, confirmIncident, rejectIncident } from '../../review/review-actions.ts';
import { AppError } from '../errors.ts';
import { isFresh, sendImmutableJpeg } from '../send-file.ts';
import { parseBody, parseParam, parseQuery } from '../validate.ts';

const readers = requireRoles('operator', 'officer', 'dispatcher');
const reviewers = requireRoles('officer', 'dispatcher');

/**
 * The review queue (研判): incidents and detections with filters and paging, an incident with its detections,
 * evidence crops over HTTP, and the decisions confirm / reject / change class. Officers and dispatchers decide;
 * operators may look. Another department's incident is not there (404).
 */
export function reviewRoutes(db: Db, dataDir: string | undefined): Router {
  const router = Router();

  router.get('/incidents', readers, async (req, res) => {
    res.json(await listIncidents(db, currentUser(res), parseQuery(IncidentListQuerySchema, req)));
  });

  router.get('/incidents/:id', readers, async (req, res) => {
    const inc = await loadIncident(db, currentUser(res), parseParam(IdSchema, req, 'id'));
    res.json({ ...inc, detections: await incidentDetections(db, inc.id) });
  });

  router.post('/incidents/:id/confirm', reviewers, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    const b = parseBody(ConfirmIncidentBodySchema, req);
    const r = await confirmIncident(db, currentUser(res), id, b);
    res.status(r.outcome === 'created' ? 201 : 200).json(r);
  });

  router.post('/incidents/:id/reject', reviewers, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    res.json(await rejectIncident(db, currentUser(res), id, parseBody(RejectIncidentBodySchema, req)));
  });

  router.post('/incidents/:id/class', reviewers, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    res.json(await changeIncidentClass(db, currentUser(res), id, parseBody(ChangeIncidentClassBodySchema, req)));
  });

  router.get('/detections', readers, async (req, res) => {
    res.json(await listDetections(db, currentUser(res), parseQuery(DetectionListQuerySchema, req)));
  });

  router.get('/detections/:id', readers, async (req, res) => {
    res.json((await loadDetection(db, currentUser(res), parseParam(IdSchema, req, 'id'))).detection);
  });

  router.get('/detections/:id/crop', readers, async (req, res) => {
    const id = parseParam(IdSchema, req, 'id');
    const d = await loadDetection(db, currentUser(res), id);
    if (isFresh(req, `crop-${id}`)) return sendImmutableJpeg(req, res, null, `crop-${id}`);
    if (!dataDir) throw new AppError(503, 'no_storage', '未配置存储目录 / no data directory configured');
    const { imageWidthPx: w, imageHeightPx: h } = d.detection;
    if (!w || !h) throw new AppError(422, 'undecodable', '照片尺寸未知 / the photo size is unknown');
    const file = await cropFile(dataDir, {
      id,
      bboxPx: d.detection.bboxPx,
      storedPath: d.storedPath,
      widthPx: w,
      heightPx: h,
    }).catch((err: Error) => {
      throw new AppError(422, 'undecodable', `无法裁剪证据 / cannot cut the evidence crop: ${err.message}`);
    });
    await sendImmutableJpeg(req, res, file, `crop-${id}`);
  });

  return router;
}
