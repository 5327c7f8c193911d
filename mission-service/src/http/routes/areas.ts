import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { countAreas, featureJsonPage, type AreaQuery, type AreaVisibility } from '../../areas/area-repository.ts';
import { createArea, importAreas, removeArea, replaceArea } from '../../areas/area-service.ts';
import { applyImportCrs } from '../../areas/import-crs.ts';
import { readAreaFile } from '../../areas/read-area-file.ts';
import { countVertices } from '../../areas/validate-area.ts';
import { AppError, notFound } from '../../app-error.ts';
import { seesAllDepartments, type AuthUser } from '../../auth/index.ts';
import {
  AREA_KINDS,
  AreaCollectionSchema,
  AreaFeatureSchema,
  AreaImportQuerySchema,
  AreaImportRequestSchema,
  AreaImportResultSchema,
  AreaInputSchema,
  AreaListQuerySchema,
  type AreaImportResult,
  LayerPageSchema,
  LayerQuerySchema,
  MAX_AREA_VERTICES,
} from '../../contract/areas.ts';
import type { Queryable } from '../../db/db.ts';
import { decodeCursor, encodeCursor } from '../paging.ts';
import { defineRoute, type Route } from '../route.ts';
import type { RouteDeps } from '../route-deps.ts';

/** What a reader sees: everything (admins, dispatchers), shared areas and their own department's, or shared only. */
export function areaVisibility(user: AuthUser | undefined): AreaVisibility {
  if (!user) return { departmentId: null };
  return seesAllDepartments(user) ? 'all' : { departmentId: user.departmentId };
}

const rawFile = express.raw({
  type: [
    'application/vnd.google-earth.kml+xml',
    'application/vnd.google-earth.kmz',
    'application/zip',
    'application/xml',
    'text/xml',
    'application/octet-stream',
  ],
  limit: '20mb',
});

const geoJsonBody = express.json({ type: 'application/geo+json', limit: '5mb' });

/** Refuses an area over the vertex cap before anything parses it (a 5 MB body of coordinates is cheap to count). */
const vertexCap: RequestHandler = (req, _res, next) => {
  const coords = (req.body as { geometry?: { coordinates?: unknown } } | undefined)?.geometry?.coordinates;
  if (countVertices(coords, MAX_AREA_VERTICES) > MAX_AREA_VERTICES) {
    next(
      new AppError(
        'too_large',
        'too_many_vertices',
        `几何顶点过多 / geometry: more than ${MAX_AREA_VERTICES} vertices (simplify it)`,
        {
          limit: MAX_AREA_VERTICES,
        },
      ),
    );
    return;
  }
  next();
};

/**
 * A page of areas in id order as the GeoJSON text the database built, with the total, the next page's cursor and
 * a `next` link — for `/areas` and `/layers/{kind}` alike.
 */
async function areaPageJson(
  db: Queryable,
  req: Request,
  q: Omit<AreaQuery, 'offset' | 'after'> & { cursor?: string },
): Promise<string> {
  const key = decodeCursor(q.cursor, 1);
  const { cursor: _c, ...filter } = q;
  const [rows, total] = await Promise.all([
    featureJsonPage(db, { ...filter, after: key ? String(key[0]) : undefined, limit: q.limit + 1, offset: 0 }),
    countAreas(db, filter),
  ]);
  const page = rows.slice(0, q.limit);
  const nextCursor = rows.length > q.limit ? encodeCursor([page[page.length - 1]!.id]) : null;
  const links: { rel: 'next'; href: string }[] = [];
  if (nextCursor) {
    const u = new URL(req.originalUrl, 'http://x');
    u.searchParams.set('cursor', nextCursor);
    links.push({ rel: 'next', href: `${u.pathname}${u.search}` });
  }
  return `{"type":"FeatureCollection","features":[${page.map((x) => x.json).join(',')}],"total":${total},"nextCursor":${JSON.stringify(nextCursor)},"links":${JSON.stringify(links)}}`;
}

/**
 * `/api/areas`: list (GeoJSON, bbox/kind filters, paging) and read for any logged-in user, within what their
 * department sees; create, replace, delete and import for operators of the owning department. No-fly zones and
 * jurisdictions: admins only. `/api/layers/{kind}`: the layers, paged; anonymous reads of the shared ones when
 * the configuration allows (default).
 */
