// Observability across the real stack: one correlation id and one trace from a gateway request, through
// Kafka headers, into the consumers' log lines; /metrics on every process moving with the traffic.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  eventually,
  readTopic,
  startTestStack,
  uniqueSuffix,
  type StackProcessName,
  type TestStack,
} from '@hc/testing';
import { signDevelopmentToken } from './auth.js';
import { post } from './testing/harness.js';

const PROCESSES: StackProcessName[] = ['gateway', 'circles', 'ideas', 'metrics'];

/** `name{labels} value` lines of a Prometheus text page, as a map from `name{labels}` to the value. */
function samples(page: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of page.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** The sum of every sample of `name` whose labels contain all of `labels`. */
function total(values: Map<string, number>, name: string, labels: string[] = []): number {
  let sum = 0;
  for (const [series, value] of values) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}

async function logLines(stack: TestStack, name: StackProcessName): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(stack.logDir, `${name}.log`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('observability through the whole stack', () => {
  let stack: TestStack;
  let authorization: string;

  const scrape = async (name: StackProcessName) => {
    const response = await fetch(`http://127.0.0.1:${stack.ports[name]}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  beforeAll(async () => {
    stack = await startTestStack({ env: { LOG_LEVEL: 'debug' } });
    authorization = `Bearer ${await signDevelopmentToken({ subject: 'obs-admin', roles: ['admin'] }, stack.jwtSecret)}`;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('serves /metrics on every process with the named metrics', async () => {
    const pages = Object.fromEntries(
      await Promise.all(PROCESSES.map(async (name) => [name, await scrape(name)] as const)),
    );
    for (const name of PROCESSES) {
      expect(pages[name]).toContain('# TYPE hc_process_cpu_seconds_total counter');
      expect(pages[name]).toContain('# TYPE hc_graphql_request_duration_seconds histogram');
    }
    for (const name of ['circles', 'ideas', 'metrics'] as const) {
      for (const metric of [
        'hc_messages_processed_total',
        'hc_dead_letters_total',
        'hc_consumer_lag',
        'hc_outbox_backlog',
        'hc_event_append_duration_seconds',
      ])
        expect(pages[name]).toContain(`# HELP ${metric} `);
    }
    expect(pages.gateway).toContain('# HELP hc_gateway_rejections_total ');
  });

  it('carries the caller’s correlation id and one trace from the gateway to the consumers, and moves the metrics', async () => {
    const before = Object.fromEntries(
      await Promise.all(PROCESSES.map(async (name) => [name, samples(await scrape(name))] as const)),
    );
    const correlationId = `e2e-obs.${uniqueSuffix()}`;
    const reply = await post(
      stack.urls.gateway,
      {
        query: `mutation { upsertDepartments(input: [{ id: "dep-obs", name: "Отдел наблюдаемости" }]) { id } }`,
      },
      { authorization, 'x-correlation-id': correlationId },
    );
    expect(reply.body.errors).toBeUndefined();
    expect(reply.headers.get('x-correlation-id')).toBe(correlationId);

    // The relay's message on the circles topic carries the id and a W3C traceparent.
    const messages = await readTopic(stack.kafka, stack.topics.circles, 1, 60_000);
    const message = messages.find((candidate) => candidate.headers['x-correlation-id'] === correlationId);
    expect(message).toBeDefined();
    // Not sampled (00) unless spans are exported: the trace still travels by its ids.
    const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(message!.headers.traceparent ?? '');
    expect(traceparent).not.toBeNull();
    const traceId = traceparent![1]!;

    // Both consumers of the circles topic log the message in its context: same id, same trace (ideas takes in
    // improvement proposals only, so it acknowledges a department's registration as ignored).
    for (const [consumer, outcome] of [
      ['ideas', 'message ignored'],
      ['metrics', 'message applied'],
    ] as const) {
      const line = await eventually(
        async () =>
          (await logLines(stack, consumer)).find(
            (entry) => entry.correlationId === correlationId && entry.message === outcome,
          ),
        { timeoutMs: 60_000, what: `${consumer} to log the message` },
      );
      expect(line).toMatchObject({ service: consumer, level: 'debug', traceId });
      expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    // The gateway and the subgraph that ran the command logged the request under the same id and trace.
    const gatewayLine = (await logLines(stack, 'gateway')).find(
      (entry) => entry.correlationId === correlationId,
    );
    expect(gatewayLine).toMatchObject({ service: 'gateway', traceId });
    const circlesLine = (await logLines(stack, 'circles')).find(
      (entry) => entry.correlationId === correlationId,
    );
    expect(circlesLine).toMatchObject({ service: 'circles', traceId });

    const after = await eventually(
      async () => {
        const pages = Object.fromEntries(
          await Promise.all(PROCESSES.map(async (name) => [name, samples(await scrape(name))] as const)),
        );
        // Ideas takes in improvement proposals only: a department's registration is acknowledged as ignored.
        const handled = (page: Map<string, number>) =>
          total(page, 'hc_messages_processed_total', ['outcome="applied"']) +
          total(page, 'hc_messages_processed_total', ['outcome="ignored"']);
        return handled(pages.ideas!) > handled(before.ideas!) &&
          handled(pages.metrics!) > handled(before.metrics!)
          ? pages
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the consumers’ counters to move' },
    );
    const mutationCount = ['operation="upsertDepartments"', 'type="mutation"', 'outcome="ok"'];
    for (const name of ['gateway', 'circles'] as const) {
      expect(total(after[name]!, 'hc_graphql_request_duration_seconds_count', mutationCount)).toBe(
        total(before[name]!, 'hc_graphql_request_duration_seconds_count', mutationCount) + 1,
      );
    }
    expect(
      total(after.circles!, 'hc_event_append_duration_seconds_count', ['outcome="appended"']),
    ).toBeGreaterThan(
      total(before.circles!, 'hc_event_append_duration_seconds_count', ['outcome="appended"']),
    );
    expect(total(after.circles!, 'hc_outbox_published_total')).toBeGreaterThan(
      total(before.circles!, 'hc_outbox_published_total'),
    );
    expect(total(after.circles!, 'hc_outbox_backlog')).toBe(0);
    expect(total(after.metrics!, 'hc_consumer_lag', [`topic="${stack.topics.circles}"`])).toBe(0);
    expect([...after.metrics!.keys()].some((series) => series.startsWith('hc_consumer_lag{'))).toBe(true);
  });

  it('replaces an unacceptable correlation id with a new one', async () => {
    const reply = await post(
      stack.urls.gateway,
      { query: '{ departments { id } }' },
      { authorization, 'x-correlation-id': 'not acceptable/{"level":"fatal"}' },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-correlation-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
