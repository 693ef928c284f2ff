/** Settings every service reads from its environment, with the documented local defaults. */
export interface ServiceConfig {
  service: string;
  port: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Shared with the gateway: signs the forwarded identity. */
  identitySecret: string;
  production: boolean;
  simulationMode: boolean;
  timeZone: string;
  topicPartitions: number;
  /** How long a mutation waits for its own read model to apply its events before ACCEPTED_NOT_YET_VISIBLE. */
  readYourWritesTimeoutMs: number;
}

export const DEVELOPMENT_IDENTITY_SECRET = 'hc-development-identity-secret';

/** A whole number of at least 0 from the environment, `fallback` when unset; anything else stops the start. */
export function nonNegativeIntegerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadServiceConfig(
  service: string,
  defaultPort: number,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const production = env.NODE_ENV === 'production';
  const upper = service.toUpperCase();
  const identitySecret = env.INTERNAL_IDENTITY_SECRET ?? (production ? '' : DEVELOPMENT_IDENTITY_SECRET);
  if (!identitySecret) throw new Error('INTERNAL_IDENTITY_SECRET must be set in production');
  const simulationMode = env.SIMULATION_MODE === 'true';
  if (simulationMode && production) throw new Error('SIMULATION_MODE is refused when NODE_ENV=production');
  return {
    service,
    port: Number(env[`${upper}_PORT`] ?? env.PORT ?? defaultPort),
    databaseUrl: env[`${upper}_DATABASE_URL`] ?? `postgres://postgres@127.0.0.1:5432/hc_${service}`,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    identitySecret,
    production,
    simulationMode,
    timeZone: env.COMPANY_TIME_ZONE ?? 'Europe/Moscow',
    topicPartitions: Number(env.TOPIC_PARTITIONS ?? 6),
    readYourWritesTimeoutMs: nonNegativeIntegerSetting(env, 'READ_YOUR_WRITES_TIMEOUT_MS', 5_000),
  };
}
