import { z } from 'zod';
import { IncidentDetailSchema } from './review.ts';
import { PageQuerySchema, pageOf, PointSchema } from './paging.ts';
import { BboxQuerySchema, IdSchema } from './common.ts';

export const CASE_STATES = [
  'new',
  'accepted',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'rejected',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CaseStateSchema = z.enum(CASE_STATES);

export const CASE_ACTIONS = [
  'accept',
  'reject',
  'dispatch',
  'start',
  'return',
  'resolve',
  'verify',
  'close',
  'reopen',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CASE_CATEGORIES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];
export const CASE_SOURCES = ['drone', 'hotline', 'citizen', 'grid_worker', 'manual', 'open311'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];
export const CASE_LEVELS = ['village', 'township', 'city', 'centre'] as const;

/** Mainland China's extent, roughly: points outside it are refused as input errors. */
export const CHINA_EXTENT = { west: 73, south: 18, east: 135, north: 54 } as const;

export const Category = z.enum(CASE_CATEGORIES, {
  error: `未知类别 / unknown category; one of ${CASE_CATEGORIES.join(', ')}`,
});
export const SeveritySchema = z.enum(['urgent', 'normal']);

/** [lon, lat] inside China's extent. */
export const ChinaPoint = z
  .tuple([z.number().finite(), z.number().finite()])
  .refine(
    ([lon, lat]) =>
      lon >= CHINA_EXTENT.west && lon <= CHINA_EXTENT.east && lat >= CHINA_EXTENT.south && lat <= CHINA_EXTENT.north,
    {
      message: `坐标超出中国范围 / point outside China's extent (lon ${CHINA_EXTENT.west}–${CHINA_EXTENT.east}, lat ${CHINA_EXTENT.south}–${CHINA_EXTENT.north}); give [lon, lat] in WGS84`,
    },
  );

/** A GeoJSON Point inside China's extent: `{ "type": "Point", "coordinates": [lon, lat] }` (WGS84). */
export const ChinaPosition = z.object({ type: z.literal('Point'), coordinates: ChinaPoint }).strict();

const Ring = z
  .array(z.tuple([z.number().finite(), z.number().finite()]))
  .min(4)
  .max(10_000);
export const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1).max(100) });

/** Who reported a case (hotline, citizen): contact data, shown only to roles that call reporters back. */
export const Reporter = z
  .object({
    name: z.string().max(200).optional(),
    phone: z.string().max(50).optional(),
    email: z.string().max(200).optional(),
    accountId: z.string().max(200).optional(),
    deviceId: z.string().max(200).optional(),
  })
  .strict();

/** Evidence attached by a person: a short JSON object (photo links, notes), not a file. */
export const EvidenceSchema = z.record(z.string().max(100), z.unknown());

