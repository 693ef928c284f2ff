// Idempotency keys for mutations: the first request with a key executes, repeats and concurrent twins get its response.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { GatewayError } from './errors.js';
import type { Logger } from './logger.js';

/** An HTTP response as stored for replay. */
export interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

type Entry =
  | { state: 'pending'; fingerprint: string; owner: string }
  | { state: 'done'; fingerprint: string; response: StoredResponse };

// Deletes the pending marker only if it is still this request's (it may have expired and been taken over).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface IdempotencyOptions {
  ttlSeconds: number;
  /** How long a twin waits for the first request to finish before answering IDEMPOTENCY_KEY_IN_PROGRESS. */
  waitMs: number;
  /** Lifetime of the in-progress marker: longer than any execution, so a crashed gateway does not block the key for a day. */
  pendingMs: number;
  pollMs?: number;
}

export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: IdempotencyOptions,
    private readonly logger: Logger,
  ) {}

  static fingerprint(body: unknown): string {
    return createHash('sha256')
      .update(JSON.stringify(body ?? null))
      .digest('base64url');
  }

  /**
   * Runs `execute` once per (scope, key). Redis failures before execution throw SERVICE_UNAVAILABLE:
   * without the store a repeat could not be recognised, and a double effect is worse than a refusal.
   */
  async run(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    const redisKey = `idem:${createHash('sha256').update(`${scope}\u0000${key}`).digest('base64url')}`;
    const deadline = performance.now() + this.options.waitMs;
    for (;;) {
      const pending = JSON.stringify({ state: 'pending', fingerprint, owner: randomUUID() } satisfies Entry);
      const acquired = await this.unlessRedisDown(() =>
        this.redis.set(redisKey, pending, 'PX', this.options.pendingMs, 'NX'),
      );
      if (acquired === 'OK')
        return {
          response: await this.executeAsOwner(redisKey, pending, fingerprint, execute),
          replayed: false,
        };

      const raw = await this.unlessRedisDown(() => this.redis.get(redisKey));
      if (raw !== null) {
        const entry = JSON.parse(raw) as Entry;
        if (entry.fingerprint !== fingerprint) {
          throw new GatewayError(
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used with a different request',
          );
        }
        if (entry.state === 'done') return { response: entry.response, replayed: true };
        if (performance.now() > deadline) {
          throw new GatewayError(
            'IDEMPOTENCY_KEY_IN_PROGRESS',
            'A request with this Idempotency-Key is still being executed; retry later',
          );
        }
      }
      await delay(this.options.pollMs ?? 50);
    }
  }

  private async executeAsOwner(
    redisKey: string,
    pending: string,
    fingerprint: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    let response: StoredResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.release(redisKey, pending);
      throw error;
    }
    // A server-side failure is not an answer worth replaying: let the client retry with the same key.
    if (response.status >= 500) {
      await this.release(redisKey, pending);
      return response;
    }
    const done: Entry = { state: 'done', fingerprint, response };
    try {
      await this.redis.set(redisKey, JSON.stringify(done), 'EX', this.options.ttlSeconds);
    } catch (error) {
      this.logger.error('idempotent response not stored: a repeat of this key will wait, then be refused', {
        err: String(error),
      });
    }
    return response;
  }

  private async release(redisKey: string, pending: string): Promise<void> {
    try {
      await this.redis.eval(RELEASE, 1, redisKey, pending);
    } catch (error) {
      this.logger.warn('idempotency marker not released; it expires on its own', { err: String(error) });
    }
  }

  private async unlessRedisDown<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.logger.warn('idempotency store unavailable: refusing the mutation', { err: String(error) });
      throw new GatewayError(
        'SERVICE_UNAVAILABLE',
        'Idempotent mutations are unavailable right now (the idempotency store cannot be reached); retry later',
      );
    }
  }
}
