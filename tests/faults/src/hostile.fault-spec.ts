// Hostile GraphQL clients while the CRM ingest runs: deep and cyclic queries, huge documents, alias bombs,
// batched floods, forged tokens and identity headers are refused with clear errors; injection strings in every
// text field are stored and returned verbatim, never executed. The figures stay exact throughout.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Producer } from 'kafkajs';
import { eventually, type TestStack } from '@hc/testing';
import {
  bearer,
  expectExact,
  faultStack,
  graphql,
  log,
  quietProducer,
  sendAcknowledged,
  settle,
  timed,
  SCENARIO_TIMEOUT_MS,
  type GraphQLReply,
} from './harness.js';
import { crmWorkload, runTag, Ledger } from './workload.js';

const INJECTIONS = [
  `'; DROP TABLE events; --`,
  `Robert'); DELETE FROM streams WHERE ('1'='1`,
  `" OR 1=1 --`,
  `<script>alert('x')</script><img src=x onerror=alert(1)>`,
  '{{7*7}} ${7*7} #{7*7} <%= 7*7 %>',
  '$(rm -rf /) `id` | cat /etc/passwd',
  '{"$gt": ""} {"$where": "sleep(1000)"}',
  '__proto__ constructor.prototype.polluted',
  '../../../../etc/passwd %2e%2e%2f %00',
  'line one\r\nX-Injected: 1\r\n\r\nbody',
  'query { __schema { types { name } } }',
  '\u202eRTL override \u200b zero width \ud83d\ude00 emoji Ёжик',
  '\\\'; \\\\\\" \\x27 \\u0027',
];

