// A consumer that stalls past its session timeout (a long GC pause, SIGSTOP, an overloaded host) is expelled
// from its group; its offset commit then fails after its transaction committed. It must rejoin and go on.
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { decodeCrmEvent, type CrmEvent } from '@hc/contracts';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  eventually,
  testKafka,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { ConsumerRunner, type MessageHandler } from './index.js';

const SESSION_TIMEOUT_MS = 6_000;

function gratitude(): CrmEvent {
  return {
    eventId: randomUUID(),
    type: 'GratitudeReceived',
    schemaVersion: 1,
    occurredAt: '2026-05-14T10:22:00+03:00',
    payload: { gratitudeId: `G-${randomUUID()}`, customerId: 'CUST-1', channel: 'email', written: true },
  };
}

describe('ConsumerRunner expelled from its group mid-batch', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let topic: string;
  let runner: ConsumerRunner<CrmEvent> | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('consumer_rebalance');
    kafka = await testKafka();
    producer = kafka.producer();
    await producer.connect();
    topic = uniqueTopic('crm.events.v1');
    await createTestTopics(kafka, [
      { topic, numPartitions: 1 },
      { topic: `${topic}.dlq`, numPartitions: 1 },
    ]);
    // No unique constraint on purpose: a second application would show as a second row.
    await db.pool.query('CREATE TABLE applied (event_id text NOT NULL)');
  });

  afterAll(async () => {
    await runner?.stop();
    await producer.disconnect();
    await deleteTestTopics(kafka, [topic, `${topic}.dlq`]);
    await db.drop();
  });

  it('rejoins after its commit is refused, applies nothing twice and keeps consuming', async () => {
    let stalled = false;
    const handler: MessageHandler<CrmEvent> = {
      decode: decodeCrmEvent,
      messageIdOf: (event) => event.eventId,
      async apply(client, messages) {
        for (const { value } of messages)
          await client.query('INSERT INTO applied (event_id) VALUES ($1)', [value.eventId]);
        if (!stalled) {
          stalled = true;
          // No heartbeat while applying: the coordinator expels the member before its commit.
          await new Promise((resolve) => setTimeout(resolve, SESSION_TIMEOUT_MS + 4_000));
        }
      },
    };
    const first = [gratitude(), gratitude(), gratitude()];
    await producer.send({
      topic,
      messages: first.map((event) => ({ key: 'CUST-1', value: JSON.stringify(event) })),
    });
    runner = new ConsumerRunner({
      kafka,
      pool: db.pool,
      groupId: `group-${topic}`,
      topics: [topic],
      handler,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    });
    await runner.migrate();
    await runner.start();

    await eventually(() => (runner!.stats.duplicates >= first.length ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the batch to be delivered again after the rebalance',
    });
    const later = gratitude();
    await producer.send({ topic, messages: [{ key: 'CUST-1', value: JSON.stringify(later) }] });
    await eventually(
      async () => {
        const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM applied');
        return rows.length === first.length + 1 ? rows.map((row) => row.event_id).sort() : undefined;
      },
      { timeoutMs: 60_000, what: 'the message sent after the rebalance' },
    ).then((applied) => expect(applied).toEqual([...first, later].map((event) => event.eventId).sort()));
  }, 120_000);
});
