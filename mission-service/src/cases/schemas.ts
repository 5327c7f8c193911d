import { z } from 'zod';
import {
  Category,
  CASE_SOURCES,
  ChinaPoint,
  EvidenceSchema,
  PolygonSchema,
  Reporter,
  SeveritySchema,
} from '../contract/cases.ts';

export {
  CASE_CATEGORIES,
  CASE_SOURCES,
  CHINA_EXTENT,
  Category,
  ChinaPoint,
  PolygonSchema,
  Reporter,
  ReportCaseBody,
  TransitionBody,
  ReassignBody,
  NoteBody,
  MergeBody,
  SplitBody,
  ReinspectionResultBody,
  type CaseCategory,
  type CaseSource,
} from '../contract/cases.ts';

/** What {@link fileCase} accepts (triage, the API and Open311 all file through it). */
export const FileCaseInput = z.object({
  category: z.string().pipe(Category),
  point: ChinaPoint,
  polygon: PolygonSchema.nullish(),
  confidence: z.number().min(0).max(1).nullish(),
  severity: SeveritySchema.default('normal'),
  evidence: z.union([EvidenceSchema, z.unknown()]).optional(),
  incidentId: z.string().min(1).max(200).nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
  source: z.enum(CASE_SOURCES),
  description: z.string().max(5000).nullish(),
  address: z.string().max(500).nullish(),
  reporter: Reporter.nullish(),
  apiKeyId: z.string().nullish(),
  /** Published in the Open311 feed; default: reports that came in through Open311. */
  public: z.boolean().optional(),
});
export type FileCaseInput = z.input<typeof FileCaseInput>;
