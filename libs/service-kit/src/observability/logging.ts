// pino loggers for every process: one JSON line per event, with service, correlation id and trace ids.
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { logContextFields } from '@hc/messaging';

export type { PinoLogger };

export interface LoggerOptions {
  /** `LOG_LEVEL` by default, else info. */
  level?: string;
  /** Standard output when omitted. */
  destination?: DestinationStream;
}

/**
 * The process's root logger. Lines inside a request or a consumed message get `correlationId`,
 * `traceId` and `spanId` from the active context (a mixin, so no child logger has to be passed along).
 */
export function createLogger(service: string, options: LoggerOptions = {}): PinoLogger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: logContextFields,
    },
    options.destination,
  );
}

/**
 * Nest's own messages through the same logger. Nest logs every module and route it sets up at its
 * `log` level; those are debug here, so that info stays the service's lifecycle.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const [stack] = optional;
    const fields = typeof stack === 'string' && optional.length > 1 ? { stack } : {};
    this.write('error', message, optional, fields);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(
    level: 'trace' | 'debug' | 'warn' | 'error' | 'fatal',
    message: unknown,
    optional: unknown[],
    fields: Record<string, unknown> = {},
  ): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = optional.at(-1);
    const record = { ...fields, ...(typeof context === 'string' ? { context } : {}) };
    if (message instanceof Error) this.logger[level]({ ...record, err: message }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.logger[level]({ ...record, ...message }, '');
    else this.logger[level](record, String(message));
  }
}
