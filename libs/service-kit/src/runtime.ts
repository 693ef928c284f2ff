import {
  Controller,
  Get,
  Global,
  HttpException,
  HttpStatus,
  Inject,
  Module,
  type DynamicModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import pg from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import { systemClock, type EventRegistry } from '@hc/contracts';
import { PostgresEventStore, runMigrations, type Checkpoint, type Migration } from '@hc/event-store';
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

export const jsonLogger = (service: string): Logger => {
  const write = (level: string, context: object, message: string) => {
    const record: Record<string, unknown> = {
      level,
      time: new Date().toISOString(),
      service,
      message,
      ...context,
    };
    if ('err' in record)
      record.err =
        record.err instanceof Error
          ? { message: record.err.message, stack: record.err.stack }
          : String(record.err);
    (level === 'error' ? process.stderr : process.stdout).write(`${JSON.stringify(record)}\n`);
  };
  return {
    info: (context, message) => write('info', context, message),
    warn: (context, message) => write('warn', context, message),
    error: (context, message) => write('error', context, message),
  };
};

export interface ConsumerSpec {
  /** Consumer group: `<service>.<purpose>`. */
  groupId: string;
  topics: string[];
  handler: MessageHandler<unknown>;
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
  readonly clock: SimulationAwareClock;
  readonly commands: CommandRunner;
  readonly logger: Logger;
  private producer: Producer | undefined;
  private relay: OutboxRelay | undefined;
  private runners: ConsumerRunner<unknown>[] = [];
  readonly projectors: EventStoreProjector[];

  constructor(readonly options: ServiceRuntimeOptions) {
    const { config } = options;
    this.logger = options.logger ?? jsonLogger(config.service);
    this.pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20 });
    this.pool.on('error', (error) => this.logger.error({ err: error }, 'idle database connection failed'));
    // A client checked out of the pool loses the pool's error listener: a connection lost between two of its
    // queries (the relay and the projectors hold theirs for long; pg_terminate_backend, a server restart)
    // was an unhandled 'error' event that ended the process. Now its next query fails, which its holder handles.
    this.pool.on('connect', (client) =>
      client.on('error', (error) => this.logger.warn({ err: error }, 'database connection lost')),
    );
    this.kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.service });
    this.store = new PostgresEventStore(this.pool);
    this.clock = new SimulationAwareClock(systemClock, config.simulationMode);
    this.commands = new CommandRunner(this.store, options.registry, this.clock);
    this.projectors = (options.projections ?? []).map(
      (projection) => new EventStoreProjector(this.pool, projection, { logger: this.logger }),
    );
  }

  /** Read-your-writes: resolves once every projection has applied the events up to `checkpoint`. */
  async waitForProjections(checkpoint: Checkpoint | null, timeoutMs = 5_000): Promise<void> {
    await Promise.all(this.projectors.map((projector) => projector.waitFor(checkpoint, timeoutMs)));
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
        producer: this.producer,
        logger: this.logger,
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

export const SERVICE_RUNTIME = Symbol('ServiceRuntime');

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

/** Makes the runtime injectable (`@Inject(SERVICE_RUNTIME)`) and serves `/health/live` and `/health/ready`. */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController],
      providers: [{ provide: SERVICE_RUNTIME, useValue: runtime }],
      exports: [SERVICE_RUNTIME],
    };
  }
}

/**
 * Starts a service: migrations, topics, relay and consumers, then the Nest app on its port; SIGTERM
 * stops the app first (no new commands), then consumers (finishing their batch), then the relay.
 */
export async function runService(runtime: ServiceRuntime, appModule: Type): Promise<INestApplication> {
  await runtime.start();
  const app = await NestFactory.create(appModule, { logger: ['error', 'warn'] });
  // No Nest shutdown hooks: `enableShutdownHooks([])` listens to every signal and re-raises it once the app
  // closed, which cut the stop below short (exit 1 before the consumers finished their batch and left their
  // groups). `app.close()` in that stop runs the modules' shutdown hooks anyway.
  await app.listen(runtime.options.config.port, '0.0.0.0');
  runtime.logger.info({ port: runtime.options.config.port }, 'service listening');
  stopGracefullyOnSignals([{ stop: () => app.close() }, runtime], runtime.logger);
  return app;
}
