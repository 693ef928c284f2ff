// Redis lost under the gateway (through a fault proxy that resets and refuses its connections): queries are
// still served, mutations carrying an Idempotency-Key are refused rather than risked twice, and once Redis is
// back each key takes effect exactly once, while the CRM ingest behind the gateway carries on untouched.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { startFaultProxy, testInfrastructure, type FaultProxy, type TestStack } from '@hc/testing';
import {
  bearer,
  expectExact,
  faultStack,
  graphql,
  letters,
  log,
  programSummary,
  quietProducer,
  sendAcknowledged,
  settle,
  sleep,
  timed,
  SCENARIO_TIMEOUT_MS,
  type GraphQLReply,
} from './harness.js';
import { crmWorkload, runTag, Ledger } from './workload.js';

const REGISTER = `mutation ($input: RegisterSituationInput!) { registerSituation(input: $input) { id title } }`;

describe('Redis down under the gateway', () => {
  let stack: TestStack;
  let proxy: FaultProxy;
  let producer: Producer;
  let token: string;
  const ledger = new Ledger();

  beforeAll(async () => {
    const redis = new URL((await testInfrastructure()).redisUrl);
    proxy = await startFaultProxy({ targetHost: redis.hostname, targetPort: Number(redis.port || 6379) });
    stack = await faultStack({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
    producer = quietProducer(stack);
    await producer.connect();
    token = await bearer(stack, ['participant'], 'emp-redis');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.close();
    await proxy?.close();
  });

  function register(title: string, key: string | null): Promise<GraphQLReply> {
    return graphql(
      stack,
      {
        query: REGISTER,
        variables: { input: { title, description: 'Redis недоступен', category: 'other' } },
      },
      { authorization: `Bearer ${token}`, ...(key === null ? {} : { 'idempotency-key': key }) },
    );
  }

  async function storedTitles(prefix: string): Promise<Map<string, number>> {
    const { rows } = await stack.databases.circles.pool.query<{ title: string; n: number }>(
      `SELECT payload->>'title' AS title, count(*)::int AS n FROM events
        WHERE type = 'SituationRegistered' AND payload->>'title' LIKE $1 GROUP BY 1`,
      [`${prefix}%`],
    );
    return new Map(rows.map((row) => [row.title, row.n]));
  }

  it(
    'serves queries, refuses idempotent mutations while Redis is down and applies each key once after',
    async () => {
      await timed('Redis down', async () => {
        const events = crmWorkload(10_000, { tag: runTag('redis') });
        const run = `redis-${letters()}`;
        const keys = Array.from({ length: 60 }, (_, i) => ({ key: `${run}-key-${i}`, title: `${run}-${i}` }));
        const half = events.length / 2;

        // Mutations answer from circles' read model, which waits at most 5 s for its projection; the CRM
        // ingest is let through first so that a slow projection on a busy host is not mistaken for a fault.
        await sendAcknowledged(producer, stack.topics.crm, events.slice(0, half), ledger, {
          batchSize: 1_000,
        });
        expectExact(await settle(stack, ledger), ledger);

        // Redis up: a key sent twice executes once and the repeat replays the first answer.
        for (const { key, title } of keys.slice(0, 20)) {
          const first = await register(title, key);
          const again = await register(title, key);
          expect(first.body.errors).toBeUndefined();
          expect(again.body).toEqual(first.body);
        }

        proxy.down();
        log('Redis down');
        await sleep(500);
        const refused = await Promise.all(keys.slice(20).map(({ key, title }) => register(title, key)));
        for (const reply of refused) {
          expect(reply.body.data ?? null).toBeNull();
          expect(reply.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
          expect(reply.body.errors?.[0]?.message).toMatch(/idempotency store/i);
        }
        // Queries go on (rate limits and the analyst cache degrade open) and so do mutations without a key.
        const figures = await programSummary(stack);
        expect(figures.complaints).toBe(ledger.figures().complaints);
        const unkeyed = await register(`${run}-unkeyed`, null);
        expect(unkeyed.body.errors).toBeUndefined();
        // The CRM side does not depend on Redis at all.
        await sendAcknowledged(producer, stack.topics.crm, events.slice(half), ledger, { batchSize: 1_000 });
        expectExact(await settle(stack, ledger), ledger);

        proxy.up();
        log('Redis up');
        // The refused keys, retried (twice each) once the store is back: one effect per key.
        for (const { key, title } of keys.slice(20)) {
          let reply = await register(title, key);
          for (
            let attempt = 0;
            reply.body.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE' && attempt < 40;
            attempt++
          ) {
            await sleep(250);
            reply = await register(title, key);
          }
          expect(reply.body.errors).toBeUndefined();
          expect((await register(title, key)).body).toEqual(reply.body);
        }

        const stored = await storedTitles(run);
        expect(Object.fromEntries(stored)).toEqual(
          Object.fromEntries([...keys.map(({ title }) => [title, 1] as const), [`${run}-unkeyed`, 1]]),
        );
        expect(proxy.stats.refused + proxy.stats.reset).toBeGreaterThan(0);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
