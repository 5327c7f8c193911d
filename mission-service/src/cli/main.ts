import { Command, CommanderError } from 'commander';
import { registerApikeyCommand } from './commands/apikey.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportCommand } from './commands/import.ts';
import { registerPlanCommand } from './commands/plan.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTelemetryCommand } from './commands/telemetry.ts';
import { registerUploadCommand } from './commands/upload.ts';
import { registerUserCommand } from './commands/user.ts';
import { registerTriageCommand } from './commands/triage.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import type { ServiceExtras } from '../serve.ts';

/**
 * Builds the `xuncha` program with every command registered. `extras`: what the entry point hands `xuncha serve`
 * (demo mode's drone launcher, which lives in the simulator package the service does not import).
 */
export function buildProgram(extras: ServiceExtras = {}): Command {
  const program = new Command('xuncha')
    .description('巡查 Xuncha — 无人机巡查规划与图像研判 / drone patrol planning and imagery triage')
    .showHelpAfterError()
    .exitOverride()
    // `xuncha sim` is dispatched by bin/xuncha.mjs to the simulator package; listed here so help shows it.
    .addHelpText('after', '\n  sim [options]  启动模拟无人机 / run simulated drones (xuncha sim --help)');
  registerServeCommand(program, extras);
  registerUserCommand(program);
  registerIngestCommand(program);
  registerTriageCommand(program);
  registerWorkerCommand(program);
  registerPlanCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerApikeyCommand(program);
  registerUploadCommand(program);
  registerTelemetryCommand(program);
  return program;
}

/** Runs the CLI; errors end as one clear line on stderr and a non-zero exit code. */
export async function main(argv: string[], extras: ServiceExtras = {}): Promise<void> {
  // Everything the CLI writes (the embedded database, photos, exports) is for its owner only: 0700 / 0600.
  process.umask(0o077);
  try {
    await buildProgram(extras).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`xuncha: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
