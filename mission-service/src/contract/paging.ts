import { z } from 'zod';

/**
 * Paging of every list: `limit` (1–500, default 50) and an opaque `cursor` from the previous page's `nextCursor`.
 * A page carries `total` (all items matching the filter) and `nextCursor` (null on the last page).
 */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^[\w-]{1,512}$/, 'cursor: the nextCursor of the previous page')
    .optional(),
});

const makePage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), nextCursor: z.string().nullable() });
type Page<T extends z.ZodType> = ReturnType<typeof makePage<T>>;
const PAGES = new WeakMap<z.ZodType, z.ZodType>();
const ITEMS = new WeakMap<z.ZodType, z.ZodType>();

/** A page of `item`s (one schema per item schema, so the OpenAPI document names it `<Item>Page`). */
export const pageOf = <T extends z.ZodType>(item: T): Page<T> => {
  let page = PAGES.get(item);
  if (!page) {
    page = makePage(item);
    PAGES.set(item, page);
    ITEMS.set(page, item);
  }
  return page as Page<T>;
};

/** The item schema of a page made by {@link pageOf}, if `page` is one. */
export const pageItemOf = (page: z.ZodType): z.ZodType | undefined => ITEMS.get(page);

/** A GeoJSON Point, `[lon, lat]` in WGS84 degrees. */
export const PointSchema = z.object({
  type: z.literal('Point'),
  coordinates: z.tuple([z.number(), z.number()]),
});
export type Point = z.infer<typeof PointSchema>;

/** A GeoJSON Polygon in WGS84. */
export const PolygonGeometrySchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(z.array(z.number()))),
});

/** A comma-separated query list (`a,b,c`) of `item` values, at most 20. */
export const csvList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => [...new Set(s.split(',').filter(Boolean))])
    .pipe(z.array(item).min(1).max(20));

/**
 * An instant in a query: an ISO date-time with offset, or a date (`2026-11-01`) meaning midnight in China time
 * (Asia/Shanghai, UTC+8) at the start of that day — or, with `endOfDay`, midnight at its end.
 */
// The contract imports only zod, so it writes China time as an ISO offset (the service's own constant is in
// time/china-time.ts; a test checks the two agree).
export const CHINA_ISO_OFFSET = '+08:00';

export const instantQuery = (endOfDay = false) =>
  z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => {
    if (s.length > 10) return new Date(s);
    const start = new Date(`${s}T00:00:00${CHINA_ISO_OFFSET}`);
    return endOfDay ? new Date(start.getTime() + 86_400_000) : start;
  });
