import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../logger.ts';

const script = fileURLToPath(new URL('../../../../planner-ui/scripts/build-if-stale.mjs', import.meta.url));

/**
 * Builds the planner UI when its bundle is missing or older than its sources (normally `npm install` already
 * did), so `npm start` after a `git pull` serves the current app. Never fails the service: without a bundle the
 * page says how to build it and the API works as before. Skipped in tests and with XUNCHA_WEB_BUILD=0.
 */
export async function ensureWebAppBuilt(logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.XUNCHA_WEB_BUILD === '0' || env.VITEST || !existsSync(script)) return;
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', () => resolve(null));
    child.once('exit', (c) => {
      if (out.trim()) logger.info({ output: out.trim().slice(-2000) }, 'web app build check');
      resolve(c);
    });
  });
  if (code !== 0) logger.warn({ code }, '网页构建失败 / web app build failed: the page shows how to build it');
}