describe('hostile GraphQL', () => {
  let stack: TestStack;
  let producer: Producer;
  const ledger = new Ledger();
  let admin: string;
  let participant: string;

  beforeAll(async () => {
    // The gateway's own rate limit (600 a minute per client), which the batched flood must run into.
    stack = await faultStack({ env: { RATE_LIMIT_PER_MINUTE: '600' } });
    producer = quietProducer(stack);
    await producer.connect();
    admin = await bearer(stack, ['admin', 'coordinator'], 'emp-admin');
    participant = await bearer(stack, ['participant'], 'emp-hostile', 'DEP-1');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Every hostile request that was not refused as expected; checked at the end, so one run shows them all. */
  const problems: string[] = [];
  const unreadWrites: string[] = [];

  function refused(reply: GraphQLReply, code: string | RegExp, what = String(code)): void {
    const codes = (reply.body.errors ?? []).map((error) => String(error.extensions?.code));
    const matches = codes.some((got) => (typeof code === 'string' ? got === code : code.test(got)));
    const clear = (reply.body.errors ?? []).every((error) => error.message.length > 10);
    if (reply.status >= 500 || (reply.body.data ?? null) !== null || !matches || !clear)
      problems.push(`${what}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`);
  }

  async function shapes(): Promise<void> {
    const nested = (depth: number): string =>
      depth === 0 ? 'id' : `id mergedIdeas { ${nested(depth - 1)} }`;
    refused(
      await graphql(stack, { query: `{ idea(id: "x") { ${nested(40)} } }` }, as(participant)),
      /QUERY_TOO_DEEP|QUERY_TOO_COMPLEX/,
      'mergedIdeas nested 40 deep',
    );
    refused(
      await graphql(
        stack,
        { query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' },
        as(participant),
      ),
      /GRAPHQL_VALIDATION_FAILED|BAD_REQUEST/,
    );
    const introspectionBomb = `{ __schema { types { ${'fields { type { '.repeat(12)}name${' } }'.repeat(12)} } } }`;
    refused(
      await graphql(stack, { query: introspectionBomb }, as(participant)),
      /QUERY_TOO_DEEP|INTROSPECTION|GRAPHQL_VALIDATION_FAILED/,
    );
    refused(
      await graphql(stack, { query: `{ departments { id ${' name'.repeat(20_000)} } }` }, as(participant)),
      'DOCUMENT_TOO_LARGE',
    );
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: departments { id }`).join(' ');
    refused(await graphql(stack, { query: `{ ${aliases} }` }, as(participant)), 'TOO_MANY_ALIASES');
    refused(
      await graphql(
        stack,
        Array.from({ length: 200 }, () => ({ query: '{ departments { id } }' })),
        as(participant),
      ),
      'BATCH_TOO_LARGE',
    );
    const costly = `{ ideas(first: 100) { nodes { id mergedIdeas { id mergedIdeas { id comments { id text } history { type payload } } } } } }`;
    const cost = await graphql(stack, { query: costly }, as(participant));
    refused(cost, 'QUERY_TOO_COMPLEX');
    const huge = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(participant) },
      body: JSON.stringify({
        query: '{ departments { id } }',
        variables: { pad: 'x'.repeat(3 * 1024 * 1024) },
      }),
    });
    if (huge.status !== 413) problems.push(`3 MiB body: ${huge.status}`);
  }

  async function forgeries(): Promise<void> {
    const upsert = {
      query: 'mutation { upsertDepartments(input: [{ id: "FORGED", name: "forged" }]) { id } }',
    };
    // No token, a token signed with another secret, an unsigned one ("alg": "none"), an expired one.
    refused(await graphql(stack, upsert), 'UNAUTHENTICATED');
    const sign = (secret: string, expiresAt: number) =>
      new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('intruder')
        .setExpirationTime(expiresAt)
        .sign(new TextEncoder().encode(secret));
    const inAnHour = Math.floor(performance.timeOrigin / 1000) + 3_600;
    refused(await graphql(stack, upsert, as(await sign('not-the-secret', inAnHour))), 'UNAUTHENTICATED');
    refused(
      await graphql(stack, upsert, as(await sign(stack.jwtSecret, inAnHour - 7_200))),
      'UNAUTHENTICATED',
    );
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'x', roles: ['admin'], exp: 4102444800 }),
    ).toString('base64url')}.`;
    refused(await graphql(stack, upsert, as(none)), 'UNAUTHENTICATED');
    // A participant claiming to be an admin through the headers the gateway signs for the subgraphs.
    const claimed = Buffer.from(
      JSON.stringify({ subject: 'root', roles: ['admin'], departmentId: null }),
    ).toString('base64url');
    const forged = {
      ...as(participant),
      'x-hc-identity': claimed,
      'x-hc-identity-signature': createHmac('sha256', 'guess').update(claimed).digest('base64url'),
      'x-hc-business-time': '2030-01-01T00:00:00Z',
    };
    refused(await graphql(stack, upsert, forged), 'FORBIDDEN');
    // Straight to a subgraph, past the gateway: an identity the gateway did not sign is not trusted.
    const direct = await fetch(stack.urls.circles, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hc-identity': claimed,
        'x-hc-identity-signature': 'x',
      },
      body: JSON.stringify(upsert),
    });
    refused(
      { status: direct.status, body: (await direct.json()) as GraphQLReply['body'] },
      /UNAUTHENTICATED|FORBIDDEN/,
      'forged identity straight to a subgraph',
    );
    const { rows } = await stack.databases.circles.pool.query(
      `SELECT 1 FROM events WHERE stream_id = 'department-FORGED'`,
    );
    expect(rows).toEqual([]);
  }

  async function injections(): Promise<void> {
    const run = randomUUID().slice(0, 8);
    const departments = INJECTIONS.map((name, i) => ({ id: `INJ-${run}-${i}`, name }));
    const upserted = await graphql(
      stack,
      {
        query: 'mutation ($input: [DepartmentInput!]!) { upsertDepartments(input: $input) { id name } }',
        variables: { input: departments },
      },
      as(admin),
    );
    expect(upserted.body.errors).toBeUndefined();
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect((upserted.body.data?.upsertDepartments as { id: string; name: string }[]).sort(byId)).toEqual(
      [...departments].sort(byId),
    );
    const employees = INJECTIONS.map((fullName, i) => ({
      id: `EMP-${run}-${i}`,
      fullName,
      departmentId: departments[i]!.id,
      leaderEligible: false,
    }));
    const hired = await graphql(
      stack,
      {
        query: 'mutation ($input: [EmployeeInput!]!) { upsertEmployees(input: $input) { id fullName } }',
        variables: { input: employees },
      },
      as(admin),
    );
    expect(hired.body.errors).toBeUndefined();
    for (const [i, text] of INJECTIONS.entries()) {
      const situation = await graphql(
        stack,
        {
          query: `mutation ($input: RegisterSituationInput!) { registerSituation(input: $input) { id title description } }`,
          variables: { input: { title: `${text} ${i}`, description: text, category: 'other' } },
        },
        as(participant),
      );
      expect(situation.body.errors).toBeUndefined();
      const created = situation.body.data?.registerSituation as {
        id: string;
        title: string;
        description: string;
      };
      const read = await graphql(
        stack,
        {
          query: 'query ($id: ID!) { situation(id: $id) { title description } }',
          variables: { id: created.id },
        },
        as(participant),
      );
      expect(read.body.data?.situation).toEqual({ title: `${text} ${i}`, description: text });
      const idea = await graphql(
        stack,
        {
          query:
            'mutation ($input: ProposeIdeaInput!) { proposeImprovementIdea(input: $input) { id title description } }',
          variables: { input: { title: `${text} ${i}`, description: text } },
        },
        as(participant),
      );
      // Under this load the ideas read model may not apply the idea within the read-your-writes wait
      // (ACCEPTED_NOT_YET_VISIBLE naming it): counted and reported, and the idea is then read back once visible.
      const notYetVisible = idea.body.errors?.find(
        (error) => error.extensions?.code === 'ACCEPTED_NOT_YET_VISIBLE',
      );
      const ideaId =
        (idea.body.data?.proposeImprovementIdea as { id: string } | undefined)?.id ??
        (notYetVisible?.extensions?.ids as string[] | undefined)?.[0];
      if (idea.body.errors) unreadWrites.push(JSON.stringify(idea.body.errors));
      expect(ideaId).toBeDefined();
      const stored = await eventually(
        async () =>
          (
            await graphql(
              stack,
              {
                query: 'query ($id: ID!) { idea(id: $id) { title description } }',
                variables: { id: ideaId },
              },
              as(participant),
            )
          ).body.data?.idea ?? undefined,
        { timeoutMs: 30_000, what: `idea ${ideaId} to be readable` },
      );
      expect(stored).toEqual({ title: `${text} ${i}`, description: text });
    }
    if (unreadWrites.length > 0)
      log(`${unreadWrites.length} committed ideas answered with an error first: ${unreadWrites[0]}`);
    const listed = await graphql(stack, { query: '{ departments { id name } }' }, as(participant));
    const names = new Map(
      (listed.body.data?.departments as { id: string; name: string }[]).map((d) => [d.id, d.name] as const),
    );
    for (const department of departments) expect(names.get(department.id)).toBe(department.name);
    // Stored as data: the tables the strings name are all still there, and hold them byte for byte.
    const { rows } = await stack.databases.circles.pool.query<{ name: string }>(
      `SELECT payload->>'name' AS name FROM events WHERE type = 'DepartmentRegistered' AND stream_id LIKE $1
        ORDER BY (payload->>'departmentId')`,
      [`department-INJ-${run}-%`],
    );
    expect(rows.map((row) => row.name).sort()).toEqual([...INJECTIONS].sort());
  }

  it(
    'refuses or neutralises every hostile request while the figures stay exact',
    async () => {
      await timed('hostile GraphQL', async () => {
        const events = crmWorkload(10_000, { tag: runTag('hostile') });
        const ingest = sendAcknowledged(producer, stack.topics.crm, events, ledger, { batchSize: 500 });
        await shapes();
        await forgeries();
        expect(problems).toEqual([]);
        await ingest;
        log(`sent ${ledger.sent} CRM events alongside the hostile requests`);
        // Mutations answer from circles' read model, which waits at most 5 s for its projection: the
        // injection round trips run once the ingest is applied, so a busy host is not mistaken for a fault.
        expectExact(await settle(stack, ledger), ledger);
        await injections();
        // A flood of allowed batches from one client runs into its rate limit, never into a server error.
        const flood = await Promise.all(
          Array.from({ length: 80 }, () =>
            graphql(
              stack,
              Array.from({ length: 10 }, () => ({ query: '{ departments { id } }' })),
              as(participant),
            ),
          ),
        );
        expect(flood.every((reply) => reply.status < 500)).toBe(true);
        expect(flood.some((reply) => JSON.stringify(reply.body).includes('RATE_LIMITED'))).toBe(true);
        for (const name of ['circles', 'ideas', 'metrics', 'gateway'] as const)
          expect(stack.process(name)?.exitCode ?? null).toBeNull();
        expectExact(await settle(stack, ledger), ledger);
      });
    },
    SCENARIO_TIMEOUT_MS,
  );

  // PostgreSQL cannot store NUL: the text rules refuse it before anything is written.
  it('refuses a NUL character in a text input as bad input naming the field', async () => {
    // Another employee: the flood above spent emp-hostile's rate budget (limits are per subject).
    const colleague = await bearer(stack, ['participant'], 'emp-hostile-2', 'DEP-1');
    const nul = await graphql(
      stack,
      {
        query: `mutation ($input: RegisterSituationInput!) { registerSituation(input: $input) { id } }`,
        variables: { input: { title: 'nul \u0000 byte', description: 'x', category: 'other' } },
      },
      as(colleague),
    );
    expect(nul.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
  });
});
