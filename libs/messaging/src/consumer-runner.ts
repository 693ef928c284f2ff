import type { Pool, PoolClient } from 'pg';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer, IHeaders } from 'kafkajs';
import { SpanKind, SpanStatusCode, context, trace, type Context, type Span } from '@opentelemetry/api';
import { DLQ_HEADERS, deadLetterTopic, type DeadLetterReason, type MessageDecoder } from '@hc/contracts';
import { isTransientDatabaseError, runMigrations, withTransaction } from '@hc/event-store';
import { withKafkaRetries } from './kafka.js';
import { messagingMigrations } from './messaging.migrations.js';
import { type Logger, silentLogger } from './logger.js';
import type { MessagingMetrics } from './messaging.metrics.js';
import {
  CORRELATION_ID_HEADER,
  TRACER_NAME,
  acceptCorrelationId,
  headerText,
  runWithCorrelation,
  traceContextFromHeaders,
} from './telemetry.js';

/** A message that passed decoding, with where it came from. */
export interface InboundMessage<T> {
  value: T;
  messageId: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  timestamp: string;
  /**
   * The producer's `x-correlation-id` header when acceptable; otherwise the message id, so a message
   * from outside (a CRM event) is traced by its own event id. Always set by ConsumerRunner; optional so
   * that a message built by hand (a test, a benchmark) still fits.
   */
  correlationId?: string;
  /** The context of this message's consumer span, a child of the producer's `traceparent`. */
  traceContext?: Context;
}

/** The producer's `x-correlation-id` when acceptable, else the message's own id. */
function correlationIdOf(headers: IHeaders, messageId: string): string {
  return acceptCorrelationId(headerText(headers, CORRELATION_ID_HEADER)) ?? messageId;
}

/** Runs `fn` as the message's work: logs and appended events carry its correlation id and trace. */
export function runInMessageContext<R>(message: InboundMessage<unknown>, fn: () => R): R {
  return runWithCorrelation(message.correlationId ?? message.messageId, fn, message.traceContext);
}

/**
 * Calls `fn` for each message in turn, each inside its own context. Handlers apply a chunk of
 * messages in one call; this is how the work on each one continues that message's correlation and trace.
 */
export async function eachInMessageContext<T>(
  messages: readonly InboundMessage<T>[],
  fn: (message: InboundMessage<T>) => Promise<void>,
): Promise<void> {
  for (const message of messages) await runInMessageContext(message, () => fn(message));
}

/** Thrown by a handler for a message that can never be applied: it goes to the dead-letter topic. */
export class RejectedMessageError extends Error {
  override readonly name = 'RejectedMessageError';
}

/**
 * Errors that belong to one message rather than to the system: the handler's own refusal, and
 * PostgreSQL data and integrity errors (classes 22 and 23, e.g. a NUL character in text). Retrying
 * them can never succeed, so they go to the dead-letter topic instead of stalling the partition.
 */
export function isMessageRejection(error: unknown): boolean {
  if (error instanceof RejectedMessageError) return true;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}

const MEMBERSHIP_ERRORS = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * The group moved on without this member (it stalled past its session timeout, or a rebalance began):
 * the offset commit fails after the transaction committed, which is harmless, as the next owner of the
 * partition skips what is recorded. kafkajs wraps the broker's error as non-retriable, and a consumer
 * that crashes on a non-retriable error is never restarted; unwrapped, kafkajs rejoins the group instead.
 */
function membershipLost(error: unknown): Error | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const type = (current as Error & { type?: unknown }).type;
    if (typeof type === 'string' && MEMBERSHIP_ERRORS.has(type)) return current;
  }
  return undefined;
}

export interface MessageHandler<T> {
  decode: MessageDecoder<T>;
  /** The id that deduplicates redeliveries (the event id). */
  messageIdOf(value: T): string;
  /**
   * Applies new messages (never seen before by this consumer) inside the transaction that also
   * records them as processed. Throw RejectedMessageError for a message that is bad input.
   */
  apply(client: PoolClient, messages: InboundMessage<T>[]): Promise<void>;
  /**
   * For a handler whose effects already record each message id (a projection's own ledger): records the
   * messages in that transaction and returns those not applied before, first occurrence only. The runner
   * then keeps no second record of its own, which would cost another unique insert per message.
   */
  claim?(client: PoolClient, messages: InboundMessage<T>[]): Promise<InboundMessage<T>[]>;
  /**
   * Whether a message concerns this handler at all. Those that do not are acknowledged with no transaction
   * and no record of their id: they have no effect, so a redelivery cannot count one twice. All messages
   * concern the handler when omitted.
   */
  isRelevant?(value: T): boolean;
  /**
   * False for high-volume messages that carry no trace worth following one by one (CRM events): one
   * consumer span covers the whole chunk, and each message is correlated by its own id.
   */
  spanPerMessage?: boolean;
}

