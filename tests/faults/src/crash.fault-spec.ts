// SIGKILL of every service during heavy ingest, at moments chosen by watching the stack from outside: right
// after a consumer's transaction committed (before its Kafka offsets), right after the outbox relay's batch
// reached Kafka (before its checkpoint), and at random moments (mid-transaction). Then the exact figures.
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import type { StackProcessName, TestStack } from '@hc/testing';
import {
  expectExact,
  faultStack,
  log,
  quietProducer,
  sendAcknowledged,
  settle,
  sleep,
  timed,
  SCENARIO_TIMEOUT_MS,
  topicSize,
} from './harness.js';
import { crmWorkload, runTag, Ledger } from './workload.js';

type Moment = 'after-commit' | 'after-publish' | 'random';

describe('SIGKILL mid-batch', () => {
  let stack: TestStack;
  let producer: Producer;
  const ledger = new Ledger();

  beforeAll(async () => {
    stack = await faultStack();
    producer = quietProducer(stack);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.close();
  });

  /** What a consumer commit records: circles its processed complaints, metrics its read models' ledger. */
  async function processedCount(service: 'circles' | 'metrics'): Promise<number> {
    const { rows } = await stack.databases[service].pool.query<{ n: number }>(
      service === 'circles'
        ? 'SELECT count(*)::int AS n FROM processed_messages'
        : 'SELECT count(*)::int AS n FROM metrics.applied_events',
    );
    return rows[0]!.n;
  }

  /** Resolves as soon as `probe` changes value (or after `timeoutMs`), polling tightly. */
  async function whenChanged(probe: () => Promise<number>, timeoutMs = 8_000): Promise<boolean> {
    const before = await probe();
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await probe()) !== before) return true;
      await sleep(5);
    }
    return false;
  }

  async function kill(name: StackProcessName, moment: Moment): Promise<void> {
    let seen = true;
    if (moment === 'after-commit' && name !== 'gateway' && name !== 'ideas')
      seen = await whenChanged(() => processedCount(name));
    else if (moment === 'after-publish')
      seen = await whenChanged(() => topicSize(stack, stack.topics.circles));
    else await sleep(200 + Math.floor(Math.random() * 1_500));
    await stack.stop(name, 'SIGKILL');
    log(`SIGKILL ${name} (${moment}${seen ? '' : ', nothing moved'})`);
    await stack.start(name);
  }

  it(
    'loses nothing acknowledged and applies nothing twice',
    async () => {
      await timed('SIGKILL mid-batch', async () => {
        const events = crmWorkload(12_000, { tag: runTag('kill'), complaintShare: 0.15 });
        // A killed consumer's group waits out its session timeout (30 s) before the new one gets the partitions,
        // so each service has its own chain of kills, all running alongside an ingest paced to outlast them.
        const plans: Record<StackProcessName, Moment[]> = {
          metrics: ['after-commit', 'random'],
          circles: ['after-publish', 'after-commit'],
          ideas: ['random'],
          gateway: ['random'],
        };
        let ingesting = true;
        const chains = Object.entries(plans).map(async ([name, moments], index) => {
          await sleep(2_000 + index * 1_500);
          for (const moment of moments) {
            await kill(name as StackProcessName, moment);
            if (ingesting) await sleep(1_000 + Math.floor(Math.random() * 3_000));
          }
        });
        const started = performance.now();
        const { failedSends } = await sendAcknowledged(producer, stack.topics.crm, events, ledger, {
          batchSize: 250,
          // ~12,000 events over ~50 s: every kill lands while batches are arriving and being applied.
          between: (sent) => sleep(Math.max(0, (sent / 240) * 1_000 - (performance.now() - started))),
        });
        ingesting = false;
        await Promise.all(chains);
        log(`sent ${ledger.sent} (${ledger.distinct} distinct, ${failedSends} failed sends repeated)`);
        expectExact(await settle(stack, ledger), ledger);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
