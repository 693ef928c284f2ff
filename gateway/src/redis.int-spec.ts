import { fixtureCounters } from './testing/fixture-subgraphs.js';
import { post, recordingLogger, startStack, token, type Stack } from './testing/harness.js';

describe('gateway policies on Redis', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ url } = await stack.gateway());
  });

  afterAll(async () => {
    await stack.close();
  });

  const mutation = (title: string) => ({
    query: 'mutation Schedule($title: String!) { scheduleCircle(title: $title) { id title } }',
    variables: { title },
  });

  describe('idempotency keys', () => {
    it('replays the first response to a repeat without executing again', async () => {
      const headers = {
        authorization: `Bearer ${await token(['coordinator'], 'idem-1')}`,
        'idempotency-key': 'key-replay',
      };
      const before = fixtureCounters.circlesScheduled;
      const first = await post(url, mutation('Круг дня'), headers);
      const repeat = await post(url, mutation('Круг дня'), headers);
      expect(first.body.errors).toBeUndefined();
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(fixtureCounters.circlesScheduled).toBe(before + 1);
    });

    it('executes once when ten requests with the same key race', async () => {
      const headers = {
        authorization: `Bearer ${await token(['coordinator'], 'idem-2')}`,
        'idempotency-key': 'key-race',
      };
      const before = fixtureCounters.circlesScheduled;
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => post(url, mutation('Гонка'), headers)),
      );
      expect(fixtureCounters.circlesScheduled).toBe(before + 1);
      expect(new Set(replies.map((reply) => JSON.stringify(reply.body))).size).toBe(1);
      expect(replies[0]?.body.data).toMatchObject({ scheduleCircle: { title: 'Гонка' } });
    });

    it('refuses a key reused with a different request, and keeps keys apart per caller', async () => {
      const headers = {
        authorization: `Bearer ${await token(['coordinator'], 'idem-3')}`,
        'idempotency-key': 'key-reuse',
      };
      await post(url, mutation('Первый'), headers);
      const reused = await post(url, mutation('Второй'), headers);
      expect(reused.status).toBe(422);
      expect(reused.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');

      const otherCaller = await post(url, mutation('Второй'), {
        authorization: `Bearer ${await token(['coordinator'], 'idem-4')}`,
        'idempotency-key': 'key-reuse',
      });
      expect(otherCaller.body.data).toMatchObject({ scheduleCircle: { title: 'Второй' } });
    });
  });

  it('answers IDEMPOTENCY_KEY_IN_PROGRESS when a twin waits longer than allowed', async () => {
    const { url: impatient } = await stack.gateway({ idempotencyWaitMs: 20 });
    const headers = {
      authorization: `Bearer ${await token(['coordinator'], 'idem-5')}`,
      'idempotency-key': 'key-wait',
    };
    const before = fixtureCounters.circlesScheduled;
    const [first, twin] = await Promise.all([
      post(impatient, mutation('Терпение'), headers),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
        post(impatient, mutation('Терпение'), headers),
      ),
    ]);
    expect(first.body.data).toMatchObject({ scheduleCircle: { title: 'Терпение' } });
    expect(twin.status).toBe(409);
    expect(twin.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    expect(fixtureCounters.circlesScheduled).toBe(before + 1);
  });

  it('limits each caller to its requests per minute, with retryAfter', async () => {
    const { url: limited, gateway } = await stack.gateway({ rateLimitPerMinute: 3 });
    // Counted by the script's digest; a Redis that lost the script (restart, SCRIPT FLUSH) is sent it again.
    await gateway.redis.script('FLUSH');
    const headers = { authorization: `Bearer ${await token(['participant'], 'rate-1')}` };
    for (let i = 0; i < 3; i += 1) {
      expect((await post(limited, { query: '{ circles { id } }' }, headers)).status).toBe(200);
    }
    const refused = await post(limited, { query: '{ circles { id } }' }, headers);
    expect(refused.status).toBe(429);
    const retryAfter = refused.body.errors?.[0]?.extensions?.retryAfter as number;
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));

    // Another caller has its own window.
    const other = await post(
      limited,
      { query: '{ circles { id } }' },
      { authorization: `Bearer ${await token(['participant'], 'rate-2')}` },
    );
    expect(other.status).toBe(200);
  });

  it('counts anonymous requests by address', async () => {
    const logger = recordingLogger();
    const { url: limited } = await stack.gateway({ rateLimitPerMinute: 2 }, logger);
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await post(limited, { query: '{ circles { id } }' })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  describe('when Redis is down', () => {
    let downUrl: string;
    const logger = recordingLogger();

    beforeAll(async () => {
      // Nothing listens on port 1: every Redis command fails at once.
      ({ url: downUrl } = await stack.gateway(
        { redisUrl: 'redis://127.0.0.1:1', rateLimitPerMinute: 1 },
        logger,
      ));
    });

    it('still serves queries, with rate limits and caches open, and logs it', async () => {
      const headers = { authorization: `Bearer ${await token(['analyst'], 'down-1')}` };
      for (let i = 0; i < 3; i += 1) {
        const reply = await post(
          downUrl,
          { query: '{ circles { id } metricsSummary { circlesHeld } }' },
          headers,
        );
        expect(reply.status).toBe(200);
        expect(reply.body.errors).toBeUndefined();
      }
      const metricsOnly = await post(downUrl, { query: '{ metricsSummary { circlesHeld } }' }, headers);
      expect(metricsOnly.body.data).toEqual({ metricsSummary: { circlesHeld: 7 } });
      expect(
        logger.lines.some((line) => line.level === 'warn' && line.message.includes('rate limit skipped')),
      ).toBe(true);
    });

    it('refuses mutations with an idempotency key, but runs those without one', async () => {
      const authorization = `Bearer ${await token(['coordinator'], 'down-2')}`;
      const before = fixtureCounters.circlesScheduled;
      const refused = await post(downUrl, mutation('Без Redis'), {
        authorization,
        'idempotency-key': 'key-down',
      });
      expect(refused.status).toBe(503);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(fixtureCounters.circlesScheduled).toBe(before);

      const plain = await post(downUrl, mutation('Без ключа'), { authorization });
      expect(plain.body.data).toMatchObject({ scheduleCircle: { title: 'Без ключа' } });
    });

    it('reports Redis as down in readiness', async () => {
      const ready = await fetch(downUrl.replace(/\/graphql$/, '/health/ready'));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { redis: 'down', circles: 'ok' } });
    });
  });
});
