import { Router } from 'express';
import { z } from 'zod';
import { requireRoles } from '../../auth/index.ts';
import type { Db } from '../../db/db.ts';
import { getCaseStats, statsToCsv, statsToXlsx } from '../../stats/index.ts';

const StatsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

/** `GET /api/stats/cases?from&to[&format=csv|xlsx]`: closure and on-time rates per department and category. */
export function statsRoutes(db: Db): Router {
  const router = Router();
  router.get('/stats/cases', requireRoles('dispatcher', 'officer'), async (req, res) => {
    const q = StatsQuery.parse(req.query);
    const stats = await getCaseStats(db, new Date(q.from), new Date(q.to));
    const name = `case-stats-${q.from.slice(0, 10)}-${q.to.slice(0, 10)}`;
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
