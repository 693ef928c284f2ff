import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import type { PoolClient } from 'pg';
import { AppendSignal, PostgresEventStore, compareCheckpoints, type NewEvent } from '@hc/event-store';
import type { EventEnvelope, MessageDecoder } from '@hc/contracts';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  eventually,
  testKafka,
  uniqueTopic,
  readTopic,
  type TestDatabase,
} from '@hc/testing';
import { ConsumerRunner, OutboxRelay, type MessageHandler } from './index.js';

const relayBin = fileURLToPath(new URL('../dist/bin/outbox-relay.js', import.meta.url));

const decodeEnvelope: MessageDecoder<EventEnvelope> = (bytes) => {
  try {
    return { ok: true, value: JSON.parse(bytes?.toString('utf8') ?? '') as EventEnvelope };
  } catch (error) {
    return { ok: false, reason: 'not_json', detail: String(error) };
  }
};

/** Applies each event once and records any stream whose versions arrive out of order. */
const countingHandler: MessageHandler<EventEnvelope> = {
  decode: decodeEnvelope,
  messageIdOf: (envelope) => envelope.eventId,
  async apply(client: PoolClient, messages) {
    for (const { value } of messages) {
      const { rows } = await client.query<{ last_version: number }>(
        `INSERT INTO applied (stream_id, last_version, applications) VALUES ($1, $2, 1)
         ON CONFLICT (stream_id) DO UPDATE SET last_version = EXCLUDED.last_version, applications = applied.applications + 1
         RETURNING (SELECT last_version FROM applied WHERE stream_id = $1) AS last_version`,
        [value.streamId, value.streamVersion],
      );
      const previous = rows[0]?.last_version ?? 0;
      if (previous !== value.streamVersion - 1) {
        await client.query('INSERT INTO order_violations (stream_id, expected, got) VALUES ($1, $2, $3)', [
          value.streamId,
          previous + 1,
          value.streamVersion,
        ]);
      }
    }
  },
};

function anEvent(stream: number, n: number): NewEvent {
  return {
    type: 'IdeaProposed',
    schemaVersion: 1,
    payload: { text: `Идея ${n} для потока ${stream}` },
    occurredAt: new Date('2026-06-01T09:00:00Z'),
    correlationId: randomUUID(),
  };
}