export type ConsumerDeadLetterReason = DeadLetterReason | 'rejected';

export interface ConsumerRunnerOptions<T> {
  kafka: Kafka;
  pool: Pool;
  groupId: string;
  topics: string[];
  handler: MessageHandler<T>;
  /** Producer used for dead letters; created from `kafka` when omitted. */
  producer?: Producer;
  /** Messages applied per database transaction. */
  chunkSize?: number;
  /**
   * Partitions processed at once, each in its own transaction (kafkajs `partitionsConsumedConcurrently`);
   * order is kept within a partition only. Default 1.
   */
  partitionsConsumedConcurrently?: number;
  /** Attempts for a transaction that fails transiently before the consumer restarts from its offset. */
  maxAttempts?: number;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** How long a fetch waits on the broker for new messages, and so how long `stop` may wait; default 1 s. */
  maxWaitTimeInMs?: number;
  /**
   * Bytes the broker gathers before it answers a fetch, waiting at most `maxWaitTimeInMs` (kafkajs' default 1:
   * answer with the first message). Each batch costs a fetch, a transaction and an offset commit, so under a
   * steady trickle a few kilobytes make batches several times larger, for up to `maxWaitTimeInMs` of latency.
   */
  minBytes?: number;
  /** Bytes fetched per partition at most (kafkajs' default 1 MiB): a chunk never spans two fetches. */
  maxBytesPerPartition?: number;
  logger?: Logger;
  metrics?: MessagingMetrics;
  onDeadLetter?(reason: ConsumerDeadLetterReason, topic: string): void;
}

export interface ConsumerRunnerStats {
  applied: number;
  duplicates: number;
  /** Valid messages the handler has nothing to do with (`isRelevant`). */
  ignored: number;
  deadLettered: number;
  retries: number;
  /** Highest offset seen minus committed, per `topic:partition`, refreshed per batch. */
  lag: Map<string, number>;
}

interface DeadLetter {
  message: KafkaMessage;
  reason: ConsumerDeadLetterReason;
  detail: string;
}

/**
 * Runs a Kafka consumer group whose handler's effects and the record of each processed message
 * commit in one PostgreSQL transaction; Kafka offsets are committed only afterwards. A redelivered
 * message finds its id recorded and changes nothing. Bad input goes to `<topic>.dlq` with the
 * original bytes and reason headers, is recorded in `dead_letters`, and the partition goes on.
 */
export class ConsumerRunner<T> {
  private readonly consumer: Consumer;
  private readonly handler: MessageHandler<T>;
  private readonly chunkSize: number;
  private readonly maxAttempts: number;
  private readonly logger: Logger;
  private producer: Producer | undefined;
  private ownsProducer = false;
  readonly stats: ConsumerRunnerStats = {
    applied: 0,
    duplicates: 0,
    ignored: 0,
    deadLettered: 0,
    retries: 0,
    lag: new Map(),
  };

