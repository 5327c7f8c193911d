/**
 * The flood of `npm run bench:abuse`, run in its own process (so that its load generator does not share the event
 * loop it measures): anonymous Open311 reads with a service_code repeated 1,000 times, Open311 creations without a
 * valid key, and password guesses for `admin`, with autocannon for `seconds`. `spread` forges a different source
 * address per request (X-Forwarded-For, the service trusting loopback). Prints one JSON line: status counts,
 * timeouts and latency of each flood. Argument `only`: run one flood of the three (the bench runs each in its own
 * process, so that one load generator's busy loop cannot starve another's connections).
 * Argument: JSON `{ base, seconds, connections, spread }`.
 */
import autocannon from 'autocannon';

const { base, seconds, connections, spread, only } = JSON.parse(process.argv[2] ?? '{}') as {
  base: string;
  seconds: number;
  connections: number;
  spread: boolean;
  /** Runs only this flood (its index below); the bench starts one process per flood. */
  only?: number;
};

let n = 0;
/** A different documentation-range address per request (198.18.0.0/15 holds 131,072). */
const forged = () => {
  n = (n + 1) % 131_072;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
};

function flood(
  name: string,
  share: number,
  request: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: () => string },
): Promise<{
  name: string;
  requests: number;
  status: Record<string, number>;
  errors: number;
  timeouts: number;
  p99Ms: number;
  maxMs: number;
}> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: Math.max(1, Math.round(connections * share)),
        duration: seconds,
        requests: [
          {
            method: request.method,
            path: request.path,
            headers: request.headers,
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, ...(spread ? { 'x-forwarded-for': forged() } : {}) },
              ...(request.body ? { body: request.body() } : {}),
            }),
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        const status: Record<string, number> = {};
        for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) status[code] = (v as { count: number }).count;
        // Timeouts (no answer within autocannon's 10 s) must stay 0: a limiter never leaves a request hanging.
        resolve({
          name,
          requests: r.requests.total,
          status,
          errors: r.errors,
          timeouts: r.timeouts,
          p99Ms: r.latency.p99,
          maxMs: r.latency.max,
        });
      },
    );
  });
}

const codes = Array.from({ length: 1000 }, () => 'straw_burning').join(',');
const floods = [
  () =>
    flood('open311 GET requests (service_code ×1000)', 0.25, {
      method: 'GET',
      path: `/open311/v2/requests.json?service_code=${codes}`,
    }),
  () =>
    flood('open311 POST requests (no valid key)', 0.25, {
      method: 'POST',
      path: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: () =>
        new URLSearchParams({
          api_key: `x311_forged_${Math.random().toString(36).slice(2)}`,
          service_code: 'straw_burning',
          lat: '28.07',
          long: '119.14',
          description: 'flood',
        }).toString(),
    }),
  () =>
    flood('login guesses for admin', 0.5, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ username: 'admin', password: `guess-${Math.random().toString(36).slice(2)}` }),
    }),
];
// Keeps the process alive until autocannon reports (its own timers do not always), and gives up past a deadline.
const deadline = setTimeout(
  () => {
    process.stdout.write(
      `${JSON.stringify([{ flood: only, error: 'autocannon did not report within its duration + 30 s' }])}\n`,
    );
    process.exit(0);
  },
  (seconds + 30) * 1000,
);
const results = await Promise.all(floods.filter((_, i) => only === undefined || i === only).map((f) => f()));
clearTimeout(deadline);
process.stdout.write(`${JSON.stringify(results)}\n`);
