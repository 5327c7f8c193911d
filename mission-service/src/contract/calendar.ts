import { z } from 'zod';

/** One day of the working calendar (mainland China, 调休 included): its override, if any, and the outcome. */
export const CalendarDaySchema = z.object({
  day: z.iso.date(),
  override: z
    .object({ isWorkday: z.boolean(), name: z.string().nullable(), source: z.enum(['chinese-days', 'admin']) })
    .nullable(),
  isWorkday: z.boolean(),
});

/** `PUT /api/calendar/days/{date}`: that day only is a holiday (false) or a working day (true). */
export const CalendarDayBodySchema = z
  .object({ isWorkday: z.boolean(), name: z.string().trim().max(200).nullable().optional() })
  .strict();

/** `PUT /api/calendar/{year}?replace=true`: replaces every override of the year; the flag says it is meant. */
export const CalendarYearReplaceQuerySchema = z
  .object({
    replace: z.literal('true', {
      error:
        '替换整年须加 ?replace=true；改单日请用 PUT /api/calendar/days/{date} / replacing a whole year needs ?replace=true; to change one day use PUT /api/calendar/days/{date}',
    }),
  })
  .strict();
