// Throughput of a consumer over the messages of a topic: a raw kafkajs consumer (the baseline), or a service's
// consumer group watched through its committed offsets.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface Throughput {
  eventsPerSecond: number;
  /** From the first progress seen to the last message. */
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rate over the span from the first progress observed to completion: (total − done at first sight) /
 * elapsed. Leaves out start-up (process start, group join), which is not throughput.
 */
function rateOf(total: number, firstDone: number, firstAt: number, lastAt: number): Throughput {
  const seconds = (lastAt - firstAt) / 1000;
  return { eventsPerSecond: (total - firstDone) / seconds, seconds };
}

/** Consumes `expected` messages of `topic` from the beginning with kafkajs defaults and does nothing with them. */
export async function rawConsumeRate(kafka: Kafka, topic: string, expected: number): Promise<Throughput> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let first: { done: number; at: number } | undefined;
  try {
    return await new Promise<Throughput>((resolve, reject) => {
      consumer
        .run({
          eachBatch: ({ batch }) => {
            seen += batch.messages.length;
            const now = performance.now();
            first ??= { done: seen, at: now };
            if (seen >= expected) resolve(rateOf(expected, first.done, first.at, now));
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Sum of the group's committed offsets over the topic's partitions (messages it has finished). */
export async function committedTotal(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? []).reduce(
      (sum, partition) => sum + Math.max(0, Number(partition.offset)),
      0,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Polls the group's committed offsets until it finished `expected` messages; rate from its first progress. */
export async function groupConsumeRate(
  kafka: Kafka,
  groupId: string,
  topic: string,
  expected: number,
  timeoutMs: number,
): Promise<Throughput> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    let first: { done: number; at: number } | undefined;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const now = performance.now();
      const done = (committed?.partitions ?? []).reduce(
        (sum, partition) => sum + Math.max(0, Number(partition.offset)),
        0,
      );
      if (done > 0) first ??= { done, at: now };
      if (first && done >= expected) return rateOf(expected, first.done, first.at, now);
      if (now > deadline) throw new Error(`${groupId}: ${done} of ${expected} messages in ${timeoutMs} ms`);
      await sleep(50);
    }
  } finally {
    await admin.disconnect();
  }
}