  constructor(private readonly options: ConsumerRunnerOptions<T>) {
    this.handler = options.handler;
    this.chunkSize = options.chunkSize ?? 500;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.logger = options.logger ?? silentLogger;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      // An idle consumer's fetch waits this long on the broker, and stopping waits for that fetch: kafkajs'
      // 5 s default made every stop (a deploy, a rebuild's switch-over) take up to 5 s.
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1_000,
      ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
      ...(options.minBytes ? { minBytes: options.minBytes } : {}),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  async migrate(): Promise<void> {
    await runMigrations(this.options.pool, 'messaging_migrations', messagingMigrations);
  }

  async start(): Promise<void> {
    if (this.options.producer) {
      this.producer = this.options.producer;
    } else {
      this.producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      this.ownsProducer = true;
      await this.producer.connect();
    }
    await withKafkaRetries(() => this.consumer.connect());
    await withKafkaRetries(() =>
      this.consumer.subscribe({
        topics: this.options.topics,
        fromBeginning: this.options.fromBeginning ?? true,
      }),
    );
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /** Finishes the batch in hand, commits its offsets and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    if (this.ownsProducer) await this.producer?.disconnect();
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length > 0) {
      this.recordLag(
        batch.topic,
        batch.partition,
        Number(BigInt(batch.highWatermark) - BigInt(batch.messages[0]!.offset)),
      );
    }
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = batch.messages.slice(start, start + this.chunkSize);
      await this.processChunk(batch.topic, batch.partition, chunk);
      const last = chunk.at(-1)!;
      payload.resolveOffset(last.offset);
      try {
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
        this.recordLag(
          batch.topic,
          batch.partition,
          Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n),
        );
        await payload.heartbeat();
      } catch (error) {
        throw membershipLost(error) ?? error;
      }
    }
  }

  /** At debug level, in the message's own correlation and trace, like an applied one. */
  private logIgnored(topic: string, partition: number, message: KafkaMessage, value: T): void {
    if (!this.logger.debug || this.logger.isLevelEnabled?.('debug') === false) return;
    const headers = message.headers ?? {};
    const messageId = this.handler.messageIdOf(value);
    runWithCorrelation(
      correlationIdOf(headers, messageId),
      () =>
        this.logger.debug?.(
          { topic, partition, offset: message.offset, messageId, group: this.options.groupId },
          'message ignored',
        ),
      traceContextFromHeaders(headers),
    );
  }

  private recordLag(topic: string, partition: number, lag: number): void {
    this.stats.lag.set(`${topic}:${partition}`, lag);
    this.options.metrics?.consumerLag.set({ group: this.options.groupId, topic, partition }, lag);
  }

  private async processChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const spans = new Map<string, Span>();
    if (this.handler.spanPerMessage === false) {
      spans.set(
        'chunk',
        this.startConsumerSpan(topic, partition, undefined, messages.length, context.active()),
      );
    }
    try {
      await this.processChunkTraced(topic, partition, messages, spans);
    } catch (error) {
      for (const span of spans.values())
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      for (const span of spans.values()) span.end();
    }
  }

  /** Decodes a message and opens its consumer span, a child of the trace context in its headers. */
  private inbound(
    topic: string,
    partition: number,
    message: KafkaMessage,
    value: T,
    spans: Map<string, Span>,
  ): InboundMessage<T> {
    const headers = message.headers ?? {};
    const messageId = this.handler.messageIdOf(value);
    const inbound: InboundMessage<T> = {
      value,
      messageId,
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      headers,
      timestamp: message.timestamp,
      correlationId: correlationIdOf(headers, messageId),
    };
    if (this.handler.spanPerMessage === false) return inbound;
    const parent = traceContextFromHeaders(headers);
    const span = this.startConsumerSpan(topic, partition, { offset: message.offset, messageId }, 1, parent);
    spans.set(message.offset, span);
    return { ...inbound, traceContext: trace.setSpan(parent, span) };
  }

  private startConsumerSpan(
    topic: string,
    partition: number,
    message: { offset: string; messageId: string } | undefined,
    count: number,
    parent: Context,
  ): Span {
    return trace.getTracer(TRACER_NAME).startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.destination.partition.id': String(partition),
          ...(message
            ? { 'messaging.kafka.offset': Number(message.offset), 'messaging.message.id': message.messageId }
            : { 'messaging.batch.message_count': count }),
        },
      },
      parent,
    );
  }

  private async processChunkTraced(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    spans: Map<string, Span>,
  ): Promise<void> {
    const valid: InboundMessage<T>[] = [];
    const deadLetters: DeadLetter[] = [];
    let ignored = 0;
    for (const message of messages) {
      const decoded = this.handler.decode(message.value);
      if (!decoded.ok) {
        deadLetters.push({ message, reason: decoded.reason, detail: decoded.detail });
      } else if (this.handler.isRelevant?.(decoded.value) === false) {
        ignored += 1;
        this.logIgnored(topic, partition, message, decoded.value);
      } else {
        valid.push(this.inbound(topic, partition, message, decoded.value, spans));
      }
    }
    if (ignored > 0) {
      this.stats.ignored += ignored;
      this.options.metrics?.processed.inc(
        { group: this.options.groupId, topic, outcome: 'ignored' },
        ignored,
      );
    }
    if (deadLetters.length > 0) await this.publishDeadLetters(topic, partition, deadLetters);
    try {
      await this.applyWithRetry(topic, partition, valid, deadLetters);
    } catch (error) {
      if (!isMessageRejection(error) || valid.length === 0) throw error;
      // One message in the chunk is bad input: apply them one by one to isolate it.
      await this.applyWithRetry(topic, partition, [], deadLetters);
      for (const message of valid) {
        try {
          await this.applyWithRetry(topic, partition, [message], []);
        } catch (single) {
          if (!isMessageRejection(single)) throw single;
          const original = messages.find((candidate) => candidate.offset === message.offset)!;
          const detail = single instanceof Error ? single.message : String(single);
          spans.get(message.offset)?.setStatus({ code: SpanStatusCode.ERROR, message: detail });
          const rejected: DeadLetter[] = [{ message: original, reason: 'rejected', detail }];
          await this.publishDeadLetters(topic, partition, rejected);
          await this.applyWithRetry(topic, partition, [], rejected);
        }
      }
    }
  }

  private async applyWithRetry(
    topic: string,
    partition: number,
    valid: InboundMessage<T>[],
    deadLetters: DeadLetter[],
  ): Promise<void> {
    if (valid.length === 0 && deadLetters.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const counts = await withTransaction(this.options.pool, async (client) => {
          const deadLettered = await this.recordDeadLetters(client, topic, partition, deadLetters);
          const fresh = this.handler.claim
            ? await this.handler.claim(client, valid)
            : await this.claimNew(client, valid);
          if (fresh.length > 0) await this.handler.apply(client, fresh);
          return { deadLettered, fresh, duplicates: valid.length - fresh.length };
        });
        // Counted only once committed: a rolled-back attempt changed nothing.
        this.stats.deadLettered += counts.deadLettered;
        this.stats.applied += counts.fresh.length;
        this.stats.duplicates += counts.duplicates;
        this.countProcessed(topic, counts.fresh.length, counts.duplicates, counts.deadLettered);
        if (this.logger.debug && this.logger.isLevelEnabled?.('debug') !== false) {
          for (const message of counts.fresh) {
            runInMessageContext(message, () =>
              this.logger.debug?.(
                {
                  topic,
                  partition,
                  offset: message.offset,
                  messageId: message.messageId,
                  group: this.options.groupId,
                },
                'message applied',
              ),
            );
          }
        }
        return;
      } catch (error) {
        if (!isTransientDatabaseError(error) || attempt >= this.maxAttempts) throw error;
        this.stats.retries += 1;
        this.logger.warn(
          { err: error, topic, partition, attempt },
          'transient failure applying messages; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 3_000)));
      }
    }
  }

  private countProcessed(topic: string, applied: number, duplicates: number, deadLettered: number): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const group = this.options.groupId;
    if (applied > 0) metrics.processed.inc({ group, topic, outcome: 'applied' }, applied);
    if (duplicates > 0) metrics.processed.inc({ group, topic, outcome: 'duplicate' }, duplicates);
    if (deadLettered > 0) metrics.processed.inc({ group, topic, outcome: 'dead_lettered' }, deadLettered);
  }

  /** Records the ids and returns the messages not processed before (first occurrence only). */
  private async claimNew(client: PoolClient, messages: InboundMessage<T>[]): Promise<InboundMessage<T>[]> {
    if (messages.length === 0) return [];
    const { rows } = await client.query<{ message_id: string }>(
      `INSERT INTO processed_messages (consumer, message_id)
       SELECT $1, id FROM unnest($2::text[]) AS id
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.options.groupId, messages.map((message) => message.messageId)],
    );
    const fresh = new Set(rows.map((row) => row.message_id));
    return messages.filter((message) => fresh.delete(message.messageId));
  }

  private async publishDeadLetters(
    topic: string,
    partition: number,
    deadLetters: DeadLetter[],
  ): Promise<void> {
    const failedAt = new Date().toISOString();
    await this.producer!.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: deadLetters.map(({ message, reason, detail }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.reason]: reason,
          [DLQ_HEADERS.detail]: detail.slice(0, 2_000),
          [DLQ_HEADERS.originalTopic]: topic,
          [DLQ_HEADERS.originalPartition]: String(partition),
          [DLQ_HEADERS.originalOffset]: message.offset,
          [DLQ_HEADERS.consumerGroup]: this.options.groupId,
          [DLQ_HEADERS.failedAt]: failedAt,
        },
      })),
    });
    for (const { reason } of deadLetters) {
      this.options.onDeadLetter?.(reason, topic);
      this.options.metrics?.deadLetters.inc({ group: this.options.groupId, topic, reason });
    }
    this.logger.warn(
      {
        topic,
        partition,
        offsets: deadLetters.map((letter) => letter.message.offset),
        reasons: deadLetters.map((l) => l.reason),
      },
      'messages sent to the dead-letter topic',
    );
  }

  private async recordDeadLetters(
    client: PoolClient,
    topic: string,
    partition: number,
    deadLetters: DeadLetter[],
  ): Promise<number> {
    if (deadLetters.length === 0) return 0;
    const { rowCount } = await client.query(
      `INSERT INTO dead_letters (consumer, topic, partition, kafka_offset, reason, detail)
       SELECT $1, $2, $3, o, r, d FROM unnest($4::bigint[], $5::text[], $6::text[]) AS x(o, r, d)
       ON CONFLICT DO NOTHING`,
      [
        this.options.groupId,
        topic,
        partition,
        deadLetters.map((letter) => letter.message.offset),
        deadLetters.map((letter) => letter.reason),
        deadLetters.map((letter) => letter.detail),
      ],
    );
    return rowCount ?? 0;
  }
}
