import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import { testInfrastructure } from './infra.js';
import { uniqueSuffix } from './database.js';

/** A kafkajs client on the real broker, quiet unless something is wrong. */
export async function testKafka(clientId = 'hc-test'): Promise<Kafka> {
  const { kafkaBrokers } = await testInfrastructure();
  return new Kafka({ clientId, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** A topic name no other suite uses: `<base>.t<suffix>`. */
export function uniqueTopic(base: string): string {
  return `${base}.t${uniqueSuffix()}`;
}

export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the topics and waits until the broker serves them (retrying while its metadata catches up). */
export async function createTestTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(kafka, (admin) => admin.createTopics({ topics, waitForLeaders: true }));
      await withAdmin(kafka, (admin) =>
        admin.fetchTopicMetadata({ topics: topics.map((spec) => spec.topic) }),
      );
      return;
    } catch (error) {
      if (attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

export async function deleteTestTopics(kafka: Kafka, topics: string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
}

/** Every message on a topic from the beginning, until `expected` arrived or `timeoutMs` passed. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<
  { key: string | null; value: Buffer | null; headers: Record<string, string>; partition: number }[]
> {
  const consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}` });
  const received: {
    key: string | null;
    value: Buffer | null;
    headers: Record<string, string>;
    partition: number;
  }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`Read ${received.length} of ${expected} messages from ${topic} in ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) {
            if (value !== undefined)
              headers[name] = Array.isArray(value) ? value.join(',') : value.toString();
          }
          received.push({ key: message.key?.toString() ?? null, value: message.value, headers, partition });
          if (received.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
