import type { Queryable } from '../db/db.ts';
import { w3cChina } from '../time/china-time.ts';
import type { CaseView } from '../cases/repository.ts';
import type { CaseState } from '../cases/state-machine.ts';

/**
 * Open311 has two statuses. A case is `closed` to the reporter once the department has resolved it (resolved,
 * verified, closed) or it was rejected; `open` while new, accepted, dispatched or in progress.
 */
export const CLOSED_STATES: readonly CaseState[] = ['resolved', 'verified', 'closed', 'rejected'];
export const OPEN311_OPEN_STATES: readonly CaseState[] = ['new', 'accepted', 'dispatched', 'in_progress'];

export function open311Status(state: CaseState): 'open' | 'closed' {
  return CLOSED_STATES.includes(state) ? 'closed' : 'open';
}

const STATUS_NOTES: Record<CaseState, string> = {
  new: '已接收，待受理 / received, awaiting acceptance',
  accepted: '已受理 / accepted',
  dispatched: '已派遣至责任部门 / dispatched to the responsible department',
  in_progress: '处置中 / being handled',
  resolved: '已办结，待核查 / resolved, awaiting verification',
  verified: '已核查 / verified',
  closed: '已结案 / closed',
  rejected: '经核实非问题，不予处理 / not a problem after review',
};

/** W3C / ISO 8601 with the Asia/Shanghai offset, e.g. 2026-02-13T10:00:00+08:00. */
export function w3cShanghai(iso: string | null): string | null {
  return iso ? w3cChina(new Date(iso)) : null;
}

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/** The case categories as Open311 services. */
export async function listServices(q: Queryable): Promise<Open311Service[]> {
  const r = await q.query<{
    category: string;
    name: string;
    name_en: string;
    description: string;
    group_name: string;
    keywords: string[];
  }>('SELECT category, name, name_en, description, group_name, keywords FROM case_categories ORDER BY category');
  return r.rows.map((c) => ({
    service_code: c.category,
    service_name: `${c.name} / ${c.name_en}`,
    description: c.description,
    metadata: true,
    type: 'realtime',
    keywords: c.keywords.join(','),
    group: c.group_name,
  }));
}

/** GeoReport v2 service definition: the extra attributes a request of this service may carry. */
export function serviceDefinition(code: string) {
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'severity',
        datatype: 'singlevaluelist' as const,
        required: false,
        datatype_description: '紧急程度，默认一般 / urgency, default normal',
        order: 1,
        description: '紧急程度 / severity',
        values: [
          { key: 'urgent', name: '紧急（24小时内办结）/ urgent (24 h)' },
          { key: 'normal', name: '一般（3个工作日内办结）/ normal (3 working days)' },
        ],
      },
    ],
  };
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

/** A case as a GeoReport v2 service request; `expected_datetime` is the SLA resolution deadline. */
export function toOpen311Request(c: CaseView, serviceName: string, agency: string | null): Open311Request {
  const evidence = (c.evidence ?? {}) as { mediaUrl?: unknown };
  return {
    service_request_id: c.id,
    status: open311Status(c.state),
    status_notes: STATUS_NOTES[c.state],
    service_name: serviceName,
    service_code: c.category,
    description: c.description,
    agency_responsible: agency,
    service_notice: c.resolveDueEstimated
      ? '办结时限按周一至周五估算 / deadline estimated on Mon–Fri (holiday schedule not yet published)'
      : null,
    requested_datetime: w3cShanghai(c.createdAt)!,
    updated_datetime: w3cShanghai(c.updatedAt)!,
    expected_datetime: w3cShanghai(c.resolveDueAt),
    address: c.address,
    address_id: null,
    zipcode: null,
    lat: c.position.coordinates[1],
    long: c.position.coordinates[0],
    media_url: typeof evidence.mediaUrl === 'string' ? evidence.mediaUrl : null,
  };
}
