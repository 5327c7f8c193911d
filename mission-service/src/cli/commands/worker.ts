/**
 * `xuncha worker`: a triage worker process on the shared PostgreSQL (DATABASE_URL): it takes the durable jobs
 * triage-photo → triage-merge → triage-file and shows each flight's progress. Start as many as there are machines.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { migrate } from '../../db/migrate.ts';
import { openDb } from '../../db/open-db.ts';
import { flightProgress, QUEUES, startTriageJobs, type FlightProgress, type JobEvent } from '../../jobs/index.ts';
import { createLogger } from '../../logger.ts';

interface WorkerOptions {
  concurrency?: string;
  model?: string;
  exitWhenIdle?: boolean;
  progress: boolean;
}

const HELP_AFTER = `
嵌入式数据库 / embedded database:
  Without DATABASE_URL Xuncha uses the embedded PGlite database, which only one process can open: its triage
  worker runs inside \`xuncha serve\` (nothing to start). \`xuncha worker\` is for PostgreSQL: run it on any number
  of machines with the same DATABASE_URL and the same photo storage (XUNCHA_DATA_DIR, e.g. a shared mount).

模型 / model:
  The worker detects with the model Xuncha ships (triage/model/, see its MODEL_CARD.md); --model or XUNCHA_MODEL
  names another model manifest (JSON; see triage/README.md).

Progress per flight is printed on stderr (a bar on a terminal, a line per 10 % otherwise); job logs go to stdout.`;

/** One progress line of a flight. */
export function progressLine(
  p: Pick<FlightProgress, 'flightId' | 'detections' | 'cases' | 'fraction'> & {
    photos: Pick<FlightProgress['photos'], 'processed' | 'total' | 'failed'> & Partial<FlightProgress['photos']>;
    incidents: Pick<FlightProgress['incidents'], 'total' | 'new'> & { toReview?: number };
  },
  width = 24,
): string {
  const filled = Math.round(Math.min(1, p.fraction) * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const failed = p.photos.failed ? ` · ${p.photos.failed} 失败 failed` : '';
  const expected =
    p.photos.expected != null && p.photos.expected !== p.photos.total ? ` (计划 planned ${p.photos.expected})` : '';
  const review = p.incidents.toReview ? `, ${p.incidents.toReview} 待研判 to review` : '';
  return (
    `航班 flight ${p.flightId} [${bar}] ${p.photos.processed}/${p.photos.total} 照片 photos${expected}${failed} · ` +
    `${p.detections} 检测 detections · ${p.incidents.total} 事件 incidents (${p.incidents.new} 新 new${review}) · ${p.cases} 案件 cases`
  );
}

/** Registers `xuncha worker`. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('研判作业进程（PostgreSQL）/ triage job worker on the shared PostgreSQL (DATABASE_URL)')
    .option('--concurrency <n>', 'photos triaged at once (default: cores + 1)')
    .option('--model <manifest>', 'model manifest JSON (overrides XUNCHA_MODEL)')
    .option('--exit-when-idle', 'exit once no job is waiting (batch runs, scripts)')
    .option('--no-progress', 'no progress output on stderr')
    .addHelpText('after', HELP_AFTER)
    .action(async (opts: WorkerOptions) => {
      const cfg = loadConfig();
      if (!cfg.databaseUrl) {
        throw new Error(
          '嵌入式数据库只能由一个进程打开，研判作业已在 xuncha serve 内运行 / the embedded database is single-process: ' +
            'its triage worker runs inside `xuncha serve`. Set DATABASE_URL (PostgreSQL) to run separate workers.',
        );
      }
      const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
        throw new Error(
          `--concurrency 应为 1–64 的整数 / --concurrency must be an integer 1–64 (got ${opts.concurrency})`,
        );
      }
      const logger = createLogger(cfg.logLevel);
      const db = await openDb(cfg, 'worker');
      const progress = opts.progress ? new ProgressPrinter(process.stderr) : null;
      let jobs;
      try {
        await migrate(db);
        jobs = await startTriageJobs({
          db,
          dataDir: cfg.dataDir,
          modelManifest: opts.model ?? cfg.model,
          photoTimeZone: cfg.photoTimeZone,
          ...(concurrency ? { concurrency } : {}),
          logger,
          onEvent: (e) => void progress?.onEvent(db, e),
        });
      } catch (err) {
        await db.close().catch(() => {});
        throw err;
      }
      logger.info(
        { model: jobs.detector?.manifest.name ?? null, concurrency: concurrency ?? 'cores + 1' },
        jobs.detector ? 'triage worker started' : 'triage worker started without a model (metadata and ground only)',
      );
      const stop = async () => {
        await jobs.stop();
        await progress?.end();
        await db.close();
      };
      if (opts.exitWhenIdle) {
        await jobs.whenIdle(24 * 3600_000);
        await stop();
        return;
      }
      await new Promise<void>((resolve) => {
        const onSignal = (signal: string) => {
          logger.info({ signal }, 'worker stopping (finishing the jobs in flight)');
          stop().then(resolve, resolve);
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
    });
}

/** The flights a settled job was about: its photo's, or those of its incident. */
async function flightsOf(db: Parameters<typeof flightProgress>[0], e: JobEvent): Promise<string[]> {
  const data = e.job.data as { sha256?: string; incidentId?: string };
  if (e.queue === QUEUES.file && data.incidentId) {
    const r = await db.query<{ flight_ids: string[] }>('SELECT flight_ids FROM incidents WHERE id = $1', [
      data.incidentId,
    ]);
    return r.rows[0]?.flight_ids ?? [];
  }
  const r = await db.query<{ flight_id: string | null }>('SELECT flight_id FROM images WHERE sha256 = $1', [
    data.sha256 ?? '',
  ]);
  const id = r.rows[0]?.flight_id;
  return id ? [id] : [];
}

/** Prints the progress of the flights whose photos this worker triages. */
class ProgressPrinter {
  private readonly last = new Map<string, string>();
  private pending: Promise<void> = Promise.resolve();
  private lineOpen = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  onEvent(db: Parameters<typeof flightProgress>[0], e: JobEvent): void {
    if (e.outcome === 'retry') return;
    // One query at a time, in order: the bar never goes backwards.
    this.pending = this.pending
      .then(async () => {
        for (const flightId of await flightsOf(db, e)) this.show(await flightProgress(db, flightId));
      })
      .catch(() => {});
  }

  private show(p: FlightProgress): void {
    const line = progressLine(p);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.lineOpen = p.fraction < 1;
      if (!this.lineOpen) this.out.write('\n');
      return;
    }
    // Not a terminal (a log): a line per tenth of the photos, and each change once all are triaged.
    const key = p.fraction < 1 ? `tenth ${Math.floor(p.fraction * 10)}` : line;
    if (key !== this.last.get(p.flightId)) {
      this.last.set(p.flightId, key);
      this.out.write(`${line}\n`);
    }
  }

  async end(): Promise<void> {
    await this.pending;
    if (this.lineOpen) this.out.write('\n');
  }
}
