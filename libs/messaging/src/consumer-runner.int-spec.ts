import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { DLQ_HEADERS, decodeCrmEvent, type CrmEvent } from '@hc/contracts';
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
import { ConsumerRunner, RejectedMessageError, type MessageHandler } from './index.js';

function complaint(overrides: Partial<Record<string, unknown>> = {}): CrmEvent & Record<string, unknown> {
  return {
    eventId: randomUUID(),
    type: 'ComplaintLogged',
    schemaVersion: 1,
    occurredAt: '2026-05-14T10:22:00+03:00',
    payload: {
      complaintId: `C-${randomUUID()}`,
      customerId: 'CUST-1',
      channel: 'phone',
      category: 'service_quality',
      summary: 'Клиент ждал ответа три дня, оператор не перезвонил',
    },
    ...overrides,
  };
}

/** Records each applied complaint; a summary containing "ОТКАЗ" is refused as bad input. */
const complaintsHandler: MessageHandler<CrmEvent> = {
  decode: decodeCrmEvent,
  messageIdOf: (event) => event.eventId,
  async apply(client, messages) {
    for (const { value } of messages) {
      if (value.type !== 'ComplaintLogged') continue;
      if (value.payload.summary.includes('ОТКАЗ'))
        throw new RejectedMessageError('summary refused by the handler');
      await client.query('INSERT INTO complaints (event_id, summary) VALUES ($1, $2)', [
        value.eventId,
        value.payload.summary,
      ]);
    }
  },
};

describe('ConsumerRunner on real Kafka and PostgreSQL', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  const topics: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('consumer');
    kafka = await testKafka();
    producer = kafka.producer();
    await producer.connect();
    // No unique constraint on purpose: a second application would show as a second row.
    // The CHECK stands for any rule only PostgreSQL enforces (a constraint, a data error of class 22 or 23).
    await db.pool.query(
      `CREATE TABLE complaints (event_id text NOT NULL,
         summary text NOT NULL CHECK (summary NOT LIKE '%НАРУШЕНИЕ%'))`,
    );
  });

  afterAll(async () => {
    await producer.disconnect();
    await deleteTestTopics(kafka, topics);
    await db.drop();
  });

  async function startRunner(topic: string, groupId = `group-${topic}`) {
    const runner = new ConsumerRunner({
      kafka,
      pool: db.pool,
      groupId,
      topics: [topic],
      handler: complaintsHandler,
    });
    await runner.migrate();
    await runner.start();
    return runner;
  }

  async function freshTopic(partitions = 1): Promise<string> {
    const topic = uniqueTopic('crm.events.v1');
    topics.push(topic, `${topic}.dlq`);
    await createTestTopics(kafka, [
      { topic, numPartitions: partitions },
      { topic: `${topic}.dlq`, numPartitions: partitions },
    ]);
    return topic;
  }

  async function countComplaints(eventIds: string[]): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM complaints WHERE event_id = ANY($1)',
      [eventIds],
    );
    return Number(rows[0]!.n);
  }

  it('sends a malformed message to the dead-letter topic with its reason and goes on with the next one', async () => {
    const topic = await freshTopic();
    const valid = complaint();
    const malformed = Buffer.from('{"eventId": "не JSON');
    const missingField = complaint();
    delete (missingField.payload as unknown as Record<string, unknown>).summary;
    await producer.send({
      topic,
      messages: [
        { key: 'CUST-1', value: malformed, partition: 0 },
        { key: 'CUST-1', value: JSON.stringify(missingField), partition: 0 },
        { key: 'CUST-1', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), partition: 0 },
        { key: 'CUST-1', value: JSON.stringify(valid), partition: 0 },
      ],
    });
    const runner = await startRunner(topic);
    try {
      await eventually(async () => ((await countComplaints([valid.eventId])) === 1 ? true : undefined));
      const dead = await readTopic(kafka, `${topic}.dlq`, 3);
      expect(dead.map((message) => message.headers[DLQ_HEADERS.reason])).toEqual([
        'not_json',
        'invalid_payload',
        'invalid_utf8',
      ]);
      expect(dead[0]!.value).toEqual(malformed);
      expect(dead[1]!.headers[DLQ_HEADERS.detail]).toContain('payload.summary');
      expect(dead[0]!.headers[DLQ_HEADERS.originalTopic]).toBe(topic);
      expect(dead.map((message) => message.headers[DLQ_HEADERS.originalOffset])).toEqual(['0', '1', '2']);
      expect(dead[0]!.key).toBe('CUST-1');
      const { rows } = await db.pool.query(
        'SELECT reason FROM dead_letters WHERE topic = $1 ORDER BY kafka_offset',
        [topic],
      );
      expect(rows.map((row: { reason: string }) => row.reason)).toEqual([
        'not_json',
        'invalid_payload',
        'invalid_utf8',
      ]);
    } finally {
      await runner.stop();
    }
  });

  it('applies a message delivered twice, and again after an offset reset, only once', async () => {
    const topic = await freshTopic(3);
    const events = Array.from({ length: 30 }, () => complaint());
    const ids = events.map((event) => event.eventId);
    const send = () =>
      producer.send({
        topic,
        messages: events.map((event, n) => ({ key: `CUST-${n % 7}`, value: JSON.stringify(event) })),
      });
    await send();
    await send(); // the CRM delivers at least once: every event twice, possibly on other partitions
    const groupId = `group-${topic}`;
    let runner = await startRunner(topic, groupId);
    try {
      await eventually(() => (runner.stats.applied + runner.stats.duplicates === 60 ? true : undefined), {
        timeoutMs: 90_000,
      });
      expect(await countComplaints(ids)).toBe(30);
      await runner.stop();
      const admin = kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId, topic, earliest: true });
      await admin.disconnect();
      runner = await startRunner(topic, groupId);
      await eventually(() => (runner.stats.duplicates === 60 ? true : undefined), { timeoutMs: 90_000 });
      expect(runner.stats.applied).toBe(0);
      expect(await countComplaints(ids)).toBe(30);
    } finally {
      await runner.stop();
    }
  });

  it('isolates a message the handler rejects, applying the rest of its batch', async () => {
    const topic = await freshTopic();
    const before = complaint();
    const refused = complaint({ payload: { ...complaint().payload, summary: 'ОТКАЗ: такое не применить' } });
    const breaksConstraint = complaint({
      payload: { ...complaint().payload, summary: 'НАРУШЕНИЕ ограничения таблицы' },
    });
    const after = complaint();
    await producer.send({
      topic,
      messages: [before, refused, breaksConstraint, after].map((event) => ({
        key: 'CUST-2',
        value: JSON.stringify(event),
        partition: 0,
      })),
    });
    const runner = await startRunner(topic);
    try {
      await eventually(async () =>
        (await countComplaints([before.eventId, after.eventId])) === 2 ? true : undefined,
      );
      const dead = await readTopic(kafka, `${topic}.dlq`, 2);
      expect(dead.map((message) => message.headers[DLQ_HEADERS.reason])).toEqual(['rejected', 'rejected']);
      expect(dead[0]!.headers[DLQ_HEADERS.detail]).toBe('summary refused by the handler');
      // PostgreSQL refuses the row: a constraint or data error belongs to the message, not to the system.
      expect(dead[1]!.headers[DLQ_HEADERS.originalOffset]).toBe('2');
      expect(await countComplaints([refused.eventId, breaksConstraint.eventId])).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
