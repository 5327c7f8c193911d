import { writeAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../db/db.ts';
import type { Logger } from '../logger.ts';
import { BoundedMap } from './rate-limit.ts';

interface Tally {
  what: string;
  source: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface RefusalTallyOptions {
  /** How often the tally is logged and written to the audit log. */
  intervalMs: number;
  /** Audit rows per interval: the sources refused most, one row each; one more row sums up the rest. */
  maxAuditRows: number;
}

export const DEFAULT_REFUSAL_TALLY: RefusalTallyOptions = { intervalMs: 60_000, maxAuditRows: 20 };

/**
 * Refused requests (429), counted per what was asked and per source address, and reported once per interval: one
 * log line, and one audit row per source (the most refused ones; one row for the rest) — so that the audit log
 * shows who tried, while a flood costs neither a log line nor a database write per request.
 */
export class RefusalTally {
  private tallies = new BoundedMap<Tally>(10_000);
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(what: string) => void> = [];

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly opts: RefusalTallyOptions = DEFAULT_REFUSAL_TALLY,
  ) {}

  /** Calls `listener` on every refusal (the Prometheus counter: refusals at the edge never reach the metrics). */
  onRecord(listener: (what: string) => void): void {
    this.listeners.push(listener);
  }

  /** Counts one refusal; the first one of an interval arms the report. */
  record(what: string, source: string): void {
    for (const l of this.listeners) l(what);
    const key = `${what}\n${source}`;
    const now = Date.now();
    const t = this.tallies.get(key);
    if (t) {
      t.count += 1;
      t.lastAt = now;
    } else this.tallies.set(key, { what, source, count: 1, firstAt: now, lastAt: now });
    this.total += 1;
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.intervalMs);
      this.timer.unref();
    }
  }

  /** Reports and forgets what was counted (also called on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.total) return;
    const all = [...this.tallies.values()].sort((a, b) => b.count - a.count);
    const total = this.total;
    this.tallies = new BoundedMap<Tally>(10_000);
    this.total = 0;
    const top = all.slice(0, this.opts.maxAuditRows);
    const rest = all.slice(this.opts.maxAuditRows);
    this.logger.warn(
      {
        refused: total,
        sources: new Set(all.map((t) => t.source)).size,
        top: top.slice(0, 5).map((t) => ({ what: t.what, source: t.source, count: t.count })),
      },
      'requests refused (rate limits, aggregated)',
    );
    try {
      for (const t of top)
        await writeAudit(this.db, {
          actor: null,
          action: `refused ${t.what}`.slice(0, 200),
          objectKind: 'rate_limit',
          status: 429,
          code: 'rate_limited',
          sourceIp: t.source,
          details: {
            count: t.count,
            firstAt: new Date(t.firstAt).toISOString(),
            lastAt: new Date(t.lastAt).toISOString(),
          },
        });
      if (rest.length)
        await writeAudit(this.db, {
          actor: null,
          action: 'refused (other sources)',
          objectKind: 'rate_limit',
          status: 429,
          code: 'rate_limited',
          details: { sources: rest.length, count: rest.reduce((n, t) => n + t.count, 0) },
        });
    } catch (err) {
      this.logger.warn({ err }, 'refusal tally: audit write failed');
    }
  }
}
