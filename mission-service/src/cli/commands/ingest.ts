import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { migrate } from '../../db/migrate.ts';
import { openDb } from '../../db/open-db.ts';
import { diskImageStore } from '../../ingest/image-store.ts';
import { ingestImage, INGEST_LIMITS, type EnqueueTriage, type IngestResult } from '../../ingest/ingest-image.ts';
import type { Db } from '../../db/db.ts';

/** Regular files under `dir` (recursively), symlinks not followed, in name order. */
async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/**
 * Imports every photo in a folder for a flight, with the same checks as the upload API. Returns per-file results.
 */
export async function ingestFolder(
  db: Db,
  dataDir: string,
  dir: string,
  flightId: string | null,
  enqueueTriage?: EnqueueTriage,
  photoTimeZone?: string,
): Promise<IngestResult[]> {
  if (flightId) {
    const f = await db.query('SELECT 1 FROM flights WHERE id = $1', [flightId]);
    if (!f.rows.length) throw new Error(`未知航次 / unknown flight: ${flightId}`);
  }
  const store = diskImageStore(dataDir);
  const results: IngestResult[] = [];
  for await (const file of walk(dir)) {
    const name = path.relative(dir, file);
    const st = await lstat(file);
    if (st.size > INGEST_LIMITS.maxFileBytes) {
      results.push({
        name,
        status: 'rejected',
        reason: `文件过大 / file larger than ${INGEST_LIMITS.maxFileBytes} bytes`,
      });
      continue;
    }
    const r = await ingestImage(
      { db, store, enqueueTriage, photoTimeZone },
      { name, bytes: await readFile(file), flightId },
    );
    results.push({ ...r, name });
  }
  return results;
}

/** `xuncha ingest DIR --flight ID`: folder import of photos (JSON line per file, then a summary). */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest <dir>')
    .description('导入照片文件夹 / import a folder of photos for triage')
    .option('--flight <id>', 'flight the photos belong to')
    .action(async (dir: string, o: { flight?: string }) => {
      const cfg = loadConfig();
      const db = await openDb(cfg, 'ingest');
      try {
        await migrate(db);
        const results = await ingestFolder(
          db,
          cfg.dataDir,
          path.resolve(dir),
          o.flight ?? null,
          undefined,
          cfg.photoTimeZone,
        );
        for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
        const count = (s: string) => results.filter((r) => r.status === s).length;
        process.stderr.write(
          `已接收 / accepted ${count('accepted')}, 重复 / duplicate ${count('duplicate')}, 拒绝 / rejected ${count('rejected')}\n`,
        );
        if (count('rejected')) process.exitCode = 2;
      } finally {
        await db.close();
      }
    });
}
