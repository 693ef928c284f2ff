import type { Logger } from './logger.js';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * On SIGTERM or SIGINT, stops the given parts in order (consumers finish and commit the batch in
 * hand) and exits; a second signal, or `timeoutMs`, exits at once.
 */
export function stopGracefullyOnSignals(parts: Stoppable[], logger: Logger, timeoutMs = 25_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => process.exit(1), timeoutMs);
    timer.unref();
    void (async () => {
      for (const part of parts) {
        await part.stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
      }
      process.exit(0);
    })();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
