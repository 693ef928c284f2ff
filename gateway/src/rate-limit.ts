// Sliding-window rate limit per client on a Redis sorted set (one member per request, scored by Redis time).
import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const WINDOW_MS = 60_000;

// Redis time, not the gateway's: every gateway instance then counts in one clock.
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local weight = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count + weight > limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = window
  if oldest[2] then retry = tonumber(oldest[2]) + window - now end
  return {0, retry}
end
for i = 1, weight do
  redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`;

/** Redis keeps scripts by digest: each hit sends the digest, and the script only when Redis lost it. */
const SLIDING_WINDOW_SHA1 = createHash('sha1').update(SLIDING_WINDOW).digest('hex');

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly perMinute: number,
  ) {}

  /** Counts `weight` requests for `client`; throws when Redis cannot answer (the caller decides to degrade). */
  async hit(client: string, weight = 1): Promise<RateDecision> {
    const counted = Math.min(Math.max(1, weight), this.perMinute);
    const args = [1, `rate:${client}`, WINDOW_MS, this.perMinute, counted, randomUUID()] as const;
    const [allowed, retryMs] = (await this.redis
      .evalsha(SLIDING_WINDOW_SHA1, ...args)
      .catch((error: unknown) => {
        if (!String(error).includes('NOSCRIPT')) throw error;
        return this.redis.eval(SLIDING_WINDOW, ...args);
      })) as [number, number];
    if (allowed === 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
  }
}
