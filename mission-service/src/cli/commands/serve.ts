import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { startService, type ServiceExtras } from '../../serve.ts';

/** `xuncha serve`: the API on PORT (8080) with the embedded database under XUNCHA_DATA_DIR (./data). */
export function registerServeCommand(program: Command, extras: ServiceExtras = {}): void {
  program
    .command('serve')
    .description('启动服务 / start the API service (embedded database by default)')
    .option('--port <port>', 'HTTP port (overrides PORT)')
    .option('--host <host>', 'address to listen on (overrides HOST)')
    .action(async (opts: { port?: string; host?: string }) => {
      const env = { ...process.env };
      if (opts.port) env.PORT = opts.port;
      if (opts.host) env.HOST = opts.host;
      const cfg = loadConfig(env);
      const logger = createLogger(cfg.logLevel);
      // Listen before the service says it is ready: a supervisor may signal as soon as it reads that line.
      const starting = startService(cfg, logger, extras);
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'stopping');
        starting
          .then((service) => service.stop())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await starting;
    });
}
