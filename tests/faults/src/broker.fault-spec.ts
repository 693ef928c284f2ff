// Kafka itself failing under the stack: the broker stopped and started again in the middle of ingest, and a
// consumer frozen (SIGSTOP) past its session timeout, so the group rebalances without it, then thawed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import type { TestStack } from '@hc/testing';
import {
  expectExact,
  faultStack,
  log,
  quietProducer,
  sendAcknowledged,
  settle,
  sleep,
  startBroker,
  stopBroker,
  timed,
  SCENARIO_TIMEOUT_MS,
} from './harness.js';
import { crmWorkload, runTag, Ledger } from './workload.js';

/** The consumers' session timeout (ConsumerRunner's default) and a margin for the coordinator to act on it. */
const PAST_SESSION_TIMEOUT_MS = 30_000 + 8_000;

describe('broker restart and a frozen consumer', () => {
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

  function alive(): Record<string, boolean> {
    return Object.fromEntries(
      (['circles', 'ideas', 'metrics', 'gateway'] as const).map((name) => {
        const child = stack.process(name);
        return [name, !!child && child.exitCode === null && child.signalCode === null];
      }),
    );
  }

  it(
    'recovers from a broker stopped and restarted during ingest',
    async () => {
      await timed('broker stopped and restarted', async () => {
        const events = crmWorkload(10_000, { tag: runTag('broker'), complaintShare: 0.12 });
        let outage: Promise<void> | undefined;
        const { failedSends } = await sendAcknowledged(producer, stack.topics.crm, events, ledger, {
          batchSize: 500,
          between: async (sent) => {
            if (sent === 3_000) {
              outage = (async () => {
                await stopBroker();
                log('broker stopped');
                await sleep(10_000);
                await startBroker();
                log('broker started again');
              })();
            }
            await sleep(100);
          },
        });
        await outage;
        log(`sent ${ledger.sent} (${failedSends} failed sends repeated)`);
        // Nobody had to restart a service: each reconnected by itself.
        expect(alive()).toEqual({ circles: true, ideas: true, metrics: true, gateway: true });
        expectExact(await settle(stack, ledger, 240_000), ledger);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'rebalances around a consumer frozen past its session timeout and takes it back when thawed',
    async () => {
      await timed('SIGSTOP past the session timeout', async () => {
        const events = crmWorkload(10_000, { tag: runTag('sigstop'), complaintShare: 0.12 });
        let frozen: Promise<void> | undefined;
        await sendAcknowledged(producer, stack.topics.crm, events, ledger, {
          batchSize: 500,
          between: async (sent) => {
            if (sent === 2_000) {
              frozen = (async () => {
                const metrics = stack.process('metrics')!;
                metrics.kill('SIGSTOP');
                log('metrics frozen (SIGSTOP)');
                await sleep(PAST_SESSION_TIMEOUT_MS);
                metrics.kill('SIGCONT');
                log('metrics thawed (SIGCONT)');
              })();
            }
            await sleep(100);
          },
        });
        await frozen;
        expect(alive()).toEqual({ circles: true, ideas: true, metrics: true, gateway: true });
        expectExact(await settle(stack, ledger, 240_000), ledger);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
