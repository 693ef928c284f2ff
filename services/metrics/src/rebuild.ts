// `node dist/rebuild.js`: rebuilds the metrics read models from the topics and switches over (see rebuild/rebuild.ts).
// Run it against a database the service has migrated; the running service keeps serving meanwhile.
import pg from 'pg';
import { createKafka } from '@hc/messaging';
import { jsonLogger } from '@hc/service-kit';
import { loadMetricsConfig } from './metrics.config.js';
import { rebuildReadModels } from './rebuild/rebuild.js';

const config = loadMetricsConfig();
// A rebuild that a crash interrupts starts over from scratch, so its chunks need not wait for the WAL to reach
// disk; the switch-over commits durably, and with it everything written before (rebuildReadModels).
const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  max: 10,
  options: '-c synchronous_commit=off',
});
const logger = jsonLogger('metrics-rebuild');
try {
  await rebuildReadModels(
    pool,
    createKafka({ brokers: config.kafkaBrokers, clientId: 'metrics-rebuild' }),
    config,
    {
      logger,
    },
  );
} catch (error) {
  logger.error({ err: error }, 'rebuild failed; the live read models are unchanged');
  process.exitCode = 1;
} finally {
  await pool.end();
}
