import { z } from 'zod';

/** Most ids, codes or statuses one list parameter may carry. */
export const OPEN311_MAX_LIST = 50;
/** Requests per page of `GET requests` (GeoReport v2 leaves paging to the server; its default cap is 1000). */
export const OPEN311_MAX_PAGE_SIZE = 200;
export const OPEN311_DEFAULT_PAGE_SIZE = 50;

/**
 * A comma-separated list parameter (`a,b,c`, or the parameter repeated): trimmed, empties dropped, duplicates
 * dropped, at most `max` distinct values, each matching `item`.
 */
export function csvListParam(item: z.ZodString, max = OPEN311_MAX_LIST) {
  return z
    .union([z.string().max(4000), z.array(z.string().max(4000)).max(max)])
    .transform((v) => [
      ...new Set(
        (Array.isArray(v) ? v : [v])
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(item).max(max, `最多 ${max} 个 / at most ${max} distinct values`));
}

/** W3C datetime, e.g. 2026-02-13T10:00:00+08:00 (a date alone is midnight UTC, as Date reads it). */
export const W3cDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    'W3C datetime such as 2026-02-13T10:00:00+08:00',
  )
  .transform((s, ctx) => {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a valid date' });
      return z.NEVER;
    }
    return d;
  });

const code = z.string().regex(/^[a-z_]{1,64}$/, 'service_code: lower-case letters and _');
const requestId = z.string().regex(/^[\w.:-]{1,64}$/, 'service_request_id: 1–64 letters, digits or _ . : -');

export const Open311RequestsQuerySchema = z
  .object({
    service_request_id: csvListParam(requestId).optional(),
    service_code: csvListParam(code).optional(),
    status: csvListParam(z.string().regex(/^(open|closed)$/, 'status: open or closed'), 2).optional(),
    start_date: W3cDateTime.optional(),
    end_date: W3cDateTime.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    page_size: z.coerce.number().int().min(1).max(OPEN311_MAX_PAGE_SIZE).default(OPEN311_DEFAULT_PAGE_SIZE),
    api_key: z.string().max(200).optional(),
    jurisdiction_id: z.string().max(200).optional(),
  })
  .refine((q) => !q.start_date || !q.end_date || q.start_date <= q.end_date, {
    message: 'start_date 晚于 end_date / start_date is after end_date',
    path: ['start_date'],
  });

const field = (max: number) => z.string().trim().max(max);
/** lat / long: required (requests are located by them: address_string alone cannot be geocoded), a number. */
const coordinate = (name: 'lat' | 'long') =>
  z
    .union([z.string().trim().min(1).max(40), z.number()], {
      error: (iss) =>
        iss.input === undefined || iss.input === ''
          ? `缺少 ${name} / ${name} is required: requests are located by lat and long (address_string alone cannot be geocoded)`
          : `${name} 不是数字 / ${name} must be a number`,
    })
    .transform((v) => Number(v))
    .pipe(z.number({ error: `${name} 不是数字 / ${name} must be a number` }).finite());

/** `POST requests` (form-encoded, GeoReport v2 field names). */
export const Open311CreateBodySchema = z.object({
  api_key: field(200).min(1, 'api_key is required (issued by `xuncha apikey add NAME`)'),
  service_code: code,
  lat: coordinate('lat'),
  long: coordinate('long'),
  'attribute[severity]': z.enum(['urgent', 'normal']).optional(),
  description: field(5000).optional(),
  address_string: field(500).optional(),
  first_name: field(100).optional(),
  last_name: field(100).optional(),
  email: field(200).optional(),
  phone: field(50).optional(),
  account_id: field(200).optional(),
  device_id: field(200).optional(),
  /** A link to a photo: http(s) only. */
  media_url: z
    .url({ protocol: /^https?$/, error: 'media_url 仅支持 http(s) / media_url must be an http(s) URL' })
    .max(2000)
    .optional(),
  jurisdiction_id: field(200).optional(),
  address_id: field(200).optional(),
});

export const Open311ServiceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: z.string(),
  group: z.string(),
});

export const Open311ServiceDefinitionSchema = z.object({
  service_code: z.string(),
  attributes: z.array(
    z.object({
      variable: z.boolean(),
      code: z.string(),
      datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
      required: z.boolean(),
      datatype_description: z.string(),
      order: z.number().int(),
      description: z.string(),
      values: z.array(z.object({ key: z.string(), name: z.string() })),
    }),
  ),
});

export const Open311RequestSchema = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.string(),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string().nullable(),
  agency_responsible: z.string().nullable(),
  service_notice: z.string().nullable(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string().nullable(),
  address: z.string().nullable(),
  address_id: z.string().nullable(),
  zipcode: z.string().nullable(),
  lat: z.number(),
  long: z.number(),
  media_url: z.string().nullable(),
});

export const Open311CreatedSchema = z.array(
  z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.string().nullable() }),
);

/** GeoReport v2 errors: `[{ code, description }]`. */
export const Open311ErrorSchema = z.array(z.object({ code: z.number().int(), description: z.string() }));
export const Open311FormatParamSchema = z.enum(['json', 'xml'], {
  error: '不支持的格式 / unsupported format: use .json or .xml',
});
