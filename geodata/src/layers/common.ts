/**
 * Shared vocabulary of the geodata layers: the kinds of area an operator can patrol, jurisdiction levels,
 * incident categories, and the trilingual naming every feature carries.
 */
import { z } from 'zod';

/** Kinds of area features. `river` is a line (corridor patrol), the others are polygons. */
export const AREA_KINDS = ['river', 'farmland', 'hillside', 'nofly', 'jurisdiction'] as const;
export const areaKindSchema = z.enum(AREA_KINDS);
export type AreaKind = z.infer<typeof areaKindSchema>;

/** Levels of the administrative hierarchy: 市 → 乡镇/街道 → 村/社区. */
export const JURISDICTION_LEVELS = ['city', 'township', 'village'] as const;
export const jurisdictionLevelSchema = z.enum(JURISDICTION_LEVELS);
export type JurisdictionLevel = z.infer<typeof jurisdictionLevelSchema>;

/** Incident categories that triage detects and dispatch routes. */
export const INCIDENT_CATEGORIES = ['straw_burning', 'sewage_outfall', 'exposed_slope'] as const;
export const incidentCategorySchema = z.enum(INCIDENT_CATEGORIES);
export type IncidentCategory = z.infer<typeof incidentCategorySchema>;

const nonEmpty = (what: string) => z.string().trim().min(1, `${what}不能为空 / ${what} must not be empty`);

/** Every feature: a stable id and a name in Chinese, pinyin and English. */
export const namedPropertiesSchema = z.object({
  id: nonEmpty('id'),
  name: nonEmpty('name'),
  namePinyin: nonEmpty('namePinyin'),
  nameEn: nonEmpty('nameEn'),
});
export type NamedProperties = z.infer<typeof namedPropertiesSchema>;
