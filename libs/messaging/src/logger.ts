/** The slice of a structured logger (pino's shape) that the libraries need. */
export interface Logger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
  /** Per-message and per-request detail; optional so that any info/warn/error logger still fits. */
  debug?(context: object, message: string): void;
  /** pino's check, to skip building per-message log fields nobody will see. */
  isLevelEnabled?(level: string): boolean;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