export function areaRoutes(d: RouteDeps): Route[] {
  const { db } = d;
  return [
    defineRoute({
      method: 'get',
      path: '/areas',
      summary: '区域（GeoJSON，bbox 过滤，分页）/ areas as GeoJSON (bbox, kind, paging)',
      tag: 'areas',
      roles: [],
      query: AreaListQuerySchema,
      response: AreaCollectionSchema,
      responseType: 'application/geo+json',
      async handler({ req, query, user }) {
        return areaPageJson(db, req, {
          kind: query.kind,
          bbox: query.bbox as [number, number, number, number] | undefined,
          limit: query.limit,
          cursor: query.cursor,
          visible: areaVisibility(user),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/areas/{id}',
      summary: '单个区域 / one area',
      tag: 'areas',
      roles: [],
      object: { kind: 'area' },
      response: AreaFeatureSchema,
      responseType: 'application/geo+json',
      handler: ({ object }) => object,
    }),
    defineRoute({
      method: 'post',
      path: '/areas',
      summary: '新建区域（禁飞区、辖区仅管理员）/ create area (no-fly zones and jurisdictions: admins)',
      tag: 'areas',
      roles: ['operator'],
      middleware: [geoJsonBody, vertexCap],
      body: AreaInputSchema,
      status: 201,
      response: AreaFeatureSchema,
      responseType: 'application/geo+json',
      errors: { 409: '已存在 / id exists', 413: '顶点过多 / too many vertices' },
      handler: ({ user, req }) => createArea(db, user, req.body),
    }),
    defineRoute({
      method: 'post',
      path: '/areas/import',
      summary:
        '批量导入（GeoJSON、KML、KMZ、Shapefile；全部或全不；crs=gcj02|bd09 转 WGS84）/ import areas, all or nothing (crs converted to WGS84)',
      tag: 'areas',
      roles: ['operator'],
      middleware: [rawFile],
      rawBody: true,
      query: AreaImportQuerySchema,
      body: AreaImportRequestSchema,
      status: 201,
      response: AreaImportResultSchema,
      errors: { 413: '顶点或要素过多 / too many vertices or features' },
      async handler({ user, body, query }) {
        const features = Buffer.isBuffer(body)
          ? await readAreaFile(body, query.kind)
          : AreaImportRequestSchema.parse(body).features;
        if (!features.length || features.length > 5000)
          throw new AppError('invalid_input', 'invalid_input', '要素数须为 1–5000 / 1 to 5000 features per import');
        const wgs84 = await applyImportCrs(db, features, query.crs);
        const ids = await importAreas(db, user, wgs84.features);
        return { imported: ids.length, ids, warnings: wgs84.warnings } satisfies AreaImportResult;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/areas/{id}',
      summary: '修改区域（相关计划重新规划；共享区域仅管理员）/ replace area (plans re-plan; shared areas: admins)',
      tag: 'areas',
      roles: ['operator'],
      object: { kind: 'area' },
      middleware: [geoJsonBody, vertexCap],
      body: AreaInputSchema,
      response: AreaFeatureSchema,
      responseType: 'application/geo+json',
      handler: ({ user, params, req }) =>
        replaceArea(db, user, params.id, { ...req.body, id: params.id }, d.onAreaChanged),
    }),
    defineRoute({
      method: 'delete',
      path: '/areas/{id}',
      summary: '删除区域（共享区域仅管理员）/ delete area (shared areas: admins)',
      tag: 'areas',
      roles: ['operator'],
      object: { kind: 'area' },
      status: 204,
      errors: { 409: '仍被计划使用 / used by plans' },
      async handler({ user, params }) {
        await removeArea(db, user, params.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/layers/{kind}',
      summary: '图层（分页；匿名可读共享图层，可配置）/ a layer, paged (anonymous reads of shared areas: configurable)',
      tag: 'areas',
      roles: null,
      params: z.object({ kind: z.string().max(64) }),
      query: LayerQuerySchema,
      response: LayerPageSchema,
      responseType: 'application/geo+json',
      async handler({ req, caller, params, query }) {
        const kind = AREA_KINDS.find((k) => k === params.kind);
        if (!kind) throw notFound(`unknown layer "${params.kind}"; one of ${AREA_KINDS.join(', ')}`);
        if (!caller && !d.security.publicLayers)
          throw new AppError(
            'unauthenticated',
            'unauthenticated',
            '请先登录 / authentication required (public layers are off)',
          );
        return areaPageJson(db, req, {
          kind,
          bbox: query.bbox as [number, number, number, number] | undefined,
          limit: query.limit,
          cursor: query.cursor,
          visible: areaVisibility(caller),
        });
      },
    }),
  ];
}
