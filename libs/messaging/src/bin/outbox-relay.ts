// Runs one outbox relay as a process of its own (DATABASE_URL, KAFKA_BROKERS, RELAY_TOPIC, RELAY_NAME;
// optional RELAY_BATCH_SIZE, RELAY_IDLE_DELAY_MS, RELAY_MAX_IDLE_DELAY_MS). Nothing appends in this process,
// so it finds new events by polling alone: at most RELAY_MAX_IDLE_DELAY_MS after they commit.
import pg from 'pg';
import { createKafka, kafkaSettingsFromEnv } from '../kafka.js';
import { OutboxRelay } from '../outbox-relay.js';
import { stopGracefullyOnSignals } from '../shutdown.js';
import type { Logger } from '../logger.js';

const consoleLogger: Logger = {
  info: (context, message) => console.log(JSON.stringify({ level: 'info', message, ...context })),
  warn: (context, message) => console.warn(JSON.stringify({ level: 'warn', message, ...context })),
  error: (context, message) =>
    console.error(
      JSON.stringify({
        level: 'error',
        message,
        ...context,
        err: String((context as { err?: unknown }).err),
      }),
    ),
};

function optionalNumber(name: string): number | undefined {
  const value = process.env[name];
  return value ? Number(value) : undefined;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

const pool = new pg.Pool({ connectionString: required('DATABASE_URL'), max: 2 });
pool.on('error', (error) => consoleLogger.error({ err: error }, 'idle database connection failed'));
const kafka = createKafka(kafkaSettingsFromEnv(`outbox-relay-${required('RELAY_NAME')}`));
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const relay = new OutboxRelay({
  pool,
  producer,
  topic: required('RELAY_TOPIC'),
  name: required('RELAY_NAME'),
  batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 500),
  idleDelayMs: optionalNumber('RELAY_IDLE_DELAY_MS'),
  maxIdleDelayMs: optionalNumber('RELAY_MAX_IDLE_DELAY_MS'),
  logger: consoleLogger,
});
await relay.migrate();
relay.start();
consoleLogger.info({ topic: process.env.RELAY_TOPIC }, 'outbox relay started');
stopGracefullyOnSignals(
  [relay, { stop: () => producer.disconnect() }, { stop: () => pool.end() }],
  consoleLogger,
);
