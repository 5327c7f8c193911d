/**
 * Stopping the service keeps what it only held in memory: the rate-limit refusals of the unfinished minute are
 * logged and written to the audit log before the database closes (they are otherwise reported once a minute).
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startService, type RunningService } from '../../src/serve.ts';
import { pgliteTemplateDir, preparePgliteTemplate } from '../../src/testing/test-db.ts';

describe('service shutdown', () => {
  let dataDir: string;
  let service: RunningService | undefined;
  const env = () => loadConfig({ PORT: '0', HOST: '127.0.0.1', XUNCHA_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    await preparePgliteTemplate();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-shutdown-'));
    await cp(pgliteTemplateDir, path.join(dataDir, 'pg'), { recursive: true });
  });
  afterAll(async () => {
    await service?.stop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reports the refusals of the unfinished minute when it stops', async () => {
    const warnings: Array<{ msg?: string; refused?: number }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
        done();
      },
    });
    service = await startService(env(), pino({ level: 'warn' }, sink));
    // A burst of password guesses at one account: the login guard lets one through per interval, refuses the rest.
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${service!.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: `guess-${Math.random()}` }),
        }).then((r) => r.status),
      ),
    );
    const refused = answers.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(0);
    const aggregated = () => warnings.filter((w) => w.msg === 'requests refused (rate limits, aggregated)');
    expect(aggregated()).toHaveLength(0); // not before the minute is over…
    await service.stop();
    service = undefined;
    expect(aggregated().map((w) => w.refused)).toEqual([refused]); // …but on shutdown

    // And the audit log holds them (read after a restart on the same data directory).
    service = await startService(env(), createLogger('silent'));
    const rows = await service.db.query<{ count: number }>(
      `SELECT (details->>'count')::int AS count FROM audit_log WHERE object_kind = 'rate_limit'`,
    );
    expect(rows.rows.reduce((n, r) => n + r.count, 0)).toBe(refused);
  }, 120_000);
});
