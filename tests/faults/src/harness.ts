// The fault suite's plumbing: the stack on the suite's own broker, sends that count only what Kafka
// acknowledged, consumer lag, and the final exact comparison of the figures with the ledger.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { expect } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { eventually, repoRoot, startTestStack, type TestStack, type TestStackOptions } from '@hc/testing';
import {
  FIGURE_FIELDS,
  PERIOD,
  toMessage,
  type CrmEvent,
  type Ledger,
  type OutgoingMessage,
} from './workload.js';

const run = promisify(execFile);

/** The suite's own broker (see tests/faults/jest/broker-env.mjs); refuses to touch any other. */
export function ownBroker(): { brokers: string; env: NodeJS.ProcessEnv } {
  const port = process.env.FAULTS_KAFKA_PORT ?? '19092';
  const brokers = `127.0.0.1:${port}`;
  if (process.env.KAFKA_BROKERS !== brokers) {
    throw new Error(
      `The fault suite stops and restarts its broker, so it runs only on its own (${brokers}), ` +
        `not on KAFKA_BROKERS=${process.env.KAFKA_BROKERS}: run it with \`npm run test:faults\`.`,
    );
  }
  return {
    brokers,
    env: {
      ...process.env,
      KAFKA_PORT: port,
      KAFKA_CONTROLLER_PORT: process.env.FAULTS_KAFKA_CONTROLLER_PORT ?? '19093',
      KAFKA_HOME_DIR: process.env.FAULTS_KAFKA_HOME_DIR ?? `${repoRoot}.infra/kafka-faults`,
      KAFKA_STOP_TIMEOUT: '20',
    },
  };
}

export async function stopBroker(): Promise<void> {
  await run('bash', ['scripts/kafka-stop.sh'], { cwd: repoRoot, env: ownBroker().env });
}

export async function startBroker(): Promise<void> {
  await run('bash', ['scripts/kafka-start.sh'], { cwd: repoRoot, env: ownBroker().env });
}

