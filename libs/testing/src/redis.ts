import { Redis } from 'ioredis';
import { testInfrastructure } from './infra.js';
import { uniqueSuffix } from './database.js';

/** A Redis connection whose keys all live under a prefix private to one suite. */
export async function createTestRedis(): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  const { redisUrl } = await testInfrastructure();
  const prefix = `test:${uniqueSuffix()}:`;
  const redis = new Redis(redisUrl, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    redis,
    prefix,
    cleanup: async () => {
      const raw = new Redis(redisUrl, { lazyConnect: true });
      await raw.connect();
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) await raw.del(...keys);
      raw.disconnect();
      redis.disconnect();
    },
  };
}
