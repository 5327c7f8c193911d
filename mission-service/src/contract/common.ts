import { z } from 'zod';

/** Opaque ids: letters, digits and `_.:-`, 1–64 characters (never a path, never SQL). */
export const IdSchema = z.string().regex(/^[\w.:-]{1,64}$/, 'id: 1–64 letters, digits or _ . : -');

/** Free text as typed by a person: any characters (SQL metacharacters are data), bounded length. */
export const TextSchema = (max = 200) => z.string().trim().min(1).max(max);

/** `west,south,east,north` in degrees. */
export const BboxQuerySchema = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([
        z.number().min(-180).max(180),
        z.number().min(-90).max(90),
        z.number().min(-180).max(180),
        z.number().min(-90).max(90),
      ])
      .refine(
        ([w, s, e, n]) => w < e && s < n,
        'bbox must be west,south,east,north with west < east and south < north',
      ),
  );

/**
 * A number bound for a PostgreSQL `real` column, rounded to what the column holds: a value such as 1e-206 is a
 * valid number but out of range for `real` (PostgreSQL refuses it rather than rounding to 0).
 */
export const realColumn = <T extends z.ZodType<number | null | undefined>>(s: T) =>
  s.transform((v) => (typeof v === 'number' ? Math.fround(v) : v));

export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }),
});
