// Readiness: every subgraph answers its own /health/ready and Redis answers PING.
import type { Redis } from 'ioredis';
import type { SubgraphName } from './config.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | 'down'>;
}

async function subgraphReady(graphqlUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health/ready', graphqlUrl), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function redisReady(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

export async function readiness(
  subgraphUrls: Record<SubgraphName, string>,
  redis: Redis,
  timeoutMs = 2_000,
): Promise<Readiness> {
  const entries = await Promise.all([
    ...Object.entries(subgraphUrls).map(
      async ([name, url]) => [name, await subgraphReady(url, timeoutMs)] as const,
    ),
    redisReady(redis).then((ok) => ['redis', ok] as const),
  ]);
  const checks = Object.fromEntries(entries.map(([name, ok]) => [name, ok ? 'ok' : 'down'] as const));
  return { ready: entries.every(([, ok]) => ok), checks };
}
