/** The logging the link needs; a pino logger fits, and so does `console`. */
export interface LinkLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export const silentLogger: LinkLogger = { debug: () => {}, info: () => {}, warn: () => {} };