describe('outbox relay and consumer runner on real Kafka and PostgreSQL', () => {
  let source: TestDatabase;
  let sink: TestDatabase;
  let kafka: Kafka;
  let store: PostgresEventStore;
  const topics: string[] = [];

  beforeAll(async () => {
    [source, sink] = await Promise.all([
      createTestDatabase('relay_source'),
      createTestDatabase('relay_sink'),
    ]);
    kafka = await testKafka();
    store = new PostgresEventStore(source.pool);
    await store.migrate();
    await sink.pool
      .query(`CREATE TABLE applied (stream_id text PRIMARY KEY, last_version int NOT NULL, applications int NOT NULL);
      CREATE TABLE order_violations (stream_id text, expected int, got int);`);
  });

  afterAll(async () => {
    await deleteTestTopics(kafka, topics);
    await Promise.all([source.drop(), sink.drop()]);
  });

  async function freshTopic(): Promise<string> {
    const topic = uniqueTopic('relay.events');
    topics.push(topic, `${topic}.dlq`);
    await createTestTopics(kafka, [
      { topic, numPartitions: 3 },
      { topic: `${topic}.dlq`, numPartitions: 3 },
    ]);
    return topic;
  }

  it('publishes every event keyed by its stream id, in stream order', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const relay = new OutboxRelay({
      pool: source.pool,
      producer,
      topic,
      name: `in-process-${topic}`,
      batchSize: 7,
    });
    await relay.migrate();
    const streams = ['a', 'b', 'c'].map((name) => `${name}-${randomUUID()}`);
    for (const [s, streamId] of streams.entries()) {
      for (let n = 0; n < 10; n++)
        await store.appendToStream(streamId, [anEvent(s, n)], { expectedVersion: n });
    }
    relay.start();
    try {
      const messages = await readTopic(kafka, topic, 30);
      for (const streamId of streams) {
        const ofStream = messages.filter((message) => message.key === streamId);
        expect(new Set(ofStream.map((message) => message.partition)).size).toBe(1);
        const versions = ofStream.map(
          (message) => (JSON.parse(message.value!.toString()) as EventEnvelope).streamVersion,
        );
        expect(versions).toEqual(Array.from({ length: 10 }, (_, n) => n + 1));
      }
      const sample = JSON.parse(messages[0]!.value!.toString()) as Record<string, unknown>;
      expect(Object.keys(sample).sort()).toEqual(
        [
          'actor',
          'causationId',
          'correlationId',
          'eventId',
          'occurredAt',
          'payload',
          'schemaVersion',
          'streamId',
          'streamVersion',
          'type',
        ].sort(),
      );
      expect(messages[0]!.headers['event-type']).toBe('IdeaProposed');
    } finally {
      await relay.stop();
      await producer.disconnect();
    }
  });

  it('polls less and less while nothing is appended, and publishes an event appended in-process at once', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const appendSignal = new AppendSignal();
    const signalledStore = new PostgresEventStore(source.pool, { signal: appendSignal });
    // A ceiling far above what the test waits: only the wake-up can publish the event in time.
    const relay = new OutboxRelay({
      pool: source.pool,
      producer,
      topic,
      name: `woken-${topic}`,
      idleDelayMs: 20,
      maxIdleDelayMs: 60_000,
      appendSignal,
    });
    await relay.migrate();
    relay.start();
    try {
      // First the events earlier tests left in the store.
      await eventually(async () => ((await relay.backlog()) === 0 && relay.stats.active ? true : undefined), {
        timeoutMs: 30_000,
        what: 'the relay to catch up',
      });
      const pollsBefore = relay.polls;
      // Idle waits of 20, 40, 80, … ms: about eight polls in 3 s where a fixed 20 ms made 150.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(relay.polls - pollsBefore).toBeLessThan(15);

      // The relay is now in a wait of 2.56 s: only the wake-up makes it poll again within half a second.
      const pollsIdle = relay.polls;
      const appendedAt = performance.now();
      const { checkpoint } = await signalledStore.appendToStream(`woken-${randomUUID()}`, [anEvent(0, 0)], {
        expectedVersion: 0,
      });
      await eventually(() => (relay.polls > pollsIdle ? true : undefined), {
        timeoutMs: 5_000,
        intervalMs: 5,
        what: 'the relay to poll again',
      });
      expect(performance.now() - appendedAt).toBeLessThan(500);
      // Whether that poll sees the event is up to the server: a transaction open anywhere on it hides
      // newer commits for a while, and the relay keeps polling closely until it has the event.
      await eventually(
        () => (compareCheckpoints(relay.stats.lastCheckpoint, checkpoint!) >= 0 ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 5, what: 'the appended event to be published' },
      );
    } finally {
      await relay.stop();
      await producer.disconnect();
    }
  });

  it('after the relay process is SIGKILLed mid-publish, every event reaches Kafka and is applied exactly once', async () => {
    const topic = await freshTopic();
    const relayName = `killed-${topic}`;
    const env = {
      ...process.env,
      DATABASE_URL: source.url,
      RELAY_TOPIC: topic,
      RELAY_NAME: relayName,
      RELAY_BATCH_SIZE: '50',
    };
    const startRelay = (): ChildProcess =>
      spawn(process.execPath, [relayBin], { env, stdio: ['ignore', 'ignore', 'inherit'] });

    const consumer = new ConsumerRunner({
      kafka,
      pool: sink.pool,
      groupId: `applier-${topic}`,
      topics: [topic],
      handler: countingHandler,
    });
    await consumer.migrate();
    await consumer.start();

    const streamCount = 40;
    const perStream = 60;
    const streams = Array.from({ length: streamCount }, (_, s) => `circle-${s}-${randomUUID()}`);
    let relay = startRelay();
    const appending = (async () => {
      for (let n = 0; n < perStream; n++) {
        await Promise.all(
          streams.map((streamId, s) =>
            store.appendToStream(streamId, [anEvent(s, n)], { expectedVersion: n }),
          ),
        );
      }
    })();
    try {
      // Kill the relay once it has published part of the stream, while appends continue.
      await eventually(
        async () => {
          const { rows } = await source.pool.query<{ published: string }>(
            'SELECT published FROM relay_checkpoints WHERE relay = $1',
            [relayName],
          );
          return Number(rows[0]?.published ?? 0) >= 300 ? true : undefined;
        },
        { timeoutMs: 60_000, what: 'the relay to publish 300 events' },
      );
      relay.kill('SIGKILL');
      await new Promise((resolve) => relay.once('exit', resolve));
      await appending;
      relay = startRelay();

      const total = streamCount * perStream;
      await eventually(
        async () => {
          const { rows } = await sink.pool.query<{ n: string }>(
            'SELECT coalesce(sum(applications), 0) AS n FROM applied WHERE stream_id = ANY($1)',
            [streams],
          );
          return Number(rows[0]!.n) === total ? true : undefined;
        },
        { timeoutMs: 90_000, what: `${total} applied events` },
      );
      const { rows } = await sink.pool.query<{
        stream_id: string;
        last_version: number;
        applications: number;
      }>('SELECT stream_id, last_version, applications FROM applied WHERE stream_id = ANY($1)', [streams]);
      expect(rows).toHaveLength(streamCount);
      for (const row of rows) expect(row).toMatchObject({ last_version: perStream, applications: perStream });
      expect((await sink.pool.query('SELECT * FROM order_violations')).rows).toEqual([]);
      // Give a moment for any late duplicate to arrive, then check nothing was applied twice.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = await sink.pool.query<{ n: string }>(
        'SELECT sum(applications) AS n FROM applied WHERE stream_id = ANY($1)',
        [streams],
      );
      expect(Number(after.rows[0]!.n)).toBe(total);
    } finally {
      relay.kill('SIGTERM');
      await consumer.stop();
    }
  });
});
