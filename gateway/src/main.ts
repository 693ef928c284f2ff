// Entry point: `node dist/main.js` serves the gateway on GATEWAY_PORT (4000) at /graphql.
import { loadGatewayConfig } from './config.js';
import { createGateway } from './gateway.js';
import { jsonLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const gateway = await createGateway(config, jsonLogger);
  const url = await gateway.listen(config.port);
  jsonLogger.info('gateway listening', {
    url,
    production: config.production,
    simulationMode: config.simulationMode,
  });
  const shutdown = (signal: string): void => {
    jsonLogger.info('gateway stopping', { signal });
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        jsonLogger.error('gateway stop failed', { err: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  jsonLogger.error('gateway failed to start', {
    err: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
});
