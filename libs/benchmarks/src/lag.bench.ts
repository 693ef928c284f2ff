// End-to-end lag: a command acknowledged by the gateway until its effect shows in `programSummary`, at a
// steady open-loop rate; against Kafka's own produce → consume latency at the same rate (the floor any
// pipeline through Kafka starts from).
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { systemClock } from '@hc/contracts';
import { createTestTopics, deleteTestTopics, startTestStack, uniqueTopic } from '@hc/testing';
import { brainstormCircles, PROPOSE_IDEA } from './circles-fixture.js';
import { BENCH_GATEWAY_ENV } from './command-path.bench.js';
import { gatewayHeaders, postGraphQL, subgraphHeaders, type Caller } from './graphql.js';
import { percentile, type Row } from './stats.js';

const RATE = 500;
const TICK_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `send(n)` for n = 0, 1, … at `rate` per second for `seconds`, without waiting for answers (an
 * open loop: a slow system gets the same arrivals, so queueing shows up as latency, not as fewer requests).
 */
async function openLoop(rate: number, seconds: number, send: (n: number) => void): Promise<number> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) send(sent);
    await sleep(TICK_MS);
  }
  return (performance.now() - started) / 1000;
}

/** Kafka alone at the same rate: send time → the moment a kafkajs consumer (default settings) has it. */
async function kafkaLatency(kafka: Kafka, rate: number, seconds: number): Promise<number[]> {
  const topic = uniqueTopic('bench.latency');
  await createTestTopics(kafka, [{ topic, numPartitions: 6 }]);
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench-latency-${randomUUID()}` });
  const latencies: number[] = [];
  let warm = false;
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: ({ batch }) => {
        const now = performance.timeOrigin + performance.now();
        for (const message of batch.messages) {
          const value = message.value!.toString();
          if (value === 'warm') warm = true;
          else latencies.push(now - Number(value));
        }
        return Promise.resolve();
      },
    });
    // The clock starts once the consumer owns its partitions and has read something (group join included).
    const deadline = performance.now() + 60_000;
    while (!warm && performance.now() < deadline) {
      await producer.send({
        topic,
        messages: Array.from({ length: 6 }, (_, partition) => ({ partition, value: 'warm' })),
      });
      await sleep(500);
    }
    const total = Math.round(rate * seconds);
    await openLoop(rate, seconds, (n) => {
      void producer.send({
        topic,
        messages: [{ key: `k${n}`, value: String(performance.timeOrigin + performance.now()) }],
      });
    });
    const drained = performance.now() + 30_000;
    while (latencies.length < total && performance.now() < drained) await sleep(50);
    return latencies;
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await deleteTestTopics(kafka, [topic]);
  }
}

interface LagRun {
  rate: number;
  achievedRate: number;
  lags: number[];
  errors: number;
  unseen: number;
  pollLatencies: number[];
}

type Send = (n: number) => Promise<void>;

/**
 * Open-loop commands at `rate` while one loop polls the visible count back to back. The k-th acknowledged
 * command is matched with the first poll that saw k of them: Kafka partitions can reorder commands sent in
 * the same few milliseconds, which swaps single samples between neighbours but not the distribution.
 */
async function measureLag(
  rate: number,
  seconds: number,
  send: Send,
  visible: () => Promise<number>,
): Promise<LagRun> {
  const before = await visible();
  const acks: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const inFlight = new Set<Promise<void>>();
  const observations: { at: number; count: number }[] = [];
  const pollLatencies: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const sentAt = performance.now();
      const count = (await visible().catch(() => -1)) - before;
      const at = performance.now();
      pollLatencies.push(at - sentAt);
      if (count >= 0) observations.push({ at, count });
    }
  })();
  const elapsed = await openLoop(rate, seconds, (n) => {
    const call: Promise<void> = send(n)
      .then(() => {
        acks.push(performance.now());
      })
      .catch((error: unknown) => {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  });
  await Promise.all(inFlight);
  const deadline = performance.now() + 60_000;
  while ((observations.at(-1)?.count ?? 0) < acks.length && performance.now() < deadline) await sleep(20);
  polling = false;
  await poller;
  if (errors > 0)
    console.error(`end-to-end lag at ${rate}/s: ${errors} commands failed, first: ${firstError}`);

  acks.sort((a, b) => a - b);
  const lags: number[] = [];
  let j = 0;
  for (let k = 0; k < acks.length; k++) {
    while (j < observations.length && observations[j]!.count < k + 1) j++;
    if (j >= observations.length) break;
    lags.push(Math.max(0, observations[j]!.at - acks[k]!));
  }
  return {
    rate,
    achievedRate: acks.length / elapsed,
    lags,
    errors,
    unseen: acks.length - lags.length,
    pollLatencies,
  };
}

/** A rate this machine sustains, to show the pipeline's lag when it is not queueing. */
const SUSTAINABLE_RATE = 50;

export async function benchmarkLag(scale: number): Promise<Row[]> {
  const seconds = Math.max(5, Math.round(15 * scale));
  const stack = await startTestStack({ partitions: 6, env: BENCH_GATEWAY_ENV });
  try {
    // 5 commands/s per circle at 500/s: contention on one stream is not what this measures.
    const circles = await brainstormCircles(stack.urls.circles, stack.identitySecret, 100, 'lag');
    const headers = new Map<string, Record<string, string>>();
    for (const member of circles.flatMap((circle) => circle.members))
      headers.set(member.subject, await gatewayHeaders(member, stack.jwtSecret));
    // Polled on the metrics subgraph, where programSummary is computed: through the gateway an analyst
    // query is answered from its response cache for up to 30 s by design, which would hide the pipeline's lag.
    const analyst: Caller = { subject: 'bench-analyst', roles: ['analyst'], departmentId: null };
    const analystHeaders = subgraphHeaders(analyst, stack.identitySecret);
    const day = (offset: number) =>
      new Date(systemClock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const summary = `{ programSummary(from: "${day(-2)}", to: "${day(2)}") { ideasProposed } }`;
    const visible = async () => {
      const reply = await postGraphQL<{ programSummary: { ideasProposed: number } }>(
        stack.urls.metrics,
        summary,
        {},
        analystHeaders,
      );
      if (!reply.data) throw new Error(`programSummary: ${JSON.stringify(reply.errors)}`);
      return reply.data.programSummary.ideasProposed;
    };
    let sent = 0;
    const send: Send = async () => {
      const n = sent++;
      const circle = circles[n % circles.length]!;
      const member = circle.members[Math.floor(n / circles.length) % circle.members.length]!;
      const reply = await postGraphQL(
        stack.urls.gateway,
        PROPOSE_IDEA,
        { id: circle.circleId, text: `Предложение ${n}: перезвонить в тот же день` },
        headers.get(member.subject)!,
      );
      if (reply.errors?.length) throw new Error(reply.errors[0]!.message);
    };

    // The sustainable rate first: after an overload the services keep working off requests whose clients
    // gave up, which would leak into the next run.
    const sustainable = await measureLag(SUSTAINABLE_RATE, seconds, send, visible);
    const runs = [await measureLag(RATE, seconds, send, visible), sustainable];
    const rows: Row[] = [];
    for (const run of runs) {
      const kafka = await kafkaLatency(stack.kafka, run.rate, Math.min(seconds, 20));
      const p99 = percentile(run.lags, 99);
      const kafkaP99 = percentile(kafka, 99);
      const notes = [
        run.unseen ? `${run.unseen} never seen` : '',
        run.errors ? `${run.errors} failed` : '',
      ].filter(Boolean);
      rows.push({
        benchmark: `end-to-end lag, proposeIdea ack → programSummary, open loop ${run.rate}/s (${run.achievedRate.toFixed(0)}/s acknowledged) for ${seconds} s: p50 / p99 ms`,
        ours: `${percentile(run.lags, 50).toFixed(0)} / ${p99.toFixed(0)}${notes.length ? ` (${notes.join(', ')})` : ''}`,
        baseline: `${percentile(kafka, 50).toFixed(0)} / ${kafkaP99.toFixed(0)} (Kafka produce → consume, ${run.rate}/s)`,
        ratio: `p99 ${(p99 / kafkaP99).toFixed(1)}×`,
        target: run.rate === RATE ? 'p99 ≤ 500 ms at 500/s' : '(diagnostic)',
      });
      rows.push({
        benchmark: `end-to-end lag at ${run.rate}/s: resolution (programSummary poll round trip p50 / p99 ms)`,
        ours: `${percentile(run.pollLatencies, 50).toFixed(0)} / ${percentile(run.pollLatencies, 99).toFixed(0)}`,
        baseline: '',
        ratio: '',
        target: '',
      });
    }
    return rows;
  } finally {
    await stack.close();
  }
}