export async function faultStack(options: TestStackOptions = {}): Promise<TestStack> {
  ownBroker();
  return startTestStack({
    ...options,
    env: {
      // The suite sends thousands of requests from one address and reads figures right after writes.
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
}

export function log(message: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs a scenario's body and prints how long it took. */
export async function timed<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await body();
  } finally {
    log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

export function quietProducer(stack: TestStack): Producer {
  return stack.kafka.producer({
    allowAutoTopicCreation: false,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

/**
 * Sends CRM events in batches with acks=-1; a batch counts as acknowledged when its send resolves. A failed
 * send may still have been written, so it is repeated with the same event ids (the CRM's at-least-once)
 * until acknowledged: every event attempted ends up in the ledger, and none is in Kafka without being there.
 */
export async function sendAcknowledged(
  producer: Producer,
  topic: string,
  events: CrmEvent[],
  ledger: Ledger,
  { batchSize = 500, between }: { batchSize?: number; between?: (sent: number) => Promise<void> } = {},
): Promise<{ failedSends: number }> {
  let failedSends = 0;
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize);
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, acks: -1, messages: batch.map(toMessage) });
        ledger.acknowledge(batch);
        break;
      } catch (error) {
        failedSends += 1;
        if (attempt >= 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    await between?.(start + batch.length);
  }
  return { failedSends };
}

export async function sendRaw(producer: Producer, topic: string, messages: OutgoingMessage[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages });
}

/** Messages not yet committed by each consumer group of the stack, per topic. */
export async function consumerLag(stack: TestStack): Promise<Record<string, number>> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const lag: Record<string, number> = {};
    for (const source of ['crm', 'circles', 'ideas'] as const) {
      const topic = stack.topics[source];
      const ends = await admin.fetchTopicOffsets(topic);
      for (const groupId of stack.consumerGroups[source]) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        let behind = 0;
        for (const end of ends) {
          const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          behind += Number(end.high) - Math.max(0, Number(at));
        }
        lag[groupId] = behind;
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Messages on a topic (every partition, from the beginning). */
export async function topicSize(stack: TestStack, topic: string): Promise<number> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((total, p) => total + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

let nonce = 0;

export async function bearer(
  stack: TestStack,
  roles: string[],
  subject = 'analyst-1',
  departmentId?: string,
): Promise<string> {
  return new SignJWT({ roles, ...(departmentId ? { departmentId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(stack.jwtSecret));
}

export interface GraphQLReply {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

export async function graphql(
  stack: TestStack,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<GraphQLReply> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: GraphQLReply['body'];
  try {
    parsed = JSON.parse(text) as GraphQLReply['body'];
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status: response.status, body: parsed };
}

/** programSummary through the gateway; a fresh operation name each time keeps the analyst cache out of it. */
export async function programSummary(
  stack: TestStack,
  departmentId: string | null = null,
): Promise<Record<string, unknown>> {
  nonce += 1;
  const reply = await graphql(
    stack,
    {
      query: `query Figures${nonce}($from: Date!, $to: Date!, $departmentId: ID) {
        programSummary(from: $from, to: $to, departmentId: $departmentId) { ${FIGURE_FIELDS.join(' ')} }
      }`,
      variables: { ...PERIOD, departmentId },
    },
    { authorization: `Bearer ${await bearer(stack, ['analyst'])}` },
  );
  if (reply.body.errors || !reply.body.data)
    throw new Error(`programSummary failed: ${JSON.stringify(reply.body.errors)}`);
  return reply.body.data.programSummary as Record<string, unknown>;
}

/** Floats to 9 decimals: the service sums in another order. */
export function comparable(figures: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    FIGURE_FIELDS.map((field) => {
      const value = figures[field];
      return [field, typeof value === 'number' ? Number(value.toFixed(9)) : value];
    }),
  );
}

export interface Settled {
  figures: Record<string, unknown>;
  expected: Record<string, unknown>;
  byDepartment: {
    departmentId: string;
    figures: Record<string, unknown>;
    expected: Record<string, unknown>;
  }[];
  situations: { events: number; complaints: number };
  circlesEvents: number;
  metricsAppliedCircles: number;
  lag: Record<string, number>;
  /** Valid CRM messages recorded as applied by circles (complaints) and metrics (all). */
  processed: { circles: number; metrics: number };
}

/** Circles' situations from CRM complaints, straight from its event store. */
export async function circlesCounts(
  stack: TestStack,
): Promise<{ events: number; situations: number; complaints: number }> {
  const { rows } = await stack.databases.circles.pool.query<{
    events: number;
    situations: number;
    complaints: number;
  }>(
    `SELECT (SELECT count(*)::int FROM events) AS events,
            count(*)::int AS situations,
            count(DISTINCT payload->'complaintIds'->>0)::int AS complaints
       FROM events WHERE type = 'SituationRegistered' AND payload->>'source' = 'crm'`,
  );
  return rows[0]!;
}

export async function metricsApplied(stack: TestStack, source: string): Promise<number> {
  const { rows } = await stack.databases.metrics.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM metrics.applied_events WHERE source = $1',
    [source],
  );
  return rows[0]!.n;
}

/**
 * Valid CRM messages recorded as applied: circles records the complaints it took in (other CRM events are no
 * business of its), metrics every CRM event in its read models' own ledger.
 */
export async function processedCrm(stack: TestStack): Promise<{ circles: number; metrics: number }> {
  const [circlesGroup] = stack.consumerGroups.crm;
  const { rows } = await stack.databases.circles.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM processed_messages WHERE consumer = $1',
    [circlesGroup],
  );
  return { circles: rows[0]!.n, metrics: await metricsApplied(stack, 'crm') };
}

/**
 * Waits until every consumer group committed everything, the circles relay published everything its store
 * holds and metrics applied it, and the figures equal the ledger's; then returns what it saw for the exact
 * assertions (a timeout still returns, so the test fails on the comparison that shows the difference).
 */
export async function settle(stack: TestStack, ledger: Ledger, timeoutMs = 180_000): Promise<Settled> {
  const expected = comparable(ledger.figures() as unknown as Record<string, unknown>);
  const snapshot = async (): Promise<Settled> => {
    const [figures, lag, circles, metricsAppliedCircles, processed] = await Promise.all([
      programSummary(stack),
      consumerLag(stack),
      circlesCounts(stack),
      metricsApplied(stack, 'circles'),
      processedCrm(stack),
    ]);
    return {
      figures: comparable(figures),
      expected,
      byDepartment: [],
      situations: { events: circles.situations, complaints: circles.complaints },
      circlesEvents: circles.events,
      metricsAppliedCircles,
      lag,
      processed,
    };
  };
  const complaints = ledger.complaintIds().size;
  let last: Settled | undefined;
  try {
    await eventually(
      async () => {
        last = await snapshot();
        const done =
          Object.values(last.lag).every((behind) => behind === 0) &&
          last.situations.events === complaints &&
          last.metricsAppliedCircles === last.circlesEvents &&
          last.processed.circles === ledger.distinctOf('ComplaintLogged') &&
          last.processed.metrics === ledger.distinct &&
          JSON.stringify(last.figures) === JSON.stringify(expected);
        return done ? true : undefined;
      },
      { timeoutMs, intervalMs: 1_000, what: 'the stack to settle on the acknowledged figures' },
    );
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    log(`did not settle: ${JSON.stringify(last)} (${String(error)}; last error: ${String(cause)})`);
  }
  // Once settled, a late duplicate would still show: compare once more, per department too.
  const final = await snapshot();
  for (const departmentId of ['DEP-1', 'DEP-3']) {
    final.byDepartment.push({
      departmentId,
      figures: comparable(await programSummary(stack, departmentId)),
      expected: comparable(
        ledger.figures(undefined, undefined, departmentId) as unknown as Record<string, unknown>,
      ),
    });
  }
  return final;
}

/** The exact end of every scenario: nothing acknowledged lost, nothing applied twice. */
export function expectExact(settled: Settled, ledger: Ledger): void {
  expect(settled.lag).toEqual(Object.fromEntries(Object.keys(settled.lag).map((group) => [group, 0])));
  expect(settled.figures).toEqual(settled.expected);
  for (const department of settled.byDepartment) {
    expect({ department: department.departmentId, figures: department.figures }).toEqual({
      department: department.departmentId,
      figures: department.expected,
    });
  }
  const complaints = ledger.complaintIds().size;
  expect(settled.situations).toEqual({ events: complaints, complaints });
  expect(settled.metricsAppliedCircles).toBe(settled.circlesEvents);
  expect(settled.processed).toEqual({
    circles: ledger.distinctOf('ComplaintLogged'),
    metrics: ledger.distinct,
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A scenario's ingest, faults and settling (up to 180 s on its own) take minutes on a busy machine. */
export const SCENARIO_TIMEOUT_MS = 480_000;

/**
 * A random tag of letters only: circles masks runs of digits in situation texts as personal data (phone,
 * policy and card numbers), so a tag with digits in it would not come back verbatim.
 */
export function letters(length = 10): string {
  return Array.from(randomBytes(length), (byte) => String.fromCharCode(97 + (byte % 26))).join('');
}
