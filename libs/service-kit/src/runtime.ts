import {
  Controller,
  Get,
  Global,
  HttpException,
  HttpStatus,
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import pg from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import { systemClock, type EventRegistry } from '@hc/contracts';
import {
  AppendSignal,
  formatCheckpoint,
  PostgresEventStore,
  runMigrations,
  type Checkpoint,
  type Migration,
} from '@hc/event-store';
import {
  ConsumerRunner,
  OutboxRelay,
  createKafka,
  provisionTopics,
  stopGracefullyOnSignals,
  type Logger,
  type MessageHandler,
  type TopicSpec,
} from '@hc/messaging';
import type { ServiceConfig } from './config.js';
import { CommandRunner, SimulationAwareClock } from './decider.js';
import { EventStoreProjector, type Projection } from './projector.js';
import {
  GraphQLObservabilityPlugin,
  MetricsController,
  RequestContextMiddleware,
} from './observability/http.js';
import { NestPinoLogger, createLogger, type PinoLogger } from './observability/logging.js';
import { ServiceMetrics } from './observability/metrics.js';
import { setupTracing } from './observability/tracing.js';
import { SERVICE_RUNTIME } from './runtime.token.js';

export { SERVICE_RUNTIME };

/** The service's JSON logger (pino; level from `LOG_LEVEL`). */
export const jsonLogger = (service: string): PinoLogger => createLogger(service);

export interface ConsumerSpec {
  /** Consumer group: `<service>.<purpose>`. */
  groupId: string;
  topics: string[];
  handler: MessageHandler<unknown>;
  /** Messages applied per database transaction (the runner's default when omitted). */
  chunkSize?: number;
  /** Partitions applied at once, each in its own transaction; for messages whose order across partitions is free. */
  partitionsConsumedConcurrently?: number;
  /** Fetch batching (`ConsumerRunnerOptions`): bytes gathered by the broker, and how long it may wait for them. */
  fetch?: { minBytes: number; maxWaitTimeInMs: number };
}

export interface ServiceRuntimeOptions {
  config: ServiceConfig;
  registry: EventRegistry;
  /** The service's own event topic, fed by its outbox relay; omit for a service with no event store. */
  eventTopic?: string;
  /** Topics this service provisions (its own, and those it consumes that nobody else creates). */
  topics: TopicSpec[];
  migrations: readonly Migration[];
  consumers?: (runtime: ServiceRuntime) => ConsumerSpec[];
  /** Read models fed from the service's own event store. */
  projections?: Projection[];
  /** Where the libraries log; the service's pino logger when omitted. */
  logger?: Logger;
}

/**
 * Everything a service runs besides its HTTP/GraphQL surface: the database pool, the event store
 * and command runner, the outbox relay and the Kafka consumers. Started before the app listens.
 */
export class ServiceRuntime {
  readonly pool: pg.Pool;
  readonly kafka: Kafka;
  readonly store: PostgresEventStore;
  /** Appends through `store`, which wake the relay and the projectors of this process. */
  readonly appendSignal = new AppendSignal();
  readonly clock: SimulationAwareClock;
  readonly commands: CommandRunner;
  readonly logger: Logger;
  /** The process's pino logger: Nest, kafkajs and requests log through it. */
  readonly rootLogger: PinoLogger;
  /** The registry served on `/metrics`. */
  readonly metrics: ServiceMetrics;
  private producer: Producer | undefined;
  private relay: OutboxRelay | undefined;
  private runners: ConsumerRunner<unknown>[] = [];
  readonly projectors: EventStoreProjector[];

  constructor(readonly options: ServiceRuntimeOptions) {
    const { config } = options;
    // Before any span is started: the provider, context manager and propagator are process-wide.
    setupTracing();
    this.rootLogger = createLogger(config.service);
    this.logger = options.logger ?? this.rootLogger;
    this.metrics = new ServiceMetrics(config.service);
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
    this.pool.on('error', (error) => this.logger.error({ err: error }, 'idle database connection failed'));
    // A client checked out of the pool loses the pool's error listener: a connection lost between two of its
    // queries (the relay and the projectors hold theirs for long; pg_terminate_backend, a server restart)
    // was an unhandled 'error' event that ended the process. Now its next query fails, which its holder handles.
    this.pool.on('connect', (client) =>
      client.on('error', (error) => this.logger.warn({ err: error }, 'database connection lost')),
    );
    this.kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: config.service,
      logger: this.logger,
    });
    this.store = new PostgresEventStore(this.pool, { signal: this.appendSignal });
    this.clock = new SimulationAwareClock(systemClock, config.simulationMode);
    this.commands = new CommandRunner(this.store, options.registry, this.clock, { metrics: this.metrics });
    this.projectors = (options.projections ?? []).map(
      (projection) =>
        new EventStoreProjector(this.pool, projection, {
          logger: this.logger,
          appendSignal: this.appendSignal,
        }),
    );
  }

  /**
   * Read-your-writes: true once every projection has applied the events up to `checkpoint`, false when
   * `timeoutMs` (READ_YOUR_WRITES_TIMEOUT_MS) passes first.
   */
  async waitForProjections(
    checkpoint: Checkpoint | null,
    timeoutMs = this.options.config.readYourWritesTimeoutMs,
  ): Promise<boolean> {
    const applied = await Promise.all(
      this.projectors.map((projector) => projector.waitFor(checkpoint, timeoutMs)),
    );
    if (applied.every(Boolean)) return true;
    // Only a checkpoint can be waited for in vain: without one every projector answers at once.
    this.logger.warn(
      { checkpoint: formatCheckpoint(checkpoint!), timeoutMs },
      'a read model has not applied a mutation within the read-your-writes wait',
    );
    return false;
  }

  get consumerRunners(): readonly ConsumerRunner<unknown>[] {
    return this.runners;
  }

  async migrate(): Promise<void> {
    await this.store.migrate();
    await runMigrations(this.pool, `${this.options.config.service}_migrations`, this.options.migrations);
  }

  async start(): Promise<void> {
    await this.migrate();
    for (const projector of this.projectors) await projector.start();
    await provisionTopics(this.kafka, this.options.topics, this.options.config.topicPartitions);
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    if (this.options.eventTopic) {
      this.relay = new OutboxRelay({
        pool: this.pool,
        producer: this.producer,
        topic: this.options.eventTopic,
        name: this.options.config.service,
        logger: this.logger,
        metrics: this.metrics.messaging,
        appendSignal: this.appendSignal,
      });
      await this.relay.migrate();
      this.relay.start();
    }
    for (const spec of this.options.consumers?.(this) ?? []) {
      const runner = new ConsumerRunner({
        kafka: this.kafka,
        pool: this.pool,
        groupId: spec.groupId,
        topics: spec.topics,
        handler: spec.handler,
        chunkSize: spec.chunkSize,
        partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
        ...spec.fetch,
        producer: this.producer,
        logger: this.logger,
        metrics: this.metrics.messaging,
      });
      await runner.migrate();
      await runner.start();
      this.runners.push(runner);
    }
  }

  async stop(): Promise<void> {
    for (const runner of this.runners) await runner.stop().catch(() => undefined);
    await this.relay?.stop();
    for (const projector of this.projectors) await projector.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  async ready(): Promise<{ database: boolean; relay: boolean }> {
    const database = await this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    // A standby relay (another instance holds the lock) is healthy too.
    return { database, relay: this.relay !== undefined };
  }
}

