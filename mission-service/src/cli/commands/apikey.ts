/**
 * `xuncha apikey add NAME` / `xuncha apikey revoke NAME`: Open311 API keys. The key is printed once on stdout;
 * only its SHA-256 is stored.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import type { Db } from '../../db/db.ts';
import { migrate } from '../../db/migrate.ts';
import { openDb } from '../../db/open-db.ts';
import { addApiKey, revokeApiKey } from '../../open311/api-keys.ts';

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig(process.env), 'apikey');
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function registerApikeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('Open311 接口密钥 / Open311 API keys');
  apikey
    .command('add')
    .argument('<name>', '使用方名称 / who the key is for')
    .description('签发密钥（只显示一次）/ issue a key (shown once, only its hash is stored)')
    .action(async (name: string) => {
      const k = await withDb((db) => addApiKey(db, name));
      process.stderr.write(
        `已签发 / issued API key "${k.name}" (${k.id}); 请妥善保存，仅显示一次 / store it now, it is not shown again:\n`,
      );
      process.stdout.write(`${k.key}\n`);
    });
  apikey
    .command('revoke')
    .argument('<name>', '使用方名称 / the key name')
    .description('吊销密钥 / revoke a key')
    .action(async (name: string) => {
      const done = await withDb((db) => revokeApiKey(db, name));
      if (!done) throw new Error(`无此密钥 / no live API key named "${name}"`);
      process.stderr.write(`已吊销 / revoked "${name}"\n`);
    });
}