/** Manual report through the API (hotline 12345, citizen photo, grid worker). */
export const ReportCaseBody = z
  .object({
    category: Category,
    /** Where it is: a GeoJSON Point `[lon, lat]` (WGS84). */
    position: ChinaPosition,
    severity: SeveritySchema.default('normal'),
    source: z.enum(['hotline', 'citizen', 'grid_worker', 'manual']),
    description: z.string().min(1).max(5000),
    address: z.string().max(500).optional(),
    reporter: Reporter.optional(),
    evidence: EvidenceSchema.optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();

export const TransitionBody = z
  .object({
    action: z.enum(CASE_ACTIONS),
    note: z.string().max(5000).optional(),
    evidence: EvidenceSchema.optional(),
    expectedState: CaseStateSchema.optional(),
    requestReinspection: z.boolean().optional(),
  })
  .strict();

export const ReassignBody = z.object({ departmentId: IdSchema, note: z.string().min(1).max(5000) }).strict();
export const NoteBody = z.object({ note: z.string().min(1).max(5000) }).strict();
export const MergeBody = z.object({ intoCaseId: IdSchema, note: z.string().max(5000).optional() }).strict();
export const SplitBody = z.object({ reportId: IdSchema, note: z.string().max(5000).optional() }).strict();
export const ReinspectionResultBody = z.object({ found: z.boolean(), note: z.string().max(5000).optional() }).strict();
/** What the Open311 feed publishes: the centre marks a case public (or not). */
export const PublicityBody = z.object({ public: z.boolean(), note: z.string().max(5000).optional() }).strict();

const isoInstant = z.iso.datetime({ offset: true });

export const CaseListQuerySchema = z
  .object({
    bbox: BboxQuerySchema.optional(),
    state: z
      .string()
      .max(200)
      .transform((s) => s.split(','))
      .pipe(z.array(CaseStateSchema).max(CASE_STATES.length))
      .optional(),
    category: Category.optional(),
    departmentId: IdSchema.optional(),
    source: z.enum(CASE_SOURCES).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    limit: PageQuerySchema.shape.limit,
    cursor: PageQuerySchema.shape.cursor,
    /** `geojson` (or `Accept: application/geo+json`): a FeatureCollection; `csv` (or `Accept: text/csv`): CSV. */
    format: z.enum(['json', 'geojson', 'csv']).optional(),
  })
  .strict();

const instant = z.string();

/** The most pins one map answer carries (newest first); beyond it the answer says `truncated`. */
export const CASE_MAP_MAX = 50_000;

/** The most cases one `ids` look-up names: the cases of a burst of live changes, not a second way to page the map. */
export const CASE_MAP_IDS_MAX = 200;

/**
 * The dispatcher map's filter: the case list's filters (same validation, same visibility rules) without paging,
 * plus `text` (a piece of the id, address or description) and `ids` (only these cases, comma-separated: the map
 * refreshes the pins of changed cases; a named case missing from the answer has left the filter or the caller's
 * sight).
 */
export const CaseMapQuerySchema = CaseListQuerySchema.omit({ limit: true, cursor: true, format: true })
  .extend({
    text: z.string().trim().min(1).max(200).optional(),
    ids: z
      .string()
      .max(CASE_MAP_IDS_MAX * 65)
      .transform((s) => [...new Set(s.split(','))])
      .pipe(
        z
          .array(IdSchema)
          .min(1)
          .max(
            CASE_MAP_IDS_MAX,
            `一次最多 ${CASE_MAP_IDS_MAX} 个案件编号 / at most ${CASE_MAP_IDS_MAX} case ids at once`,
          ),
      )
      .optional(),
  })
  .strict();

const column = <T extends z.ZodType>(item: T) => z.array(item).max(CASE_MAP_MAX);
/** An instant as milliseconds since 1970 (UTC): 13 digits instead of a 26-character string, 10,000 times. */
const epochMs = z.number().int().nullable();

/**
 * Every case of the filter as the map and the dispatcher's list need it, in one answer: columns (one array per
 * field, entry i of each belongs to case i), newest first. Only what a pin and a list row show: id, position, state,
 * category, severity and the SLA clocks (the deadlines and the start of each stage, for "due soon").
 */
export const CaseMapSchema = z
  .object({
    /** Cases matching the filter (more than the columns hold when `truncated`). */
    total: z.number().int(),
    truncated: z.boolean(),
    id: column(z.string()),
    lon: column(z.number()),
    lat: column(z.number()),
    state: column(CaseStateSchema),
    category: column(z.string()),
    severity: column(SeveritySchema),
    createdAt: column(z.number().int()),
    acceptedAt: column(epochMs),
    dispatchedAt: column(epochMs),
    acceptDueAt: column(epochMs),
    dispatchDueAt: column(epochMs),
    resolveDueAt: column(epochMs),
  })
  .refine((m) => {
    const columns: unknown[][] = [m.lon, m.lat, m.state, m.category, m.severity, m.createdAt, m.acceptedAt];
    columns.push(m.dispatchedAt, m.acceptDueAt, m.dispatchDueAt, m.resolveDueAt);
    return columns.every((c) => c.length === m.id.length);
  }, '每列长度须相同 / every column must have one entry per case');
export type CaseMap = z.infer<typeof CaseMapSchema>;

export const CaseViewSchema = z.object({
  id: z.string(),
  category: z.string(),
  state: CaseStateSchema,
  source: z.string(),
  severity: SeveritySchema,
  position: PointSchema,
  groundPolygon: z
    .object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) })
    .nullable(),
  confidence: z.number().nullable(),
  incidentId: z.string().nullable(),
  jurisdictionId: z.string().nullable(),
  handlingJurisdictionId: z.string().nullable(),
  level: z.enum(CASE_LEVELS),
  gridCode: z.string().nullable(),
  departmentId: z.string().nullable(),
  assistDepartmentIds: z.array(z.string()),
  description: z.string().nullable(),
  address: z.string().nullable(),
  evidence: z.unknown(),
  mergedIntoId: z.string().nullable(),
  reportCount: z.number().int(),
  /** Published in the public Open311 feed. */
  public: z.boolean(),
  acceptDueAt: instant.nullable(),
  dispatchDueAt: instant.nullable(),
  resolveDueAt: instant.nullable(),
  resolveDueEstimated: z.boolean(),
  acceptedAt: instant.nullable(),
  dispatchedAt: instant.nullable(),
  resolvedAt: instant.nullable(),
  resolvedLevel: z.string().nullable(),
  closedAt: instant.nullable(),
  escalationLevel: z.number().int(),
  version: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
});
export type CaseViewDto = z.infer<typeof CaseViewSchema>;

