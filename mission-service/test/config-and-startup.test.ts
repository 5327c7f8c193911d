import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts';
import { DatabaseSetupError } from '../src/db/db.ts';
import { openPgliteDb } from '../src/db/pglite-db.ts';
import { openPostgresDb } from '../src/db/pg-db.ts';
import { pgliteTemplateDir, preparePgliteTemplate } from '../src/testing/test-db.ts';

describe('configuration', () => {
  it('defaults to port 8080, ./data and the embedded database', () => {
    const cfg = loadConfig({});
    expect(cfg.port).toBe(8080);
    expect(cfg.dataDir).toBe(path.resolve('./data'));
    expect(cfg.databaseUrl).toBeUndefined();
    expect(describeConfig(cfg).database).toMatch(/pglite/);
  });

  it('takes PORT, XUNCHA_DATA_DIR and DATABASE_URL from the environment and masks the password', () => {
    const cfg = loadConfig({ PORT: '9000', XUNCHA_DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://u:secret@db:5432/x' });
    expect(cfg.port).toBe(9000);
    expect(cfg.dataDir).toBe('/tmp/x');
    expect(JSON.stringify(describeConfig(cfg))).not.toContain('secret');
    expect(describeConfig(cfg).databaseUrl).toContain('u:****@db');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('reads photo times without an offset in Asia/Shanghai unless XUNCHA_PHOTO_TIMEZONE names another zone', () => {
    expect(loadConfig({}).photoTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ XUNCHA_PHOTO_TIMEZONE: 'Asia/Urumqi' }).photoTimeZone).toBe('Asia/Urumqi');
    expect(() => loadConfig({ XUNCHA_PHOTO_TIMEZONE: 'Beijing' })).toThrow(/XUNCHA_PHOTO_TIMEZONE.*IANA/);
  });
});

describe('database start-up errors', () => {
  it('refuses a data directory that holds something other than a database, leaving it untouched', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-corrupt-'));
    await writeFile(path.join(dir, 'notes.txt'), 'my files');
    await expect(openPgliteDb(dir)).rejects.toThrow(DatabaseSetupError);
    await expect(openPgliteDb(dir)).rejects.toThrow(/never writes over/);
  });

  it('reports a damaged embedded database instead of creating a new one over it', async () => {
    await preparePgliteTemplate();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-damaged-'));
    await cp(pgliteTemplateDir, dir, { recursive: true });
    await writeFile(path.join(dir, 'global', 'pg_control'), Buffer.alloc(8192, 0x5a));
    await expect(openPgliteDb(dir)).rejects.toThrow(/cannot be opened.*damaged/);
    await rm(dir, { recursive: true, force: true });
  });

  it('says what to do when DATABASE_URL does not answer', async () => {
    const err = await openPostgresDb('postgres://nobody:pw@127.0.0.1:1/none').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseSetupError);
    expect((err as Error).message).toMatch(/cannot reach the database/);
    expect((err as Error).message).not.toContain(':pw@');
  });
});
