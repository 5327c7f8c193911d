import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Counts and times every request by method, route pattern (not the raw path: bounded labels) and status. */
  middleware: RequestHandler;
  /** Counts a refused request (429) by what was asked: route pattern, or the edge gate's name for it. */
  countRefusal(what: string): void;
  /** `GET /api/metrics` in the Prometheus text format. */
  handler: RequestHandler;
}

/** A registry per app (tests start several apps in one process), with Node's default process metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'xuncha_' });
  const requests = new Counter({
    name: 'xuncha_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'xuncha_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'xuncha_http_refused_total',
    help: 'Requests refused by rate limits (429), by what was asked; counted at the edge gate too',
    labelNames: ['what'] as const,
    registers: [registry],
  });
  return {
    registry,
    countRefusal(what) {
      refused.inc({ what });
    },
    middleware(req, res, next) {
      const end = duration.startTimer();
      res.on('finish', () => {
        // The pattern, not the path (bounded label values); the /api prefix is dropped for stable names.
        const route = req.route?.path
          ? `${req.baseUrl}${String(req.route.path)}`.replace(/^\/api(?=\/)/, '')
          : 'unmatched';
        end({ method: req.method, route });
        requests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    },
    async handler(_req, res) {
      res.type(registry.contentType).send(await registry.metrics());
    },
  };
}
