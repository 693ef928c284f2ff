import type { Pool, PoolClient } from 'pg';
import type { Producer, Message } from 'kafkajs';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  IdlePacing,
  PostgresEventStore,
  START_CHECKPOINT,
  type AppendSignal,
  checkpointOf,
  type Checkpoint,
  type RecordedEvent,
} from '@hc/event-store';
import type { EventEnvelope } from '@hc/contracts';
import { messagingMigrations } from './messaging.migrations.js';
import { runMigrations } from '@hc/event-store';
import { type Logger, silentLogger } from './logger.js';
import type { MessagingMetrics } from './messaging.metrics.js';
import { TRACER_NAME, contextHeaders, traceContextFromCarrier } from './telemetry.js';

export interface OutboxRelayOptions {
  pool: Pool;
  producer: Producer;
  topic: string;
  /** Names the checkpoint and the lock: one active relay per name. */
  name: string;
  batchSize?: number;
  /** The wait after the first poll that found nothing; it doubles while polls keep finding nothing. */
  idleDelayMs?: number;
  /** The ceiling of the idle wait: how late, at most, an event appended by another process is seen. */
  maxIdleDelayMs?: number;
  /** Appends in this process, which end the idle wait at once. */
  appendSignal?: AppendSignal;
  /** How often a standby instance tries to take over the relay lock. */
  standbyRetryMs?: number;
  logger?: Logger;
  metrics?: MessagingMetrics;
}

export interface OutboxRelayStats {
  published: number;
  batches: number;
  active: boolean;
  lastCheckpoint: Checkpoint;
}

/** The wire form of a stored event: exactly the envelope, nothing of the store's bookkeeping. */
export function toEnvelope(event: RecordedEvent): EventEnvelope {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    occurredAt: event.occurredAt,
    correlationId: event.correlationId,
    causationId: event.causationId,
    actor: event.actor,
    payload: event.payload,
  };
}

/**
 * The Kafka message of a stored event. Its headers carry the correlation id (`x-correlation-id`, and
 * `correlation-id` as before) and the W3C trace context of the publish span, whose parent is the trace
 * of the command that appended the event, so a consumer continues that trace.
 */
function toMessage(event: RecordedEvent, publishSpan: Span): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(toEnvelope(event)),
    headers: {
      'event-id': event.eventId,
      'event-type': event.type,
      'correlation-id': event.correlationId,
      ...contextHeaders(event.correlationId, trace.setSpan(ROOT_CONTEXT, publishSpan)),
    },
  };
}

/**
 * Publishes a service's events to its topic in commit-visibility order, keyed by stream id, at
 * least once. The checkpoint moves only after Kafka acknowledged the batch, so a crash
 * republishes the tail (consumers deduplicate by event id) and never skips. A session advisory
 * lock on the relay's own connection keeps one active relay per name; losing the connection
 * loses the lock and the relay starts over.
 */
export class OutboxRelay {
  private readonly store: PostgresEventStore;
  private readonly batchSize: number;
  private readonly pacing: IdlePacing;
  private readonly standbyRetryMs: number;
  private readonly logger: Logger;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pollCount = 0;
  readonly stats: OutboxRelayStats = {
    published: 0,
    batches: 0,
    active: false,
    lastCheckpoint: START_CHECKPOINT,
  };

  constructor(private readonly options: OutboxRelayOptions) {
    this.store = new PostgresEventStore(options.pool);
    this.batchSize = options.batchSize ?? 500;
    const idleDelayMs = options.idleDelayMs ?? 20;
    this.pacing = new IdlePacing({
      idleDelayMs,
      maxIdleDelayMs: Math.max(idleDelayMs, options.maxIdleDelayMs ?? 200),
      ...(options.appendSignal ? { signal: options.appendSignal } : {}),
    });
    this.standbyRetryMs = options.standbyRetryMs ?? 2_000;
    this.logger = options.logger ?? silentLogger;
    options.metrics?.trackOutbox(options.name, () => this.backlog());
  }

