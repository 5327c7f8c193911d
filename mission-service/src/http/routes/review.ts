import { AppError } from '../../app-error.ts';
import {
  ChangeIncidentClassBodySchema,
  ConfirmIncidentBodySchema,
  DetectionListQuerySchema,
  DetectionPageSchema,
  DetectionSchema,
  IncidentDetailSchema,
  IncidentListQuerySchema,
  IncidentPageSchema,
  RejectIncidentBodySchema,
  ReviewResultSchema,
} from '../../contract/review.ts';
import { cropFile } from '../../photos/thumbnails.ts';
import {
  incidentDetections,
  listDetections,
  listIncidents,
  loadDetection,
  loadIncident,
} from '../../review/incident-repository.ts';
import { changeIncidentClass, confirmIncident, rejectIncident } from '../../review/review-actions.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';
import { isFresh, sendImmutableJpeg } from '../send-file.ts';

const READERS = ['operator', 'officer', 'dispatcher'] as const;
const REVIEWERS = ['officer', 'dispatcher'] as const;
// Reviewing is the officer's role over what they can see, shared drones' findings included.
const incident = { kind: 'incident' as const, write: 'visible' as const };

/**
 * The review queue (研判): incidents and detections with filters and paging, an incident with its detections,
 * evidence crops over HTTP, and the decisions confirm / reject / change class. Officers and dispatchers decide;
 * operators may look. Another department's incident is not there (404).
 */
export function reviewRoutes(d: RouteDeps): Route[] {
  const { db, dataDir } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/incidents',
      summary: '研判队列 / the review queue: incidents by state, class, score, flight, area, bbox, time',
      tag: 'review',
      roles: READERS,
      query: IncidentListQuerySchema,
      response: IncidentPageSchema,
      handler: ({ user, query }) => listIncidents(db, user, query),
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/{id}',
      summary: '事件及其检测 / an incident with its detections (boxes, photos, crops)',
      tag: 'review',
      roles: READERS,
      object: incident,
      response: IncidentDetailSchema,
      async handler({ user, params }) {
        const inc = await loadIncident(db, user, params.id);
        return { ...inc, detections: await incidentDetections(db, inc.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/{id}/confirm',
      summary: '确认立案（或并入同一地点的案件）/ confirm: file it as a case, or attach it to one at the same spot',
      tag: 'review',
      roles: REVIEWERS,
      object: incident,
      body: ConfirmIncidentBodySchema,
      status: 201,
      response: ReviewResultSchema,
      errors: { 409: '已研判 / already reviewed' },
      async handler({ user, params, body, setStatus }) {
        const r = await confirmIncident(db, user, params.id, body);
        if (r.outcome !== 'created') setStatus(200);
        return r;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/{id}/reject',
      summary: '驳回（误报，保留为负样本）/ reject: a false positive, kept as labelled negatives with the reason',
      tag: 'review',
      roles: REVIEWERS,
      object: incident,
      body: RejectIncidentBodySchema,
      response: ReviewResultSchema,
      errors: { 409: '已研判 / already reviewed' },
      handler: ({ user, params, body }) => rejectIncident(db, user, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/{id}/class',
      summary: '改类 / change the class (the incident stays in review)',
      tag: 'review',
      roles: REVIEWERS,
      object: incident,
      body: ChangeIncidentClassBodySchema,
      response: ReviewResultSchema,
      errors: { 409: '已研判 / already reviewed' },
      handler: ({ user, params, body }) => changeIncidentClass(db, user, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/detections',
      summary: '检测列表 / detections by class, state, score, flight, incident, photo, label, area, bbox, time',
      tag: 'review',
      roles: READERS,
      query: DetectionListQuerySchema,
      response: DetectionPageSchema,
      handler: ({ user, query }) => listDetections(db, user, query),
    }),
    defineRoute({
      method: 'get',
      path: '/detections/{id}',
      summary: '检测 / a detection (box in the photo, ground position, label)',
      tag: 'review',
      roles: READERS,
      object: { kind: 'detection' },
      response: DetectionSchema,
      handler: async ({ user, params }) => (await loadDetection(db, user, params.id)).detection,
    }),
    defineRoute({
      method: 'get',
      path: '/detections/{id}/crop',
      summary: '证据截图（首次生成后缓存）/ evidence crop around the box, made once then cached',
      tag: 'review',
      roles: READERS,
      object: { kind: 'detection' },
      responseType: 'image/jpeg',
      errors: { 304: '未修改 / not modified (If-None-Match)', 503: '未配置存储目录 / no data directory' },
      async handler({ req, res, user, params }) {
        const tag = `crop-${params.id}`;
        if (isFresh(req, tag)) return sendImmutableJpeg(req, res, null, tag);
        if (!dataDir) throw new AppError('unavailable', 'no_storage', '未配置存储目录 / no data directory configured');
        const det = await loadDetection(db, user, params.id);
        const { imageWidthPx: w, imageHeightPx: h } = det.detection;
        if (!w || !h) throw new AppError('unprocessable', 'undecodable', '照片尺寸未知 / the photo size is unknown');
        const file = await cropFile(dataDir, {
          id: params.id,
          bboxPx: det.detection.bboxPx,
          storedPath: det.storedPath,
          widthPx: w,
          heightPx: h,
        }).catch((err: Error) => {
          throw new AppError(
            'unprocessable',
            'undecodable',
            `无法裁剪证据 / cannot cut the evidence crop: ${err.message}`,
          );
        });
        await sendImmutableJpeg(req, res, file, tag);
      },
    }),
  ];
}
