import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  EventRegistry,
  FixedClock,
  IsTextOfLength,
  type EventEnvelope,
  type MessageDecoder,
} from '@hc/contracts';
import { PostgresEventStore } from '@hc/event-store';
import {
  CORRELATION_ID_HEADER,
  ConsumerRunner,
  OutboxRelay,
  TRACER_NAME,
  activeTraceIds,
  currentCorrelationId,
  eachInMessageContext,
  runWithCorrelation,
  type MessageHandler,
} from '@hc/messaging';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  eventually,
  readTopic,
  testKafka,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { CommandRunner, type Decider, type DomainEvent } from '../decider.js';
import { ServiceMetrics } from './metrics.js';
import { setupTracing } from './tracing.js';

const exporter = new InMemorySpanExporter();
setupTracing({ exporter });

class NotePayload {
  @IsTextOfLength({ minLength: 1, maxLength: 200 })
  text!: string;
}

type NoteAdded = DomainEvent<'NoteAdded', { text: string }>;
type AddNote = { type: 'AddNote'; text: string };
const notebook: Decider<AddNote, NoteAdded, null> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: (command) => [{ type: 'NoteAdded', data: { text: command.text } }],
};
const registry = new EventRegistry().register({ type: 'NoteAdded', schemaVersion: 1, payload: NotePayload });

const decodeEnvelope: MessageDecoder<EventEnvelope> = (bytes) => {
  try {
    const value = JSON.parse(bytes?.toString('utf8') ?? '') as EventEnvelope;
    return typeof value.eventId === 'string'
      ? { ok: true, value }
      : { ok: false, reason: 'invalid_envelope', detail: 'eventId missing' };
  } catch (error) {
    return { ok: false, reason: 'not_json', detail: String(error) };
  }
};

interface Seen {
  eventId: string;
  correlationId: string | undefined;
  traceId: string | undefined;
}