  /** Events not yet published: everything after the relay's stored checkpoint, whichever instance holds it. */
  async backlog(): Promise<number> {
    const client = await this.options.pool.connect();
    try {
      const checkpoint = await this.loadCheckpoint(client);
      const { rows } = await client.query<{ backlog: string }>(
        `SELECT count(*) AS backlog FROM events
         WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
        [checkpoint.transactionId.toString(), checkpoint.globalPosition.toString()],
      );
      return Number(rows[0]?.backlog ?? 0);
    } finally {
      client.release();
    }
  }

  async migrate(): Promise<void> {
    await runMigrations(this.options.pool, 'messaging_migrations', messagingMigrations);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.superviseLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.pacing.interrupt();
    await this.loop;
  }

  /** How many times the leader read the store for new events (tests and diagnostics). */
  get polls(): number {
    return this.pollCount;
  }

  private async superviseLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.runWhileLeader();
      } catch (error) {
        this.stats.active = false;
        this.logger.error({ err: error, relay: this.options.name }, 'outbox relay failed; restarting');
      }
      if (this.running) await this.sleep(this.standbyRetryMs);
    }
  }

  private async runWhileLeader(): Promise<void> {
    const client = await this.options.pool.connect();
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [`outbox-relay:${this.options.name}`],
      );
      if (!rows[0]?.locked) return;
      this.stats.active = true;
      let checkpoint = await this.loadCheckpoint(client);
      while (this.running) {
        const events = await this.store.readAllAfter(checkpoint, this.batchSize, client);
        this.pollCount += 1;
        if (events.length === 0) {
          await this.pacing.idle(checkpoint);
          continue;
        }
        this.pacing.found();
        await this.publish(events);
        checkpoint = checkpointOf(events.at(-1)!);
        await client.query(
          `INSERT INTO relay_checkpoints (relay, transaction_id, global_position, published)
           VALUES ($1, $2::text::xid8, $3, $4)
           ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
             global_position = EXCLUDED.global_position,
             published = relay_checkpoints.published + EXCLUDED.published, updated_at = clock_timestamp()`,
          [
            this.options.name,
            checkpoint.transactionId.toString(),
            checkpoint.globalPosition.toString(),
            events.length,
          ],
        );
        this.stats.published += events.length;
        this.stats.batches += 1;
        this.stats.lastCheckpoint = checkpoint;
        this.options.metrics?.published.inc(
          { relay: this.options.name, topic: this.options.topic },
          events.length,
        );
        this.logger.debug?.(
          {
            relay: this.options.name,
            published: events.length,
            position: checkpoint.globalPosition.toString(),
          },
          'outbox batch published',
        );
      }
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      this.stats.active = false;
      if (!broken) {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      }
      // A connection that failed mid-way is destroyed rather than returned, which also drops the lock.
      client.release(broken);
    }
  }

  /** One producer span per event, each continuing the trace its event was appended in. */
  private async publish(events: RecordedEvent[]): Promise<void> {
    const { topic } = this.options;
    const tracer = trace.getTracer(TRACER_NAME);
    const spans = events.map((event) =>
      tracer.startSpan(
        `${topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.message.id': event.eventId,
            'messaging.kafka.message.key': event.streamId,
          },
        },
        traceContextFromCarrier(event.traceContext),
      ),
    );
    try {
      await this.options.producer.send({
        topic,
        acks: -1,
        messages: events.map((event, index) => toMessage(event, spans[index]!)),
      });
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async loadCheckpoint(client: PoolClient): Promise<Checkpoint> {
    const { rows } = await client.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id::text AS transaction_id, global_position FROM relay_checkpoints WHERE relay = $1',
      [this.options.name],
    );
    const row = rows[0];
    return row
      ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
      : START_CHECKPOINT;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
