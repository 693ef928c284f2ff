import { Kafka, logLevel, type ITopicConfig, type Admin, type logCreator } from 'kafkajs';
import type { Logger } from './logger.js';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Where kafkajs' own log lines go (as structured lines with `namespace`); silent when omitted. */
  logger?: Logger;
  /** kafkajs' threshold; its INFO level is chatty (every join and rebalance), so ERROR by default. */
  logLevel?: logLevel;
}

/** Routes kafkajs' log entries to the process logger instead of its own console format. */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkaLogger, ...extra } = log;
      const fields = { ...extra, namespace: `kafkajs.${namespace}` };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug?.(fields, message);
    };
}

export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()),
    clientId,
  };
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: settings.logLevel ?? logLevel.ERROR,
    ...(settings.logger ? { logCreator: kafkaLogCreator(settings.logger) } : {}),
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5_000 },
  });
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Extra topic configs; event topics default to infinite retention. */
  configs?: Record<string, string>;
}

/** Event and dead-letter topics keep everything: projections are rebuilt from the beginning. */
const EVENT_TOPIC_CONFIGS = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };
/** A dead letter carries the original bytes plus headers, so it may exceed the source topic's limit. */
const DEAD_LETTER_TOPIC_CONFIGS = { ...EVENT_TOPIC_CONFIGS, 'max.message.bytes': String(8 * 1024 * 1024) };

/**
 * Creates each event topic and its `.dlq` when missing (idempotent), and grows the partition
 * count when fewer than asked for. Partitions are never reduced: that would reorder keys.
 */
export async function provisionTopics(
  kafka: Kafka,
  specs: TopicSpec[],
  defaultPartitions = 6,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted: ITopicConfig[] = specs.flatMap((spec) => {
      const numPartitions = spec.partitions ?? defaultPartitions;
      const toEntries = (configs: Record<string, string>) =>
        Object.entries(configs).map(([name, value]) => ({ name, value }));
      return [
        {
          topic: spec.topic,
          numPartitions,
          configEntries: toEntries({ ...EVENT_TOPIC_CONFIGS, ...spec.configs }),
        },
        { topic: `${spec.topic}.dlq`, numPartitions, configEntries: toEntries(DEAD_LETTER_TOPIC_CONFIGS) },
      ];
    });
    await createMissing(admin, wanted);
    await waitUntilServed(
      admin,
      wanted.map((spec) => spec.topic),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Polls until the broker serves every topic with a leader on each partition, so consumers can subscribe at once. */
async function waitUntilServed(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const served = metadata.topics.every(
        (topic) =>
          topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (served && metadata.topics.length === topics.length) return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    if (performance.now() > deadline)
      throw new Error(`Topics not served after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * attempt)));
  }
}

async function createMissing(admin: Admin, wanted: ITopicConfig[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    try {
      // Not kafkajs' waitForLeaders: it gives up when the broker does not serve a new topic's metadata yet.
      await admin.createTopics({ topics: missing, waitForLeaders: false });
    } catch (error) {
      // Another instance may have created them in between: that is the outcome we wanted.
      if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
    }
  }
  const present = wanted.filter((spec) => existing.has(spec.topic));
  if (present.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
  const grow = metadata.topics
    .map((topic) => ({
      topic: topic.name,
      count: present.find((spec) => spec.topic === topic.name)?.numPartitions ?? 0,
      current: topic.partitions.length,
    }))
    .filter((topic) => topic.count > topic.current)
    .map(({ topic, count }) => ({ topic, count }));
  if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
}

/**
 * Retries an idempotent set-up operation (provisioning, connect, subscribe) that failed with a
 * KafkaJS error: right after a topic is created a single KRaft node may not serve its metadata yet,
 * and kafkajs gives up on that (UNKNOWN_TOPIC_OR_PARTITION while waiting for leaders) without retrying.
 */
export async function withKafkaRetries<T>(operation: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      // By name, not instanceof: kafkajs errors may come from another realm (e.g. a test VM context).
      const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
      const fromKafka = typeof name === 'string' && name.startsWith('KafkaJS');
      if (!fromKafka || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
