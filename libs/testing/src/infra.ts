import { execFileSync } from 'node:child_process';

/** Endpoints of the real servers the integration and end-to-end tests run against. */
export interface TestInfrastructure {
  databaseUrl: string;
  kafkaBrokers: string[];
  redisUrl: string;
}

const MISSING_INFRASTRUCTURE = [
  'No test infrastructure: DATABASE_URL, KAFKA_BROKERS and REDIS_URL are not set and Docker is not available.',
  'Run the tests through `npm test` (or `npm run test:int`), which starts Kafka and creates the databases,',
  'or start the infrastructure yourself with `npm run infra:up` and export the variables it prints.',
].join('\n');

let resolved: Promise<TestInfrastructure> | undefined;

/**
 * Endpoints from the environment; when none are given and Docker is available, containers
 * started once per test worker with testcontainers; otherwise an error naming the script to run.
 */
export function testInfrastructure(): Promise<TestInfrastructure> {
  resolved ??= resolveInfrastructure();
  return resolved;
}

async function resolveInfrastructure(): Promise<TestInfrastructure> {
  const { DATABASE_URL, KAFKA_BROKERS, REDIS_URL } = process.env;
  if (DATABASE_URL && KAFKA_BROKERS && REDIS_URL) {
    return { databaseUrl: DATABASE_URL, kafkaBrokers: KAFKA_BROKERS.split(','), redisUrl: REDIS_URL };
  }
  if (!dockerAvailable()) throw new Error(MISSING_INFRASTRUCTURE);
  return startContainers({ DATABASE_URL, KAFKA_BROKERS, REDIS_URL });
}

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(given: Record<string, string | undefined>): Promise<TestInfrastructure> {
  const [{ PostgreSqlContainer }, { KafkaContainer }, { RedisContainer }] = await Promise.all([
    import('@testcontainers/postgresql'),
    import('@testcontainers/kafka'),
    import('@testcontainers/redis'),
  ]);
  const databaseUrl =
    given.DATABASE_URL ??
    (await new PostgreSqlContainer('postgres:17-alpine').withUsername('postgres').start()).getConnectionUri();
  const kafkaBrokers = given.KAFKA_BROKERS?.split(',') ?? [
    await (async () => {
      const kafka = await new KafkaContainer('apache/kafka:4.1.1').withKraft().start();
      return `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    })(),
  ];
  const redisUrl = given.REDIS_URL ?? (await new RedisContainer('redis:7-alpine').start()).getConnectionUrl();
  return { databaseUrl, kafkaBrokers, redisUrl };
}
