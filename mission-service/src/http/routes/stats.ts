import { Router } from 'express';
import { z } from 'zod';
import { requireRoles } from '../../auth/index.ts';
import { instantQuery } from '../../contract/paging.ts';
import type { Db } from '../../db/db.ts';
import { parseQuery } from '../validate.ts';
import { getCaseStats, statsToCsv, statsToXlsx } from '../../stats/index.ts';

// `from` / `to`: a date (China time: `from=2026-11-01` is that day's midnight, `to=2026-11-30` includes that day)
// or a date-time with offset; `to` defaults to now.
const StatsQuery = z
  .object({
    from: instantQuery(),
    to: instantQuery(true).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .transform((q) => ({ ...q, to: q.to ?? new Date() }))
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });

/** `GET /api/stats/cases?from&to[&format=csv|xlsx]`: closure and on-time rates per department and category. */
export function statsRoutes(db: Db): Router {
  const router = Router();
  router.get('/stats/cases', requireRoles('dispatcher', 'officer'), async (req, res) => {
    const q = parseQuery(StatsQuery, req);
    const stats = await getCaseStats(db, q.from, q.to);
    const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const name = `case-stats-${day(q.from)}-${day(new Date(q.to.getTime() - 1))}`;
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(statsToCsv(stats));
    } else if (q.format === 'xlsx') {
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .attachment(`${name}.xlsx`)
        .send(Buffer.from(statsToXlsx(stats)));
    } else {
      res.json(stats);
    }
  });
  return router;
}
