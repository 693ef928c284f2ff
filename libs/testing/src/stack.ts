// The real stack for end-to-end and fault tests: the three services and the gateway as processes from
// their built entrypoints (as `npm start` runs them), on private databases, topics and Redis keys.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { createTestDatabase, uniqueSuffix, type TestDatabase } from './database.js';
import { testInfrastructure } from './infra.js';
import { createTestTopics, deleteTestTopics, testKafka, uniqueTopic } from './kafka.js';
import { eventually } from './wait.js';

export const STACK_SERVICES = ['circles', 'ideas', 'metrics'] as const;
export type StackServiceName = (typeof STACK_SERVICES)[number];
export type StackProcessName = StackServiceName | 'gateway';

const ENTRYPOINTS: Record<StackProcessName, string> = {
  circles: 'services/circles/dist/main.js',
  ideas: 'services/ideas/dist/main.js',
  metrics: 'services/metrics/dist/main.js',
  gateway: 'gateway/dist/main.js',
};

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface TestStackOptions {
  /** Simulation mode (admins may set the business time); runs the processes outside production. */
  simulationMode?: boolean;
  /** Partitions of every topic (default 3). */
  partitions?: number;
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** Whether to start the gateway process too (default true). */
  gateway?: boolean;
}

export interface TestStack {
  readonly topics: { crm: string; circles: string; ideas: string };
  readonly databases: Record<StackServiceName, TestDatabase>;
  readonly ports: Record<StackProcessName, number>;
  /** GraphQL endpoints. */
  readonly urls: Record<StackProcessName, string>;
  /** HS256 secret the gateway verifies bearer tokens with. */
  readonly jwtSecret: string;
  /** Secret of the signed identity headers between the gateway and the subgraphs. */
  readonly identitySecret: string;
  readonly redisKeyPrefix: string;
  /** Kafka consumer groups of the services, by the topic they read. */
  readonly consumerGroups: { crm: string[]; circles: string[]; ideas: string[] };
  /** Folder of the processes' log files (stdout and stderr, one file per process). */
  readonly logDir: string;
  readonly kafka: Kafka;
  process(name: StackProcessName): ChildProcess | undefined;
  /** Starts a stopped process (same environment, same port) and waits until it is ready. */
  start(name: StackProcessName): Promise<void>;
  /** Stops a process with a signal (SIGTERM by default; SIGKILL for a crash) and waits for its exit. */
  stop(name: StackProcessName, signal?: NodeJS.Signals): Promise<void>;
  restart(name: StackProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Stops everything and removes the databases and topics. */
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the whole stack on private resources; `close()` removes them again. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const infrastructure = await testInfrastructure();
  const kafka = await testKafka();
  const partitions = options.partitions ?? 3;
  const withGateway = options.gateway ?? true;
  const suffix = uniqueSuffix();
  const topics = {
    crm: uniqueTopic('crm.events.v1'),
    circles: uniqueTopic('circles.events.v1'),
    ideas: uniqueTopic('ideas.events.v1'),
  };
  await createTestTopics(
    kafka,
    Object.values(topics).flatMap((topic) => [
      { topic, numPartitions: partitions },
      { topic: `${topic}.dlq`, numPartitions: partitions },
    ]),
  );
  const databases = {} as Record<StackServiceName, TestDatabase>;
  for (const name of STACK_SERVICES) databases[name] = await createTestDatabase(`stack_${name}`);
  const ports = {} as Record<StackProcessName, number>;
  for (const name of [...STACK_SERVICES, 'gateway'] as const) ports[name] = await freePort();
  const urls = {} as Record<StackProcessName, string>;
  for (const name of [...STACK_SERVICES, 'gateway'] as const)
    urls[name] = `http://127.0.0.1:${ports[name]}/graphql`;

  const jwtSecret = `jwt-${randomUUID()}`;
  const identitySecret = `identity-${randomUUID()}`;
  const redisKeyPrefix = `test:${suffix}:gw:`;
  const logDir = join(repoRoot, '.infra', 'test-logs', suffix);
  mkdirSync(logDir, { recursive: true });

  const environment: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: options.simulationMode ? 'development' : 'production',
    SIMULATION_MODE: options.simulationMode ? 'true' : 'false',
    INTERNAL_IDENTITY_SECRET: identitySecret,
    KAFKA_BROKERS: infrastructure.kafkaBrokers.join(','),
    CRM_TOPIC: topics.crm,
    CIRCLES_TOPIC: topics.circles,
    IDEAS_TOPIC: topics.ideas,
    CIRCLES_COMPLAINTS_GROUP: `circles.complaints.${topics.crm}`,
    IDEAS_INTAKE_GROUP: `ideas.intake.${topics.circles}`,
    METRICS_GROUP_PREFIX: `metrics.${suffix}`,
    TOPIC_PARTITIONS: String(partitions),
    REDIS_URL: infrastructure.redisUrl,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    GATEWAY_PORT: String(ports.gateway),
    CIRCLES_URL: urls.circles,
    IDEAS_URL: urls.ideas,
    METRICS_URL: urls.metrics,
    ...options.env,
  };
  for (const name of STACK_SERVICES) {
    const upper = name.toUpperCase();
    environment[`${upper}_DATABASE_URL`] = databases[name].url;
    environment[`${upper}_PORT`] = String(ports[name]);
  }

  // A production gateway wants a JWKS endpoint; outside production it verifies HS256 tokens with this secret.
  const gatewayEnvironment: NodeJS.ProcessEnv = {
    ...environment,
    NODE_ENV: options.simulationMode ? 'development' : 'test',
    JWT_SECRET: jwtSecret,
  };

  const metricsGroupPrefix = environment.METRICS_GROUP_PREFIX!;
  const consumerGroups = {
    crm: [environment.CIRCLES_COMPLAINTS_GROUP!, `${metricsGroupPrefix}.crm`],
    circles: [environment.IDEAS_INTAKE_GROUP!, `${metricsGroupPrefix}.circles`],
    ideas: [`${metricsGroupPrefix}.ideas`],
  };

  const children = new Map<StackProcessName, ChildProcess>();

  async function start(name: StackProcessName): Promise<void> {
    const running = children.get(name);
    if (running && running.exitCode === null && running.signalCode === null) return;
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [ENTRYPOINTS[name]], {
      cwd: repoRoot,
      env: name === 'gateway' ? gatewayEnvironment : environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => child.stdout?.once('end', () => log.end()));
    children.set(name, child);
    await eventually(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} exited during start-up; see ${join(logDir, `${name}.log`)}`);
        }
        const response = await fetch(`http://127.0.0.1:${ports[name]}/health/ready`).catch(() => null);
        return response?.ok ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `${name} to be ready` },
    );
  }

  async function stop(name: StackProcessName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = children.get(name);
    if (!child) return;
    child.kill(signal);
    await exited(child);
  }

  await Promise.all(STACK_SERVICES.map((name) => start(name)));
  if (withGateway) await start('gateway');

  return {
    topics,
    databases,
    ports,
    urls,
    jwtSecret,
    identitySecret,
    redisKeyPrefix,
    consumerGroups,
    logDir,
    kafka,
    process: (name) => children.get(name),
    start,
    stop,
    async restart(name, signal) {
      await stop(name, signal);
      await start(name);
    },
    async close() {
      await Promise.all([...children.keys()].map((name) => stop(name)));
      await deleteTestTopics(
        kafka,
        Object.values(topics).flatMap((topic) => [topic, `${topic}.dlq`]),
      );
      for (const database of Object.values(databases)) await database.drop();
    },
  };
}