@Controller('health')
class HealthController {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<object> {
    const checks = await this.runtime.ready();
    if (!checks.database)
      throw new HttpException({ status: 'unavailable', checks }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'ok', checks };
  }
}

/**
 * Makes the runtime injectable (`@Inject(SERVICE_RUNTIME)`), serves `/health/live`, `/health/ready` and
 * `/metrics`, and runs every GraphQL request in its correlation and trace context.
 */
@Global()
@Module({})
export class RuntimeModule implements NestModule {
  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: SERVICE_RUNTIME, useValue: runtime }, GraphQLObservabilityPlugin],
      exports: [SERVICE_RUNTIME],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('graphql');
  }
}

/**
 * Starts a service: migrations, topics, relay and consumers, then the Nest app on its port; SIGTERM
 * stops the app first (no new commands), then consumers (finishing their batch), then the relay.
 */
export async function runService(runtime: ServiceRuntime, appModule: Type): Promise<INestApplication> {
  await runtime.start();
  const app = await NestFactory.create(appModule, { logger: new NestPinoLogger(runtime.rootLogger) });
  // No Nest shutdown hooks: `enableShutdownHooks([])` listens to every signal and re-raises it once the app
  // closed, which cut the stop below short (exit 1 before the consumers finished their batch and left their
  // groups). `app.close()` in that stop runs the modules' shutdown hooks anyway.
  await app.listen(runtime.options.config.port, '0.0.0.0');
  runtime.logger.info({ port: runtime.options.config.port }, 'service listening');
  stopGracefullyOnSignals([{ stop: () => app.close() }, runtime], runtime.logger);
  return app;
}
