// Delivery faults on one stack: every consumer group read again from the beginning changes nothing; then
// poison of every kind, interleaved with valid events, goes to the dead-letter topic once per consumer group
// with its reason while the valid events around it are applied and no consumer stops.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { DLQ_HEADERS } from '@hc/contracts';
import { eventually, readTopic, withAdmin, type TestStack } from '@hc/testing';
import {
  expectExact,
  faultStack,
  log,
  processedCrm,
  programSummary,
  quietProducer,
  sendAcknowledged,
  settle,
  timed,
  SCENARIO_TIMEOUT_MS,
  topicSize,
} from './harness.js';
import {
  crmWorkload,
  runTag,
  Ledger,
  poison,
  POISON_KINDS,
  POISON_REASON,
  toMessage,
  type PoisonKind,
} from './workload.js';

// Above the decoder's 1 MiB limit, so an oversized value reaches the consumer and is refused there.
const TOPIC_MAX_MESSAGE_BYTES = String(4 * 1024 * 1024);

describe('duplicate delivery and poison messages', () => {
  let stack: TestStack;
  let producer: Producer;
  const ledger = new Ledger();

  beforeAll(async () => {
    stack = await faultStack();
    await withAdmin(stack.kafka, (admin) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [stack.topics.crm, `${stack.topics.crm}.dlq`].map((name) => ({
          type: 2 /* TOPIC */,
          name,
          configEntries: [{ name: 'max.message.bytes', value: TOPIC_MAX_MESSAGE_BYTES }],
        })),
      }),
    );
    producer = quietProducer(stack);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.close();
  });

  it(
    'changes nothing when every consumer group reads everything again',
    async () => {
      await timed('duplicate delivery (offsets reset)', async () => {
        const events = crmWorkload(10_000, { tag: runTag('dup'), complaintShare: 0.1 });
        await sendAcknowledged(producer, stack.topics.crm, events, ledger, { batchSize: 1_000 });
        const before = await settle(stack, ledger);
        expectExact(before, ledger);

        // A group's offsets can be reset only while it has no members.
        for (const name of ['circles', 'ideas', 'metrics'] as const) await stack.stop(name);
        const stopped = performance.now();
        await withAdmin(stack.kafka, async (admin) => {
          const groupIds = Object.values(stack.consumerGroups).flat();
          await eventually(
            async () => {
              const { groups } = await admin.describeGroups(groupIds);
              return groups.every((group) => group.state === 'Empty') ? true : undefined;
            },
            { timeoutMs: 90_000, intervalMs: 500, what: 'the consumer groups to be empty' },
          );
          log(`consumer groups empty ${((performance.now() - stopped) / 1000).toFixed(1)} s after SIGTERM`);
          for (const source of ['crm', 'circles', 'ideas'] as const) {
            for (const groupId of stack.consumerGroups[source])
              await admin.resetOffsets({ groupId, topic: stack.topics[source], earliest: true });
          }
        });
        const circlesTopic = await topicSize(stack, stack.topics.circles);
        await Promise.all((['circles', 'ideas', 'metrics'] as const).map((name) => stack.start(name)));
        log(`offsets reset: ${ledger.sent} CRM and ${circlesTopic} circles messages delivered again`);

        const after = await settle(stack, ledger);
        expectExact(after, ledger);
        expect(after.figures).toEqual(before.figures);
        expect(after.circlesEvents).toBe(before.circlesEvents);
        // Nothing new reached the relay either: the replayed complaints found their situations.
        expect(await topicSize(stack, stack.topics.circles)).toBe(circlesTopic);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'dead-letters poison of every kind with its reason, applies the valid events around it, and goes on',
    async () => {
      await timed('poison messages', async () => {
        const events = crmWorkload(10_000, { tag: runTag('poison'), complaintShare: 0.1 });
        const sentPoison: { marker: string; kind: PoisonKind; value: Buffer }[] = [];
        const rounds = 10;
        const perRound = Math.ceil(events.length / rounds);
        for (let round = 0; round < rounds; round++) {
          const valid = events.slice(round * perRound, (round + 1) * perRound);
          const messages = valid.map(toMessage);
          for (const kind of POISON_KINDS) {
            const marker = `${round}-${kind}`;
            const message = poison(kind, marker);
            sentPoison.push({ marker, kind, value: message.value });
            // Spliced in at a spot of its own, so poison and valid messages share batches and partitions.
            messages.splice(Math.floor(Math.random() * messages.length), 0, message);
          }
          await producer.send({ topic: stack.topics.crm, acks: -1, messages });
          ledger.acknowledge(valid);
        }
        log(`sent ${events.length} valid and ${sentPoison.length} poison messages`);

        expectExact(await settle(stack, ledger), ledger);

        const groups = stack.consumerGroups.crm;
        const dlq = await readTopic(
          stack.kafka,
          `${stack.topics.crm}.dlq`,
          sentPoison.length * groups.length,
          120_000,
        );
        const seen = dlq.map((letter) => ({
          marker: letter.key?.replace(/^poison-/, '') ?? null,
          group: letter.headers[DLQ_HEADERS.consumerGroup],
          reason: letter.headers[DLQ_HEADERS.reason],
        }));
        const expected = sentPoison.flatMap(({ marker, kind }) =>
          groups.map((group) => ({ marker, group, reason: POISON_REASON[kind] })),
        );
        const order = (a: { marker: string | null; group?: string }, b: typeof a) =>
          `${a.marker}|${a.group}`.localeCompare(`${b.marker}|${b.group}`);
        expect(seen.sort(order)).toEqual(expected.sort(order));
        // The original bytes travel with the reason, the oversized and the invalid UTF-8 ones included.
        const original = new Map(sentPoison.map(({ marker, value }) => [`poison-${marker}`, value]));
        const altered = dlq.filter(
          (letter) =>
            !(letter.value ?? Buffer.alloc(0)).equals(original.get(letter.key ?? '') ?? Buffer.from('?')),
        );
        expect(altered.map((letter) => letter.key)).toEqual([]);
        expect(dlq.find((letter) => letter.key === 'poison-0-oversized')?.value?.length).toBeGreaterThan(
          1024 * 1024,
        );

        for (const [service, group] of [
          ['circles', groups[0]!],
          ['metrics', groups[1]!],
        ] as const) {
          const { rows } = await stack.databases[service].pool.query<{ reason: string; n: number }>(
            'SELECT reason, count(*)::int AS n FROM dead_letters WHERE consumer = $1 GROUP BY reason ORDER BY reason',
            [group],
          );
          const byReason = new Map<string, number>();
          for (const { kind } of sentPoison)
            byReason.set(POISON_REASON[kind], (byReason.get(POISON_REASON[kind]) ?? 0) + 1);
          expect(rows).toEqual(
            [...byReason.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([reason, n]) => ({ reason, n })),
          );
        }

        // Still consuming: one more valid batch after all the poison is applied too.
        const tail = crmWorkload(200, { tag: runTag('poison-tail') });
        await sendAcknowledged(producer, stack.topics.crm, tail, ledger);
        expectExact(await settle(stack, ledger), ledger);
        expect(await processedCrm(stack)).toEqual({
          circles: ledger.distinctOf('ComplaintLogged'),
          metrics: ledger.distinct,
        });
        expect((await programSummary(stack)).surveyAnswers).toBe(ledger.figures().surveyAnswers);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
