import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTemplateDir, preparePgliteTemplate } from '../testing/test-db.ts';
import type { Db } from './db.ts';
import { openPgliteThreadDb } from './pglite-thread-db.ts';

describe('the embedded database on its own thread', () => {
  let dir: string;
  let db: Db;

  beforeAll(async () => {
    await preparePgliteTemplate();
    dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-thread-db-'));
    await cp(pgliteTemplateDir, dir, { recursive: true });
    db = await openPgliteThreadDb(dir);
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, at timestamptz, doc jsonb, raw bytea, tags text[])');
  }, 120_000);
  afterAll(async () => {
    await db?.close().catch(() => {}); // closed by the last test
    await rm(dir, { recursive: true, force: true });
  });

  it('passes parameters and rows across the thread with their types', async () => {
    const at = new Date('2026-12-02T04:05:06.789Z');
    const ins = await db.query('INSERT INTO t VALUES ($1, $2, $3, $4, $5)', [
      1,
      at,
      JSON.stringify({ 河: '龙泉溪', n: [1, 2] }),
      Buffer.from([0, 255, 7]),
      ['a', '乙'],
    ]);
    expect(ins.affectedRows).toBe(1);
    const { rows } = await db.query<{ at: Date; doc: unknown; raw: Uint8Array; tags: string[]; geo: string }>(
      `SELECT at, doc, raw, tags, ST_AsText(ST_SetSRID(ST_MakePoint(119.1, 28.1), 4326)) AS geo FROM t WHERE id = $1`,
      [1],
    );
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[0]!.at.getTime()).toBe(at.getTime());
    expect(rows[0]!.doc).toEqual({ 河: '龙泉溪', n: [1, 2] });
    expect([...rows[0]!.raw]).toEqual([0, 255, 7]);
    expect(rows[0]!.tags).toEqual(['a', '乙']);
    expect(rows[0]!.geo).toBe('POINT(119.1 28.1)');
  });

  it('raises driver errors with their SQLSTATE and constraint, as the service maps them to 4xx answers', async () => {
    await db.query('INSERT INTO t (id) VALUES (2)');
    const err = await db.query('INSERT INTO t (id) VALUES (2)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((err as Error).message).toMatch(/duplicate key/);
  });

  it('commits a transaction that resolves and rolls back one that throws, and stays usable', async () => {
    const got = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (id) VALUES (10)');
      await tx.exec('INSERT INTO t (id) VALUES (11); INSERT INTO t (id) VALUES (12);');
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id >= 10')).rows[0]!.n;
    });
    expect(got).toBe(3);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (20)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A failed statement aborts the transaction; the error is the driver's and nothing of it stays.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (id) VALUES (21)');
        await tx.query('INSERT INTO t (id) VALUES (10)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const ids = await db.query<{ id: number }>('SELECT id FROM t WHERE id >= 10 ORDER BY id');
    expect(ids.rows.map((r) => r.id)).toEqual([10, 11, 12]);
  });

  it('runs statements outside a transaction only after it ends (one connection, as PGlite)', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO t (id) VALUES (30)');
      order.push('tx wrote');
      await held;
      order.push('tx ends');
    });
    await new Promise((r) => setTimeout(r, 50));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = 30').then((r) => {
      order.push('outside read');
      return r.rows[0]!.n;
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    expect(await outside).toBe(1);
    expect(order).toEqual(['tx wrote', 'tx ends', 'outside read']);
  });

  it("keeps the caller's thread free while a slow query runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const { rows } = await db.query<{ s: number }>(
        'SELECT sum(sqrt(g))::float8 AS s FROM generate_series(1, 3000000) g',
      );
      expect(rows[0]!.s).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
    // In-process, WebAssembly holds the event loop for the whole query and no tick runs.
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses calls after close with a clear error', async () => {
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/embedded database is closed/);
  });
});
