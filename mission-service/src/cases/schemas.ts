import { z } from 'zod';
import { CASE_ACTIONS, CASE_STATES } from './state-machine.ts';

export const CASE_CATEGORIES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];
export const CASE_SOURCES = ['drone', 'hotline', 'citizen', 'grid_worker', 'manual', 'open311'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/** Mainland China's extent, roughly: points outside it are refused as input errors. */
export const CHINA_EXTENT = { west: 73, south: 18, east: 135, north: 54 } as const;

export const Category = z.string().refine((c) => (CASE_CATEGORIES as readonly string[]).includes(c), {
  message: `未知类别 / unknown category; one of ${CASE_CATEGORIES.join(', ')}`,
});

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

const Ring = z.array(z.tuple([z.number().finite(), z.number().finite()])).min(4);
export const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) });

export const Reporter = z
  .object({
    name: z.string().max(200).optional(),
    phone: z.string().max(50).optional(),
    email: z.string().max(200).optional(),
    accountId: z.string().max(200).optional(),
    deviceId: z.string().max(200).optional(),
  })
  .strict();

/** What {@link fileCase} accepts (triage, the API and Open311 all file through it). */
export const FileCaseInput = z.object({
  category: Category,
  point: ChinaPoint,
  polygon: PolygonSchema.nullish(),
  confidence: z.number().min(0).max(1).nullish(),
  severity: z.enum(['urgent', 'normal']).default('normal'),
  evidence: z.unknown().optional(),
  incidentId: z.string().min(1).max(200).nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  source: z.enum(CASE_SOURCES),
  description: z.string().max(5000).nullish(),
  address: z.string().max(500).nullish(),
  reporter: Reporter.nullish(),
  apiKeyId: z.string().nullish(),
});
export type FileCaseInput = z.input<typeof FileCaseInput>;

/** Manual report through the API (hotline 12345, citizen photo, grid worker). */
export const ReportCaseBody = z
  .object({
    category: Category,
    point: ChinaPoint,
    severity: z.enum(['urgent', 'normal']).default('normal'),
    source: z.enum(['hotline', 'citizen', 'grid_worker', 'manual']),
    description: z.string().min(1).max(5000),
    address: z.string().max(500).optional(),
    reporter: Reporter.optional(),
    evidence: z.unknown().optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();

export const TransitionBody = z
  .object({
    action: z.enum(CASE_ACTIONS),
    note: z.string().max(5000).optional(),
    evidence: z.unknown().optional(),
    expectedState: z.enum(CASE_STATES).optional(),
    requestReinspection: z.boolean().optional(),
  })
  .strict();

export const ReassignBody = z.object({ departmentId: z.string().min(1), note: z.string().min(1).max(5000) }).strict();
export const NoteBody = z.object({ note: z.string().min(1).max(5000) }).strict();
export const MergeBody = z.object({ intoCaseId: z.string().min(1), note: z.string().max(5000).optional() }).strict();
export const SplitBody = z.object({ reportId: z.string().min(1), note: z.string().max(5000).optional() }).strict();
export const ReinspectionResultBody = z.object({ found: z.boolean(), note: z.string().max(5000).optional() }).strict();
