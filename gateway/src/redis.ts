// The gateway's Redis connection: fails fast when Redis is down, so callers can degrade instead of hanging.
import { Redis } from 'ioredis';
import type { PersistedQueryOptions } from '@apollo/server';
import type { Logger } from './logger.js';

/** Connects before returning (without a queue, commands sent while connecting would fail); a down Redis is logged, not fatal. */
export async function createRedis(url: string, keyPrefix: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    // No queue while disconnected: a command fails at once instead of waiting for a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Commands of concurrent requests (each request's rate-limit check) leave in one write: a socket write
    // costs more CPU here than the command itself.
    enableAutoPipelining: true,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    // After a failed connection the socket never closes again, so ioredis would wait this long on shutdown.
    disconnectTimeout: 200,
  });
  let reachable = true;
  redis.on('error', (error: Error) => {
    // Logged once per outage, not once per reconnect attempt.
    if (reachable)
      logger.warn('redis unreachable: rate limits and caches degrade open', { err: error.message });
    reachable = false;
  });
  redis.on('ready', () => {
    if (!reachable) logger.info('redis reachable again');
    reachable = true;
  });
  // A failed first attempt is already logged by the error handler; retryStrategy keeps reconnecting.
  await redis.connect().catch(() => undefined);
  return redis;
}

type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

/** Apollo's persisted-query store on Redis; a failing Redis reads as a miss and skips writes. */
export class RedisKeyValueCache implements KeyValueCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      this.logger.warn('persisted query lookup failed', { err: String(error) });
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    try {
      if (options?.ttl) await this.redis.set(this.prefix + key, value, 'EX', options.ttl);
      else await this.redis.set(this.prefix + key, value);
    } catch (error) {
      this.logger.warn('persisted query store failed', { err: String(error) });
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.prefix + key)) > 0;
    } catch (error) {
      this.logger.warn('persisted query delete failed', { err: String(error) });
      return false;
    }
  }
}
