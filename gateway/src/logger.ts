// The gateway's logger: pino JSON lines (service, correlationId, traceId, spanId), behind the (message, fields) shape Apollo uses.
import { createLogger, type PinoLogger } from '@hc/service-kit';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function pinoBackedLogger(pino: PinoLogger): Logger {
  // Apollo hands over whatever it logs, not always a string.
  return {
    debug: (message, fields) => pino.debug(fields ?? {}, String(message)),
    info: (message, fields) => pino.info(fields ?? {}, String(message)),
    warn: (message, fields) => pino.warn(fields ?? {}, String(message)),
    error: (message, fields) => pino.error(fields ?? {}, String(message)),
  };
}

/** The process's pino logger (`LOG_LEVEL`, default info). */
export const rootLogger: PinoLogger = createLogger('gateway');

export const jsonLogger: Logger = pinoBackedLogger(rootLogger);
