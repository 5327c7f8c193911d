import { pino, type Logger } from 'pino';

/** Structured JSON logs (pino) to stdout. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: { service: 'xuncha' } });
}
export type { Logger };
