// The real stack: circles, ideas and metrics as processes from their built entrypoints (as `npm start` runs
// them), on private databases and topics, with the gateway in this process in front of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { IDENTITY_HEADER, IDENTITY_SIGNATURE_HEADER, encodeIdentity } from '@hc/service-kit';
import {
  createTestDatabase,
  createTestTopics,
  deleteTestTopics,
  eventually,
  freePort,
  testInfrastructure,
  testKafka,
  uniqueSuffix,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { serverAudits } from 'graphql-http';
import { gatewaySettings, type GatewayConfig } from './config.js';
import { createGateway, type RunningGateway } from './gateway.js';
import { post, recordingLogger, token, type GraphQLBody } from './testing/harness.js';

const SERVICES = ['circles', 'ideas', 'metrics'] as const;
type ServiceName = (typeof SERVICES)[number];
const SECRET = `e2e-${randomUUID()}`;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('the whole stack through the gateway', () => {
  const databases = {} as Record<ServiceName, TestDatabase>;
  const ports = {} as Record<ServiceName, number>;
  const processes = {} as Record<ServiceName, ChildProcess>;
  const topics = {
    crm: uniqueTopic('crm.events.v1'),
    circles: uniqueTopic('circles.events.v1'),
    ideas: uniqueTopic('ideas.events.v1'),
  };
  let kafka: Kafka;
  let gateway: RunningGateway;
  let gatewayConfig: GatewayConfig;
  let url: string;
  const extraGateways: RunningGateway[] = [];

  function startService(name: ServiceName, env: NodeJS.ProcessEnv): ChildProcess {
    const upper = name.toUpperCase();
    const child = spawn(process.execPath, [`services/${name}/dist/main.js`], {
      cwd: repoRoot,
      env: {
        ...env,
        NODE_ENV: 'production',
        INTERNAL_IDENTITY_SECRET: SECRET,
        [`${upper}_DATABASE_URL`]: databases[name].url,
        [`${upper}_PORT`]: String(ports[name]),
        CRM_TOPIC: topics.crm,
        CIRCLES_TOPIC: topics.circles,
        IDEAS_TOPIC: topics.ideas,
        CIRCLES_COMPLAINTS_GROUP: `circles.complaints.${topics.crm}`,
        IDEAS_INTAKE_GROUP: `ideas.intake.${topics.circles}`,
        METRICS_GROUP_PREFIX: `metrics.${uniqueSuffix()}`,
        TOPIC_PARTITIONS: '3',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return child;
  }

  beforeAll(async () => {
    const infrastructure = await testInfrastructure();
    kafka = await testKafka();
    await createTestTopics(
      kafka,
      Object.values(topics).flatMap((topic) => [
        { topic, numPartitions: 3 },
        { topic: `${topic}.dlq`, numPartitions: 3 },
      ]),
    );
    for (const name of SERVICES) {
      databases[name] = await createTestDatabase(`e2e_${name}`);
      ports[name] = await freePort();
    }
    for (const name of SERVICES) processes[name] = startService(name, process.env);
    await Promise.all(
      SERVICES.map((name) =>
        eventually(
          async () => ((await fetch(`http://127.0.0.1:${ports[name]}/health/ready`)).ok ? true : undefined),
          { timeoutMs: 90_000, intervalMs: 250, what: `${name} to be ready` },
        ),
      ),
    );
    const supergraphSdl = await readFile(new URL('../supergraph.graphql', import.meta.url), 'utf8');
    gatewayConfig = {
      ...gatewaySettings({ REDIS_URL: infrastructure.redisUrl }),
      supergraphSdl,
      identitySecret: SECRET,
      redisKeyPrefix: `test:${uniqueSuffix()}:gw:`,
      subgraphUrls: {
        circles: `http://127.0.0.1:${ports.circles}/graphql`,
        ideas: `http://127.0.0.1:${ports.ideas}/graphql`,
        metrics: `http://127.0.0.1:${ports.metrics}/graphql`,
      },
    };
    gateway = await createGateway(gatewayConfig, recordingLogger());
    url = await gateway.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await gateway?.close();
    for (const extra of extraGateways) await extra.close();
    for (const child of Object.values(processes)) child.kill('SIGTERM');
    await Promise.all(
      Object.values(processes).map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : Promise.resolve(),
      ),
    );
    await deleteTestTopics(
      kafka,
      Object.values(topics).flatMap((topic) => [topic, `${topic}.dlq`]),
    );
    for (const db of Object.values(databases)) await db.drop();
  });

  async function call(
    roles: Parameters<typeof token>[0],
    query: string,
    variables = {},
    subject = 'emp-a1',
    department = 'dep-a',
  ) {
    return post(
      url,
      { query, variables },
      { authorization: `Bearer ${await token(roles, subject, department)}` },
    );
  }

  it('answers one query from all three subgraphs, with the effects of commands sent through it', async () => {
    const hr = await call(
      ['admin'],
      `mutation {
        upsertDepartments(input: [{ id: "dep-a", name: "Урегулирование убытков" }, { id: "dep-b", name: "Контакт-центр" }]) { id }
        upsertEmployees(input: [
          { id: "emp-a1", fullName: "Анна Смирнова", departmentId: "dep-a", leaderEligible: true },
          { id: "emp-b1", fullName: "Борис Ким", departmentId: "dep-b" }
        ]) { id }
      }`,
    );
    expect(hr.body.errors).toBeUndefined();

    const proposed = await call(
      ['participant'],
      `mutation($input: ProposeIdeaInput!) { proposeImprovementIdea(input: $input) { id title status } }`,
      {
        input: {
          title: 'Перезванивать клиенту в тот же день',
          description: 'Обещанный звонок — в течение дня, с напоминанием в CRM',
        },
      },
    );
    expect(proposed.body.errors).toBeUndefined();
    const ideaId = (proposed.body.data!.proposeImprovementIdea as { id: string }).id;

    // Periods are company-local dates (Europe/Moscow by default): after 21:00 UTC it is already tomorrow there.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
    const spanning = `query($from: Date!, $to: Date!) {
      employee(id: "emp-a1") { fullName ideas { id title } }
      programSummary(from: $from, to: $to) { engagementRate engagementRateSample asOf }
    }`;
    // Metrics learns of the employees through circles.events.v1, asynchronously and one
    // employee stream (partition) at a time: wait until both are counted, not just any event.
    const answer = await eventually(
      async () => {
        const reply = await call(['analyst', 'participant'], spanning, { from: '2026-01-01', to: today });
        const summary = reply.body.data?.programSummary as { engagementRateSample: number } | undefined;
        return summary?.engagementRateSample === 2 ? reply.body : undefined;
      },
      { timeoutMs: 60_000, what: 'metrics to count both registered employees' },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.employee).toEqual({
      fullName: 'Анна Смирнова',
      ideas: [{ id: ideaId, title: 'Перезванивать клиенту в тот же день' }],
    });
    expect((answer.data!.programSummary as { engagementRate: number | null }).engagementRate).toBe(0);
  });

  it('lets the subgraphs refuse what the verified roles do not allow, whatever identity headers a caller forges', async () => {
    const query = '{ programSummary(from: "2026-01-01", to: "2026-12-31") { complaints } }';
    const forged = encodeIdentity(
      { subject: 'emp-a1', roles: ['admin'], departmentId: null, businessTime: null },
      'not-the-secret',
    );
    const refused = await post(
      url,
      { query },
      {
        authorization: `Bearer ${await token(['participant'])}`,
        [IDENTITY_HEADER]: forged[IDENTITY_HEADER]!,
        [IDENTITY_SIGNATURE_HEADER]: forged[IDENTITY_SIGNATURE_HEADER]!,
      },
    );
    const body: GraphQLBody = refused.body;
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await call(['analyst'], query);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data?.programSummary).toEqual({ complaints: 0 });
  });

  it('executes a mutation sent again, or concurrently, with one idempotency key once', async () => {
    const mutation = {
      query: 'mutation($input: ProposeIdeaInput!) { proposeImprovementIdea(input: $input) { id } }',
      variables: {
        input: { title: 'Единый номер для обратной связи', description: 'Один номер вместо трёх' },
      },
    };
    const headers = async (key: string) => ({
      authorization: `Bearer ${await token(['participant'], 'emp-b1', 'dep-b')}`,
      'idempotency-key': key,
    });
    const first = await post(url, mutation, await headers('replayed-key'));
    const again = await post(url, mutation, await headers('replayed-key'));
    expect(again.body).toEqual(first.body);
    const raced = await Promise.all(
      Array.from({ length: 8 }, async () => post(url, mutation, await headers('raced-key'))),
    );
    const raceIds = new Set(
      raced.map((reply) => (reply.body.data?.proposeImprovementIdea as { id: string }).id),
    );
    expect(raceIds.size).toBe(1);
    const listed = await call(['participant'], '{ employee(id: "emp-b1") { ideas { id } } }');
    // One idea for the replayed key, one for the raced key: nothing executed twice.
    expect((listed.body.data?.employee as { ideas: unknown[] }).ideas).toHaveLength(2);
  });

  it('limits the rate per caller with a retry-after', async () => {
    const limited = await createGateway(
      { ...gatewayConfig, rateLimitPerMinute: 3, redisKeyPrefix: `test:${uniqueSuffix()}:gw:` },
      recordingLogger(),
    );
    extraGateways.push(limited);
    const limitedUrl = await limited.listen(0, '127.0.0.1');
    const authorization = `Bearer ${await token(['participant'], 'emp-rate')}`;
    const replies = [];
    for (let n = 0; n < 4; n++)
      replies.push(await post(limitedUrl, { query: '{ departments { id } }' }, { authorization }));
    expect(replies.slice(0, 3).map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect(replies[3]!.status).toBe(429);
    expect(replies[3]!.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(replies[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('passes every MUST of the graphql-http server audits over the real subgraphs', async () => {
    const authorization = `Bearer ${await token(['participant'], 'audit-1')}`;
    const authenticatedFetch: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    };
    const results = await Promise.all(
      serverAudits({ url: () => url, fetchFn: authenticatedFetch }).map((audit) => audit.fn()),
    );
    const mustFailures = results
      .filter((result) => result.name.startsWith('MUST') && result.status !== 'ok')
      .map((result) => `${result.id} ${result.name}`);
    expect(mustFailures).toEqual([]);
  });

  it('serves partial data with an error when a subgraph stops', async () => {
    processes.ideas.kill('SIGKILL');
    await new Promise((resolve) => processes.ideas.once('exit', resolve));
    const reply = await call(
      ['participant'],
      '{ departments { id } employee(id: "emp-a1") { fullName ideas { id } } }',
    );
    expect((reply.body.data?.departments as unknown[]).length).toBe(2);
    expect(reply.body.data?.employee).toBeNull();
    expect(reply.body.errors?.length).toBeGreaterThan(0);
    const withoutIdeas = await call(['participant'], '{ employee(id: "emp-a1") { fullName } }');
    expect(withoutIdeas.body.errors).toBeUndefined();
    expect(withoutIdeas.body.data?.employee).toEqual({ fullName: 'Анна Смирнова' });
  });
});