export const CaseEventSchema = z.object({
  id: z.number().int(),
  caseId: z.string(),
  at: instant,
  /** The actor's id (a user id, or `system:<what>` for the service). */
  actor: z.string(),
  /** The actor's name, for people: display name, else user name. */
  actorName: z.string(),
  actorRoles: z.array(z.string()),
  kind: z.string(),
  action: z.string().nullable(),
  fromState: CaseStateSchema.nullable(),
  toState: CaseStateSchema,
  level: z.string().nullable(),
  departmentId: z.string().nullable(),
  note: z.string().nullable(),
  evidence: z.unknown(),
});

export const CaseReportSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  source: z.string(),
  incidentId: z.string().nullable(),
  position: PointSchema,
  severity: z.string(),
  description: z.string().nullable(),
  /** Contact data of the reporter; null for roles that do not call reporters back (see `reporterRedacted`). */
  reporter: Reporter.nullable(),
  reporterRedacted: z.boolean(),
  createdAt: instant,
});

export const FileCaseResultSchema = z.object({
  outcome: z.enum(['created', 'attached', 'existing']),
  caseId: z.string(),
  reportId: z.string(),
  /** Left out when the report joined a case the caller may not see. */
  case: CaseViewSchema.optional(),
});

export const CaseDetailSchema = z.object({
  /** Every incident of the case (drone-found), with its detections. */
  incidents: z.array(IncidentDetailSchema),
  case: CaseViewSchema,
  events: z.array(CaseEventSchema),
  reports: z.array(CaseReportSchema),
});
/** A page of cases (JSON); the same page is also served as GeoJSON and CSV (see CaseListQuerySchema.format). */
export const CaseListSchema = pageOf(CaseViewSchema);
export const CaseEnvelopeSchema = z.object({ case: CaseViewSchema });
export const TransitionResultSchema = z.object({
  case: CaseViewSchema,
  eventId: z.number().int(),
  reinspectionId: z.string().nullable(),
});
export const SplitResultSchema = z.object({ original: CaseViewSchema, created: CaseViewSchema });

export const ReinspectionSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  surveyPolygon: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
  state: z.enum(['requested', 'planned', 'done']),
  result: z.enum(['found', 'not_found']).nullable(),
  requestedBy: z.string(),
  requestedAt: instant,
  completedAt: instant.nullable(),
  note: z.string().nullable(),
});
export const ReinspectionListQuerySchema = PageQuerySchema.extend({
  state: z.enum(['requested', 'planned', 'done']).optional(),
}).strict();
export const ReinspectionResultSchema = z.object({ case: CaseViewSchema, reinspection: ReinspectionSchema });

export const NotificationSchema = z.object({
  id: z.number().int(),
  caseId: z.string().nullable(),
  recipientRole: z.string(),
  recipientDepartmentId: z.string().nullable(),
  kind: z.string(),
  message: z.string(),
  createdAt: instant,
  readAt: instant.nullable(),
});
export const NotificationListQuerySchema = PageQuerySchema.extend({
  unread: z.enum(['true', 'false', '1', '0']).optional(),
}).strict();
