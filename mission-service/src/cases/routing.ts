export type CaseLevel = 'village' | 'township' | 'city' | 'centre';
export const LEVEL_ORDER: readonly CaseLevel[] = ['village', 'township', 'city'];

export interface JurisdictionRef {
  id: string;
  level: 'village' | 'township' | 'city';
  name: string;
  gridCode: string | null;
}

export interface Route {
  /** The jurisdictions containing the point, lowest level first (village → township → city). */
  chain: JurisdictionRef[];
  /** Lowest containing jurisdiction (null outside every jurisdiction: the centre's own queue). */
  jurisdictionId: string | null;
  /** Where the case is handled now; starts at the lowest level (逐级化解). */
  level: CaseLevel;
  handlingJurisdictionId: string | null;
  gridCode: string | null;
  leadDepartmentId: string | null;
  assistDepartmentIds: string[];
}

/** The department row that stands for "the township/sub-district office of the place". */
export const TOWNSHIP_OFFICE_DEPARTMENT_ID = 'dept-township';

interface RuleRow {
  lead_department_id: string | null;
  lead_is_township: boolean;
  assist_department_ids: string[];
}

const RANK: Record<string, number> = { village: 0, township: 1, city: 2 };

/** Scalar subquery: the jurisdictions containing the point (JSON array), for composing one round trip. */
export function routeChainSql(lon: string, lat: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', a.id, 'level', a.level, 'name', a.name, 'gridCode', a.grid_code)), '[]'::json)
    FROM areas a WHERE a.kind = 'jurisdiction' AND ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)))`;
}

/** Scalar subquery: the routing rule of the category (JSON object or NULL). */
export function routeRuleSql(category: string): string {
  return `(SELECT row_to_json(x) FROM (SELECT lead_department_id, lead_is_township, assist_department_ids
    FROM routing_rules WHERE category = ${category}) x)`;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** The route from the results of {@link routeChainSql} and {@link routeRuleSql}. */
export function buildRoute(chainJson: unknown, ruleJson: unknown): Route {
  const chain = [...json<JurisdictionRef[]>(chainJson)].sort((a, b) => (RANK[a.level] ?? 9) - (RANK[b.level] ?? 9));
  const rule0 = ruleJson == null ? null : json<RuleRow>(ruleJson);
  const rules = { rows: rule0 ? [rule0] : [] };
  const lowest = chain[0];
  if (!lowest) {
    return {
      chain,
      jurisdictionId: null,
      level: 'centre',
      handlingJurisdictionId: null,
      gridCode: null,
      leadDepartmentId: null,
      assistDepartmentIds: [],
    };
  }
  const rule = rules.rows[0];
  let leadDepartmentId: string | null = null;
  let handling = lowest;
  if (rule?.lead_is_township) {
    // The township office of the place leads, so the case sits at the township level from the start.
    leadDepartmentId = TOWNSHIP_OFFICE_DEPARTMENT_ID;
    handling = chain.find((j) => j.level === 'township') ?? lowest;
  } else if (rule) {
    leadDepartmentId = rule.lead_department_id;
  }
  return {
    chain,
    jurisdictionId: lowest.id,
    level: handling.level,
    handlingJurisdictionId: handling.id,
    gridCode: handling.gridCode,
    leadDepartmentId,
    assistDepartmentIds: rule?.assist_department_ids ?? [],
  };
}

/** The next level up the hierarchy (village → township → city), or null at the top. */
export function nextLevel(level: CaseLevel): 'township' | 'city' | null {
  if (level === 'village') return 'township';
  if (level === 'township') return 'city';
  return null;
}