/** The lines a metric has in the registry's text output. */
async function metricLines(metrics: ServiceMetrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('correlation and trace context from an append, through the relay and Kafka, into a consumer', () => {
  let source: TestDatabase;
  let sink: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let relay: OutboxRelay;
  let consumer: ConsumerRunner<EventEnvelope>;
  let sourceCommands: CommandRunner;
  let sinkStore: PostgresEventStore;
  const sourceMetrics = new ServiceMetrics('obs-source');
  const sinkMetrics = new ServiceMetrics('obs-sink');
  const topic = uniqueTopic('obs.events.v1');
  const group = `obs-${randomUUID()}`;
  const seen: Seen[] = [];

  beforeAll(async () => {
    [source, sink] = await Promise.all([createTestDatabase('obs_source'), createTestDatabase('obs_sink')]);
    kafka = await testKafka();
    await createTestTopics(kafka, [
      { topic, numPartitions: 2 },
      { topic: `${topic}.dlq`, numPartitions: 2 },
    ]);
    const sourceStore = new PostgresEventStore(source.pool);
    await sourceStore.migrate();
    sinkStore = new PostgresEventStore(sink.pool);
    await sinkStore.migrate();
    const clock = new FixedClock('2026-06-01T09:00:00Z');
    sourceCommands = new CommandRunner(sourceStore, registry, clock, { metrics: sourceMetrics });
    const sinkCommands = new CommandRunner(sinkStore, registry, clock, { metrics: sinkMetrics });

    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    relay = new OutboxRelay({
      pool: source.pool,
      producer,
      topic,
      name: 'obs',
      idleDelayMs: 10,
      metrics: sourceMetrics.messaging,
    });
    await relay.migrate();

    // Like the ideas intake: a consumer that appends events of its own for what it receives.
    const handler: MessageHandler<EventEnvelope> = {
      decode: decodeEnvelope,
      messageIdOf: (envelope) => envelope.eventId,
      apply: (client, messages) =>
        eachInMessageContext(messages, async ({ value }) => {
          seen.push({
            eventId: value.eventId,
            correlationId: currentCorrelationId(),
            traceId: activeTraceIds()?.traceId,
          });
          const outcome = await sinkCommands.run(
            notebook,
            `copy-${value.eventId}`,
            { type: 'AddNote', text: 'copied' },
            { correlationId: currentCorrelationId()!, causationId: value.eventId, actor: null, client },
          );
          if (!outcome.ok) throw new Error(outcome.error.message);
        }),
    };
    consumer = new ConsumerRunner({
      kafka,
      pool: sink.pool,
      groupId: group,
      topics: [topic],
      handler,
      metrics: sinkMetrics.messaging,
    });
    await consumer.migrate();
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await relay?.stop();
    await producer?.disconnect();
    await deleteTestTopics(kafka, [topic, `${topic}.dlq`]);
    await source?.drop();
    await sink?.drop();
  });

  it('carries the same correlation id and trace id to the consumer and to the events it appends', async () => {
    const streamId = `note-${randomUUID()}`;
    const { traceId, outcome } = await runWithCorrelation('corr-int.1', () =>
      trace.getTracer(TRACER_NAME).startActiveSpan('request', async (span) => {
        const result = await sourceCommands.run(
          notebook,
          streamId,
          { type: 'AddNote', text: 'первая' },
          { correlationId: currentCorrelationId()!, actor: null },
        );
        span.end();
        return { traceId: span.spanContext().traceId, outcome: result };
      }),
    );
    expect(outcome.ok).toBe(true);

    const { rows } = await source.pool.query<{ event_id: string; trace_context: Record<string, string> }>(
      'SELECT event_id, trace_context FROM events WHERE stream_id = $1',
      [streamId],
    );
    const eventId = rows[0]!.event_id;
    expect(rows[0]!.trace_context.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    // Not yet published: the backlog counts it.
    expect(await metricLines(sourceMetrics, 'hc_outbox_backlog')).toEqual([
      'hc_outbox_backlog{relay="obs",service="obs-source"} 1',
    ]);

    relay.start();
    await consumer.start();

    const [message] = await readTopic(kafka, topic, 1);
    expect(message!.headers[CORRELATION_ID_HEADER]).toBe('corr-int.1');
    expect(message!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));

    const received = await eventually(() => seen.find((entry) => entry.eventId === eventId), {
      timeoutMs: 60_000,
      what: 'the consumer to apply the event',
    });
    expect(received).toEqual({ eventId, correlationId: 'corr-int.1', traceId });

    // Seen inside the consumer's transaction: wait for its commit.
    const copied = await eventually(
      async () => {
        const { rows: copies } = await sink.pool.query<{
          correlation_id: string;
          trace_context: Record<string, string>;
        }>('SELECT correlation_id, trace_context FROM events WHERE stream_id = $1', [`copy-${eventId}`]);
        return copies.length > 0 ? { rows: copies } : undefined;
      },
      { what: 'the consumer to commit its own event' },
    );
    expect(copied.rows[0]?.correlation_id).toBe('corr-int.1');
    expect(copied.rows[0]?.trace_context.traceparent).toContain(`-${traceId}-`);

    // command → publish → process → command, one trace, each span the parent of the next.
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    const named = (name: string) => spans.filter((span) => span.name === name);
    const [publish] = named(`${topic} publish`);
    const [process] = named(`${topic} process`);
    expect(publish).toBeDefined();
    expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
    expect(named('command AddNote')).toHaveLength(2);

    await eventually(
      async () =>
        (await metricLines(sourceMetrics, 'hc_outbox_backlog'))[0]?.endsWith(' 0') ? true : undefined,
      { what: 'the backlog to drain' },
    );
    expect(await metricLines(sourceMetrics, 'hc_outbox_published_total')).toEqual([
      `hc_outbox_published_total{relay="obs",topic="${topic}",service="obs-source"} 1`,
    ]);
    expect(await metricLines(sinkMetrics, 'hc_messages_processed_total')).toContain(
      `hc_messages_processed_total{group="${group}",topic="${topic}",outcome="applied",service="obs-sink"} 1`,
    );
    expect(await metricLines(sinkMetrics, 'hc_consumer_lag')).toContainEqual(
      expect.stringMatching(
        new RegExp(`^hc_consumer_lag\\{group="${group}",topic="${topic}",partition="\\d"`),
      ),
    );
    expect(await metricLines(sourceMetrics, 'hc_event_append_duration_seconds_count')).toEqual([
      'hc_event_append_duration_seconds_count{service="obs-source",outcome="appended"} 1',
    ]);
  });

  it('gives a message without headers its own id as correlation id, and a new trace', async () => {
    const eventId = randomUUID();
    await producer.send({ topic, messages: [{ key: 'crm', value: JSON.stringify({ eventId }) }] });
    const received = await eventually(() => seen.find((entry) => entry.eventId === eventId), {
      timeoutMs: 60_000,
      what: 'the consumer to apply the header-less message',
    });
    expect(received.correlationId).toBe(eventId);
    expect(received.traceId).toMatch(/^[0-9a-f]{32}$/);
    const others = seen.filter((entry) => entry.eventId !== eventId).map((entry) => entry.traceId);
    expect(others).not.toContain(received.traceId);
  });

  it('dead-letters bad input with its original headers and counts it by topic and reason', async () => {
    await producer.send({
      topic,
      messages: [
        {
          key: 'bad',
          value: 'not json',
          headers: {
            [CORRELATION_ID_HEADER]: 'corr-bad',
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          },
        },
      ],
    });
    const [letter] = await readTopic(kafka, `${topic}.dlq`, 1, 60_000);
    expect(letter!.headers).toMatchObject({
      [CORRELATION_ID_HEADER]: 'corr-bad',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-dlq-reason': 'not_json',
    });
    expect(await metricLines(sinkMetrics, 'hc_dead_letters_total')).toEqual([
      `hc_dead_letters_total{group="${group}",topic="${topic}",reason="not_json",service="obs-sink"} 1`,
    ]);
  });
});
