import type { RunningGateway } from './gateway.js';
import { fixtureCounters } from './testing/fixture-subgraphs.js';
import { post, startStack, token, type Reply, type Stack } from './testing/harness.js';

// Every operation goes to two gateways over the same subgraphs: one forwarding single-subgraph operations
// (the default), one sending everything through Apollo's executor. Their answers must not differ.
describe('single-subgraph forwarding', () => {
  let stack: Stack;
  let forwarding: { url: string; gateway: RunningGateway };
  let executor: { url: string; gateway: RunningGateway };
  let subjects = 0;

  beforeAll(async () => {
    stack = await startStack();
    const settings = { subgraphTimeoutMs: 300, integrationGrants: { 'crm-sync': ['Query.circles'] } };
    forwarding = await stack.gateway(settings);
    executor = await stack.gateway({ ...settings, singleSubgraphForwarding: false });
  });

  afterAll(async () => {
    await stack.close();
  });

  async function forwarded(outcome: 'answered' | 'replay'): Promise<number> {
    const { values } = await forwarding.gateway.metrics.forwardedOperations.get();
    return values
      .filter((value) => value.labels.outcome === outcome)
      .reduce((sum, value) => sum + value.value, 0);
  }

  async function headers(roles: Parameters<typeof token>[0] = ['participant'], subject?: string) {
    return { authorization: `Bearer ${await token(roles, subject ?? `fwd-${++subjects}`)}` };
  }

  function comparable(reply: Reply) {
    return { status: reply.status, contentType: reply.headers.get('content-type'), body: reply.body };
  }

  /**
   * Sends `body` twice to the forwarding gateway (the first time Apollo plans the document, the second it
   * may be forwarded) and once to the executor-only gateway; returns the second answer and the executor's.
   */
  async function throughBoth(body: unknown, auth?: Record<string, string>) {
    const callerHeaders = auth ?? (await headers());
    await post(forwarding.url, body, callerHeaders);
    const [viaForwarding, viaExecutor] = [
      await post(forwarding.url, body, callerHeaders),
      await post(executor.url, body, callerHeaders),
    ];
    return { viaForwarding, viaExecutor };
  }

  it('answers a single-subgraph query with fragments, aliases and variables as the executor does', async () => {
    const query = `query Circles($first: Int) {
      circles { ...Named heading: title related(first: $first) { __typename id } }
    }
    fragment Named on Circle { id __typename }`;
    const before = await forwarded('answered');
    const { viaForwarding, viaExecutor } = await throughBoth({
      query,
      operationName: 'Circles',
      variables: { first: 1 },
    });
    expect(await forwarded('answered')).toBe(before + 1);
    expect(viaForwarding.body.errors).toBeUndefined();
    expect(viaForwarding.body.data?.circles).toEqual([
      {
        id: 'c-1',
        __typename: 'Circle',
        heading: 'Круг гостеприимства',
        related: [{ __typename: 'Circle', id: 'c-1' }],
      },
      {
        id: 'c-2',
        __typename: 'Circle',
        heading: 'Круг заботы',
        related: [{ __typename: 'Circle', id: 'c-1' }],
      },
    ]);
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
    // The answer keeps the order the client selected, as the executor's does.
    expect(JSON.stringify(viaForwarding.body)).toBe(JSON.stringify(viaExecutor.body));
  });

  it('executes a forwarded mutation once and answers it as the executor does', async () => {
    const mutation = {
      query: 'mutation Schedule($title: String!) { scheduleCircle(title: $title) { title __typename } }',
      variables: { title: 'Круг «Перезвонить»' },
    };
    const auth = await headers(['coordinator']);
    await post(forwarding.url, mutation, auth);
    const executedBefore = fixtureCounters.circlesScheduled;
    const answeredBefore = await forwarded('answered');
    const viaForwarding = await post(forwarding.url, mutation, auth);
    expect(fixtureCounters.circlesScheduled).toBe(executedBefore + 1);
    expect(await forwarded('answered')).toBe(answeredBefore + 1);
    const viaExecutor = await post(executor.url, mutation, auth);
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
    expect(viaForwarding.body.data).toEqual({
      scheduleCircle: { title: 'Круг «Перезвонить»', __typename: 'Circle' },
    });
  });

  it("hands a subgraph's errors to Apollo, which answers exactly as it does without forwarding", async () => {
    const before = await forwarded('replay');
    const { viaForwarding, viaExecutor } = await throughBoth({ query: '{ metricsSummary { circlesHeld } }' });
    expect(await forwarded('replay')).toBe(before + 1);
    expect(viaForwarding.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      serviceName: 'metrics',
    });
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
  });

  it('hands a partial answer with an error to Apollo as well', async () => {
    const before = await forwarded('replay');
    const { viaForwarding, viaExecutor } = await throughBoth({ query: '{ circles { id } unreliable }' });
    expect(await forwarded('replay')).toBe(before + 1);
    expect(viaForwarding.status).toBe(200);
    expect(viaForwarding.body.data).toEqual({ circles: [{ id: 'c-1' }, { id: 'c-2' }], unreliable: null });
    expect(viaForwarding.body.errors).toHaveLength(1);
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
  });

  it('answers a timed-out forward as the executor answers its own timeout', async () => {
    const before = await forwarded('replay');
    const { viaForwarding, viaExecutor } = await throughBoth({
      query: 'query Slow($ms: Int!) { slow(ms: $ms) }',
      variables: { ms: 1_000 },
    });
    expect(await forwarded('replay')).toBe(before + 1);
    expect(viaForwarding.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_TIMEOUT',
      service: 'circles',
    });
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
  });

  it('leaves to the executor what it must explain or plan: bad variables, limits, grants, several subgraphs, introspection', async () => {
    const answered = await forwarded('answered');
    const replayed = await forwarded('replay');
    const integration = await headers(['integration'], 'crm-sync');
    const cases: [unknown, Record<string, string> | undefined][] = [
      [{ query: 'query Slow($ms: Int!) { slow(ms: $ms) }', variables: { ms: 'скоро' } }, undefined],
      [
        {
          query: 'query Related($first: Int) { circles { related(first: $first) { id } } }',
          variables: { first: 100_000 },
        },
        undefined,
      ],
      [{ query: '{ caller { subject } }' }, integration],
      [{ query: '{ circles { id ideas { text } } }' }, undefined],
      [{ query: '{ __schema { queryType { name } } }' }, undefined],
      [[{ query: '{ circles { id } }' }], undefined],
    ];
    for (const [body, auth] of cases) {
      const { viaForwarding, viaExecutor } = await throughBoth(body, auth);
      expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
    }
    expect(await forwarded('answered')).toBe(answered);
    expect(await forwarded('replay')).toBe(replayed);
    // The integration client's granted field is forwarded like anyone's.
    const granted = await throughBoth({ query: '{ circles { title } }' }, integration);
    expect(granted.viaForwarding.body.data).toEqual({
      circles: [{ title: 'Круг гостеприимства' }, { title: 'Круг заботы' }],
    });
    expect(await forwarded('answered')).toBe(answered + 1);
  });

  // Last: it stops a subgraph.
  it('answers a forward to a stopped subgraph as the executor does', async () => {
    const query = { query: '{ ideas { id } }' };
    const auth = await headers();
    await post(forwarding.url, query, auth);
    await stack.subgraphs.ideas.close();
    const before = await forwarded('replay');
    const viaForwarding = await post(forwarding.url, query, auth);
    const viaExecutor = await post(executor.url, query, auth);
    expect(await forwarded('replay')).toBe(before + 1);
    expect(viaForwarding.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      service: 'ideas',
    });
    expect(comparable(viaForwarding)).toEqual(comparable(viaExecutor));
  });
});
