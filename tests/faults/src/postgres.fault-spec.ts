// PostgreSQL failing under the stack: every backend of the services terminated again and again during CRM
// ingest and GraphQL writes; then a write transaction left open in the circles event store, which must hold
// the outbox horizon back (nothing committed after it may be published before it) and lose nothing when it ends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { eventually, testInfrastructure, type TestStack } from '@hc/testing';
import {
  bearer,
  expectExact,
  faultStack,
  graphql,
  letters,
  log,
  metricsApplied,
  quietProducer,
  sendAcknowledged,
  settle,
  sleep,
  timed,
  SCENARIO_TIMEOUT_MS,
} from './harness.js';
import { crmWorkload, runTag, Ledger } from './workload.js';

describe('PostgreSQL connection loss and a long-open write transaction', () => {
  let stack: TestStack;
  let producer: Producer;
  let admin: pg.Client;
  const ledger = new Ledger();

  beforeAll(async () => {
    stack = await faultStack();
    producer = quietProducer(stack);
    await producer.connect();
    admin = new pg.Client({ connectionString: (await testInfrastructure()).databaseUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await producer?.disconnect();
    await stack?.close();
  });

  /** Terminates every connection to the services' databases but the test's own pools' idle ones survive too. */
  async function terminateBackends(): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
      [[stack.databases.circles.name, stack.databases.ideas.name, stack.databases.metrics.name]],
    );
    return rows[0]!.n;
  }

  it(
    'loses no acknowledged write when the services lose their connections',
    async () => {
      await timed('PostgreSQL backends terminated during writes', async () => {
        const events = crmWorkload(10_000, { tag: runTag('pgkill'), complaintShare: 0.15 });
        const token = await bearer(stack, ['participant'], 'emp-pg');
        const acknowledged = new Set<string>();
        const attempted = new Set<string>();
        const failures = new Map<string, number>();
        let writing = true;
        // GraphQL writes alongside the CRM ingest: one situation per request, told apart by its title.
        const writers = Array.from({ length: 4 }, async (_, writer) => {
          for (let i = 0; writing; i++) {
            const title = `pg-${letters()}-${writer}-${i}`;
            attempted.add(title);
            const reply = await graphql(
              stack,
              {
                query: `mutation ($input: RegisterSituationInput!) { registerSituation(input: $input) { id title } }`,
                variables: { input: { title, description: 'Связь с базой рвётся', category: 'other' } },
              },
              { authorization: `Bearer ${token}` },
            ).catch(() => undefined);
            // Stored but not yet readable back is an acknowledgement too: the answer promises the write is kept.
            const storedOnly = reply?.body.errors?.every(
              (error) => error.extensions?.code === 'ACCEPTED_NOT_YET_VISIBLE',
            );
            if (reply?.status === 200 && (!reply.body.errors || storedOnly)) {
              acknowledged.add(title);
              continue;
            }
            const code = JSON.stringify(
              reply?.body.errors?.[0]?.extensions?.code ?? reply?.status ?? 'no reply',
            );
            if (failures.size === 0) log(`first failed write: ${JSON.stringify(reply?.body.errors)}`);
            failures.set(code, (failures.get(code) ?? 0) + 1);
          }
        });
        let terminated = 0;
        const started = performance.now();
        await sendAcknowledged(producer, stack.topics.crm, events, ledger, {
          batchSize: 250,
          // ~10,000 events over ~40 s, the services' connections cut after every second batch.
          between: async (sent) => {
            if (sent % 500 === 0) terminated += await terminateBackends();
            await sleep(Math.max(0, (sent / 250) * 1_000 - (performance.now() - started)));
          },
        });
        writing = false;
        await Promise.all(writers);
        log(
          `terminated ${terminated} backends; ${acknowledged.size} of ${attempted.size} GraphQL writes acknowledged; ` +
            `failed: ${JSON.stringify(Object.fromEntries(failures))}`,
        );
        expect(terminated).toBeGreaterThan(20);
        expect(acknowledged.size).toBeGreaterThan(0);

        expectExact(await settle(stack, ledger), ledger);
        const { rows } = await stack.databases.circles.pool.query<{ title: string }>(
          `SELECT payload->>'title' AS title FROM events WHERE type = 'SituationRegistered' AND payload->>'source' = 'employee'`,
        );
        const stored = rows.map((row) => row.title);
        // Every acknowledged write is there once; a write that failed may have committed before its connection
        // went (its outcome was unknown to the caller) but nothing was stored twice or invented.
        expect(new Set(stored).size).toBe(stored.length);
        expect([...acknowledged].filter((title) => !stored.includes(title))).toEqual([]);
        expect(stored.filter((title) => !attempted.has(title))).toEqual([]);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'holds the outbox horizon behind an open write transaction and publishes everything once it ends',
    async () => {
      await timed('long-open write transaction', async () => {
        const blocker = new pg.Client({ connectionString: stack.databases.circles.url });
        await blocker.connect();
        const streamId = `department-LONG-${randomUUID().slice(0, 8)}`;
        try {
          await blocker.query('BEGIN');
          await blocker.query(`SELECT append_to_stream($1, 0, NULL, $2::jsonb)`, [
            streamId,
            JSON.stringify([
              {
                eventId: randomUUID(),
                type: 'DepartmentRegistered',
                schemaVersion: 1,
                occurredAt: new Date().toISOString(),
                correlationId: randomUUID(),
                causationId: null,
                actor: null,
                payload: { departmentId: streamId.slice('department-'.length), name: 'Долгая транзакция' },
              },
            ]),
          ]);
          const appliedBefore = await metricsApplied(stack, 'circles');
          const events = crmWorkload(10_000, { tag: runTag('horizon'), complaintShare: 0.15 });
          await sendAcknowledged(producer, stack.topics.crm, events, ledger, { batchSize: 1_000 });
          // Complaints keep becoming situations behind the open transaction, but none may be published yet.
          await eventually(
            async () => {
              const { rows } = await stack.databases.circles.pool.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM events WHERE type = 'SituationRegistered' AND payload->>'source' = 'crm'`,
              );
              return rows[0]!.n >= ledger.complaintIds().size ? true : undefined;
            },
            { timeoutMs: 180_000, intervalMs: 1_000, what: 'the complaints to become situations' },
          );
          await sleep(3_000);
          const appliedWhileOpen = await metricsApplied(stack, 'circles');
          log(
            `circles events applied by metrics: ${appliedBefore} before, ${appliedWhileOpen} while held back`,
          );
          expect(appliedWhileOpen).toBe(appliedBefore);
          await blocker.query('COMMIT');
        } finally {
          await blocker.end();
        }
        expectExact(await settle(stack, ledger), ledger);
        // The event of the late transaction was published too, not skipped behind the ones that overtook it.
        const { rows } = await stack.databases.metrics.pool.query<{ name: string }>(
          'SELECT name FROM metrics.departments WHERE department_id = $1',
          [streamId.slice('department-'.length)],
        );
        expect(rows).toEqual([{ name: 'Долгая транзакция' }]);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
