// One JSON line per log event, the same shape the services write.
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function write(level: string, message: unknown, fields?: Record<string, unknown>): void {
  const line = JSON.stringify({ level, service: 'gateway', message: String(message), ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

export const jsonLogger: Logger = {
  debug: () => undefined,
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};
