// A short-lived cache of successful analyst (metrics-only) query responses, keyed by who may see them.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Identity } from '@hc/service-kit';
import type { Logger } from './logger.js';
import type { StoredResponse } from './idempotency.js';

export class AnalystCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** The same answer is served to callers with the same roles, department and business time, never beyond. */
  key(identity: Identity, query: string, operationName: unknown, variables: unknown): string {
    const material = JSON.stringify([
      [...identity.roles].sort(),
      identity.departmentId,
      identity.businessTime,
      query,
      operationName ?? null,
      variables ?? null,
    ]);
    return `cache:${createHash('sha256').update(material).digest('base64url')}`;
  }

  async get(key: string): Promise<StoredResponse | undefined> {
    try {
      const raw = await this.redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as StoredResponse);
    } catch (error) {
      this.logger.warn('analyst cache unavailable: executing', { err: String(error) });
      return undefined;
    }
  }

  /** Stores only complete successes: an error or partial answer is not worth repeating for 30 seconds. */
  async put(key: string, response: StoredResponse): Promise<void> {
    if (response.status !== 200) return;
    try {
      const parsed = JSON.parse(response.body) as { errors?: unknown };
      if (parsed.errors !== undefined) return;
      await this.redis.set(key, JSON.stringify(response), 'EX', this.ttlSeconds);
    } catch (error) {
      this.logger.warn('analyst cache write failed', { err: String(error) });
    }
  }
}
