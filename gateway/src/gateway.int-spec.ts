import { DEVELOPMENT_IDENTITY_SECRET, encodeIdentity } from '@hc/service-kit';
import { SignJWT } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from './config.js';
import { fixtureCounters } from './testing/fixture-subgraphs.js';
import { post, startStack, token, type Stack } from './testing/harness.js';

describe('gateway over three subgraphs', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ url } = await stack.gateway());
  });

  afterAll(async () => {
    await stack.close();
  });

  const bearer = async (...args: Parameters<typeof token>) => ({
    authorization: `Bearer ${await token(...args)}`,
  });

  it('answers one query spanning circles, ideas and metrics', async () => {
    const reply = await post(
      url,
      { query: '{ circles { id title ideas { text } } ideas { id } metricsSummary { circlesHeld } }' },
      await bearer(['analyst', 'participant'], 'span-1'),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data).toEqual({
      circles: [
        { id: 'c-1', title: 'Круг гостеприимства', ideas: [{ text: 'Идея круга c-1' }] },
        { id: 'c-2', title: 'Круг заботы', ideas: [{ text: 'Идея круга c-2' }] },
      ],
      ideas: [{ id: 'i-1' }],
      metricsSummary: { circlesHeld: 7 },
    });
  });

  describe('authentication', () => {
    it('refuses a request without a token as UNAUTHENTICATED', async () => {
      const reply = await post(url, { query: '{ circles { id } }' });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
      expect(reply.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token signed with another secret, an expired token and unknown roles', async () => {
      const sign = (claims: Record<string, unknown>, secret: string, exp: number | string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('emp-1')
          .setExpirationTime(exp)
          .sign(new TextEncoder().encode(secret));
      const tokens = [
        await sign({ roles: ['admin'] }, 'not-the-secret', '1h'),
        await sign({ roles: ['analyst'] }, DEVELOPMENT_JWT_SECRET, Math.floor(Date.now() / 1000) - 60),
        await sign({ roles: ['superuser'] }, DEVELOPMENT_JWT_SECRET, '1h'),
        await sign({}, DEVELOPMENT_JWT_SECRET, '1h'),
      ];
      for (const forged of tokens) {
        const reply = await post(url, { query: '{ circles { id } }' }, { authorization: `Bearer ${forged}` });
        expect(reply.status).toBe(401);
        expect(reply.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it('forwards the verified identity and the correlation id to subgraphs', async () => {
      const reply = await post(
        url,
        { query: '{ caller { subject roles departmentId businessTime } }' },
        { ...(await bearer(['coordinator', 'analyst'], 'emp-42', 'dep-7')), 'x-correlation-id': 'corr-123' },
      );
      expect(reply.body.data?.caller).toEqual({
        subject: 'emp-42',
        roles: ['coordinator', 'analyst'],
        departmentId: 'dep-7',
        businessTime: null,
      });
      expect(reply.headers.get('x-correlation-id')).toBe('corr-123');
    });

    it('ignores a forged identity header, even one signed with the real internal secret', async () => {
      const forged = encodeIdentity(
        { subject: 'boss', roles: ['admin'], departmentId: null, businessTime: null },
        DEVELOPMENT_IDENTITY_SECRET,
      );
      const reply = await post(
        url,
        { query: '{ caller { subject roles } }' },
        { ...(await bearer(['participant'], 'emp-5')), ...forged },
      );
      expect(reply.body.data?.caller).toEqual({ subject: 'emp-5', roles: ['participant'] });

      const anonymous = await post(url, { query: '{ caller { subject } }' }, forged);
      expect(anonymous.status).toBe(401);
    });

    it('lets the subgraph refuse a role: a participant may not read metrics', async () => {
      const reply = await post(
        url,
        { query: '{ metricsSummary { circlesHeld } }' },
        await bearer(['participant'], 'emp-6'),
      );
      expect(reply.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('forwards an admin business time only in simulation mode', async () => {
      const { url: simulated } = await stack.gateway({ simulationMode: true });
      const query = { query: '{ caller { businessTime } }' };
      const time = { 'x-hc-business-time': '2026-05-14T10:00:00+03:00' };
      const admin = await post(simulated, query, { ...(await bearer(['admin'], 'adm-1')), ...time });
      expect(admin.body.data?.caller).toEqual({ businessTime: '2026-05-14T07:00:00.000Z' });
      const participant = await post(simulated, query, {
        ...(await bearer(['participant'], 'emp-8')),
        ...time,
      });
      expect(participant.body.data?.caller).toEqual({ businessTime: null });
      const normalMode = await post(url, query, { ...(await bearer(['admin'], 'adm-2')), ...time });
      expect(normalMode.body.data?.caller).toEqual({ businessTime: null });
    });

    it('lets an integration client use only its granted root fields', async () => {
      const { url: granted } = await stack.gateway({ integrationGrants: { 'crm-sync': ['Query.circles'] } });
      const headers = await bearer(['integration'], 'crm-sync');
      const allowed = await post(granted, { query: '{ circles { id } }' }, headers);
      expect(allowed.body.errors).toBeUndefined();
      const refused = await post(granted, { query: '{ circles { id } ideas { id } }' }, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        fields: ['Query.ideas'],
      });
      const other = await post(
        granted,
        { query: '{ circles { id } }' },
        await bearer(['integration'], 'other-client'),
      );
      expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('limits', () => {
    // `first: 1` keeps the cost low, so only the depth counts.
    const nested = (levels: number): string =>
      `{ circles { ${'related(first: 1) { '.repeat(levels - 2)}id${' }'.repeat(levels - 2)} } }`;

    it('refuses a query nested deeper than the limit, and accepts one at the limit', async () => {
      const headers = await bearer(['participant'], 'limits-1');
      const reply = await post(url, { query: nested(13) }, headers);
      expect(reply.status).toBe(400);
      expect(reply.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', limit: 12 });
      const atLimit = await post(url, { query: nested(12) }, headers);
      expect(atLimit.body.errors).toBeUndefined();
    });

    it('refuses a query whose lists may return too many fields, and accepts a cheap one', async () => {
      const headers = await bearer(['participant'], 'limits-2');
      const expensive = await post(
        url,
        { query: '{ circles { related { related { related { id } } } } }' },
        headers,
      );
      expect(expensive.body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        limit: 5000,
      });
      const cheap = await post(url, { query: '{ circles { related { id } } }' }, headers);
      expect(cheap.body.errors).toBeUndefined();
    });

    it('refuses too many aliases', async () => {
      const aliases = Array.from({ length: 31 }, (_, index) => `a${index}: circles { id }`).join(' ');
      const reply = await post(url, { query: `{ ${aliases} }` }, await bearer(['participant'], 'limits-3'));
      expect(reply.body.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', limit: 30 });
    });

    it('refuses a document larger than 50 KB', async () => {
      const padding = `# ${'x'.repeat(51 * 1024)}\n`;
      const reply = await post(
        url,
        { query: `${padding}{ circles { id } }` },
        await bearer(['participant'], 'limits-4'),
      );
      expect(reply.status).toBe(413);
      expect(reply.body.errors?.[0]?.extensions).toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    });

    it('executes a batch of up to 10 operations and refuses a larger one', async () => {
      const headers = await bearer(['participant'], 'limits-5');
      const small = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify([{ query: '{ circles { id } }' }, { query: '{ ideas { id } }' }]),
      });
      const results = (await small.json()) as { data: unknown }[];
      expect(results.map((result) => result.data)).toEqual([
        { circles: [{ id: 'c-1' }, { id: 'c-2' }] },
        { ideas: [{ id: 'i-1' }] },
      ]);
      const large = await post(
        url,
        Array.from({ length: 11 }, () => ({ query: '{ circles { id } }' })),
        headers,
      );
      expect(large.status).toBe(400);
      expect(large.body.errors?.[0]?.extensions).toMatchObject({ code: 'BATCH_TOO_LARGE', limit: 10 });
    });

    it('allows introspection and the landing page in development, not in production', async () => {
      const headers = await bearer(['participant'], 'limits-6');
      const introspection = { query: '{ __schema { queryType { name } } }' };
      const development = await post(url, introspection, headers);
      expect(development.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      const page = await fetch(url, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');

      const { url: production } = await stack.gateway({ production: true });
      const refused = await post(production, introspection, headers);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const noPage = await fetch(production, { headers: { accept: 'text/html' } });
      expect(noPage.headers.get('content-type')).not.toContain('text/html');
    });
  });

  it('serves a repeated metrics-only query from the analyst cache', async () => {
    const headers = await bearer(['analyst'], 'analyst-1', 'dep-1');
    const query = {
      query: 'query Summary { metricsSummary { circlesHeld reads } }',
      operationName: 'Summary',
    };
    const first = await post(url, query, headers);
    const readsAfterFirst = fixtureCounters.metricsRead;
    const second = await post(url, query, headers);
    expect(first.headers.get('x-hc-cache')).toBe('miss');
    expect(second.headers.get('x-hc-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect(fixtureCounters.metricsRead).toBe(readsAfterFirst);

    // Another department is another cache entry.
    const other = await post(url, query, await bearer(['analyst'], 'analyst-2', 'dep-2'));
    expect(other.headers.get('x-hc-cache')).toBe('miss');
  });

  it('serves automatic persisted queries from Redis', async () => {
    const headers = await bearer(['participant'], 'apq-1');
    const query = '{ circles { title } }';
    const { createHash } = await import('node:crypto');
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unknown = await post(url, { extensions: { persistedQuery } }, headers);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    await post(url, { query, extensions: { persistedQuery } }, headers);
    const byHash = await post(url, { extensions: { persistedQuery } }, headers);
    expect(byHash.body.data).toEqual({
      circles: [{ title: 'Круг гостеприимства' }, { title: 'Круг заботы' }],
    });
  });

  it('answers health checks', async () => {
    const base = url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { circles: 'ok', ideas: 'ok', metrics: 'ok', redis: 'ok' },
    });
  });

  it('bounds a slow subgraph with its timeout', async () => {
    const { url: impatient } = await stack.gateway({ subgraphTimeoutMs: 200 });
    const started = performance.now();
    const reply = await post(
      impatient,
      { query: '{ slow(ms: 1000) }' },
      await bearer(['participant'], 'slow-1'),
    );
    expect(performance.now() - started).toBeLessThan(800);
    expect(reply.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_TIMEOUT',
      service: 'circles',
    });
  });

  // Last: it stops a subgraph.
  it('returns partial data with an error when a subgraph stops, and serves other queries', async () => {
    await stack.subgraphs.ideas.close();
    const headers = await bearer(['participant'], 'down-1');
    const partial = await post(url, { query: '{ circles { title } ideas { id } }' }, headers);
    expect(partial.status).toBe(200);
    expect(partial.body.data).toEqual({
      circles: [{ title: 'Круг гостеприимства' }, { title: 'Круг заботы' }],
      ideas: null,
    });
    expect(partial.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      service: 'ideas',
    });

    const unaffected = await post(url, { query: '{ circles { id } }' }, headers);
    expect(unaffected.body).toEqual({ data: { circles: [{ id: 'c-1' }, { id: 'c-2' }] } });

    const ready = await fetch(url.replace(/\/graphql$/, '/health/ready'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { ideas: 'down', circles: 'ok' },
    });
  });
});
