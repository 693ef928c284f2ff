// The gateway as the simulated people call it: each with their own token, at the business time of the act.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** The development secret the gateway verifies HS256 tokens with unless JWT_SECRET is set. */
export const DEVELOPMENT_JWT_SECRET = 'hc-development-jwt-secret';
export const BUSINESS_TIME_HEADER = 'x-hc-business-time';
const IDEMPOTENCY_HEADER = 'idempotency-key';

export type Role = 'participant' | 'leader' | 'coordinator' | 'analyst' | 'integration' | 'admin';

export interface Caller {
  subject: string;
  roles: Role[];
  departmentId?: string;
}

/** A GraphQL error the gateway or a subgraph answered with. */
export class GraphQLCallError extends Error {
  override name = 'GraphQLCallError';

  constructor(
    message: string,
    readonly code: string | undefined,
    readonly operation: string,
  ) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: {
    message: string;
    extensions?: { code?: string; retryAfter?: number; field?: string; ids?: string[] };
  }[];
}

const TRANSIENT_CODES = new Set(['RATE_LIMITED', 'IDEMPOTENCY_KEY_IN_PROGRESS', 'SERVICE_UNAVAILABLE']);
const MAX_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GatewayClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly key: Uint8Array;
  /** Requests sent, retries included. */
  requests = 0;

  constructor(
    readonly url: string,
    jwtSecret: string,
  ) {
    this.key = new TextEncoder().encode(jwtSecret);
  }

  token(caller: Caller): Promise<string> {
    const cacheKey = `${caller.subject}|${caller.roles.join(',')}`;
    let token = this.tokens.get(cacheKey);
    if (!token) {
      const payload: Record<string, unknown> = { roles: caller.roles };
      if (caller.departmentId) payload.departmentId = caller.departmentId;
      token = new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(caller.subject)
        .setIssuedAt()
        .setExpirationTime('12h')
        .sign(this.key);
      this.tokens.set(cacheKey, token);
    }
    return token;
  }

  /** Sends one operation and returns the raw response (for probes that expect an error). */
  async raw<T>(
    caller: Caller,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<T> }> {
    this.requests += 1;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await this.token(caller)}`,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: GraphQLResponse<T>;
    try {
      body = JSON.parse(text) as GraphQLResponse<T>;
    } catch {
      body = { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] };
    }
    return { status: response.status, body };
  }

  /**
   * Runs an operation at a business time (simulation mode); mutations carry an idempotency key so a retry
   * after a lost answer or a rate limit has no second effect.
   */
  async call<T>(
    caller: Caller,
    query: string,
    variables: Record<string, unknown> = {},
    at?: number,
    {
      repeatable = false,
      whenRecorded,
    }: {
      repeatable?: boolean;
      /**
       * The answer to give when the mutation was stored but its read model had not caught up in time
       * (ACCEPTED_NOT_YET_VISIBLE, naming the ids it recorded): without it, that answer is an error.
       */
      whenRecorded?: (ids: string[]) => T;
    } = {},
  ): Promise<T> {
    const operation = /^\s*(?:query|mutation)?[^{]*{\s*(\w+)/.exec(query)?.[1] ?? 'operation';
    const headers: Record<string, string> = {};
    if (at !== undefined) headers[BUSINESS_TIME_HEADER] = new Date(at).toISOString();
    const mutation = /^\s*mutation/.test(query);
    if (mutation) headers[IDEMPOTENCY_HEADER] = randomUUID();
    // A subgraph that did not answer in time may still have acted: only reads and repeatable writes (upserts)
    // are sent again, the latter under a new key since the gateway keeps the timed-out answer for the old one.
    const retryTimeout = !mutation || repeatable;
    for (let attempt = 1; ; attempt++) {
      let outcome: { status: number; body: GraphQLResponse<T> };
      try {
        outcome = await this.raw<T>(caller, query, variables, headers);
      } catch (error) {
        // The gateway unreachable for a moment: the idempotency key makes the retry safe.
        if (attempt >= MAX_ATTEMPTS) throw error;
        await sleep(200 * attempt);
        continue;
      }
      const first = outcome.body.errors?.[0];
      if (first) {
        const code = first.extensions?.code;
        if (code === 'ACCEPTED_NOT_YET_VISIBLE' && whenRecorded)
          return whenRecorded(first.extensions?.ids ?? []);
        // Commands check what they refer to against read models, which follow the writes within seconds; a
        // refused command had no effect, so it is sent again once the reference has had time to appear.
        if (code === 'BAD_USER_INPUT' && /is not a known/.test(first.message) && attempt < MAX_ATTEMPTS) {
          if (mutation) headers[IDEMPOTENCY_HEADER] = randomUUID();
          await sleep(500 * attempt);
          continue;
        }
        if (code === 'SUBGRAPH_TIMEOUT' && retryTimeout && attempt < MAX_ATTEMPTS) {
          if (mutation) headers[IDEMPOTENCY_HEADER] = randomUUID();
          continue;
        }
        if (code && TRANSIENT_CODES.has(code) && attempt < MAX_ATTEMPTS) {
          await sleep(Math.max(250, (first.extensions?.retryAfter ?? 0) * 1000) * attempt);
          continue;
        }
        const field = first.extensions?.field ? ` (${first.extensions.field})` : '';
        throw new GraphQLCallError(
          `${operation} by ${caller.subject}: ${code ?? 'ERROR'} ${first.message}${field}`,
          code,
          operation,
        );
      }
      if (!outcome.body.data) throw new GraphQLCallError(`${operation}: no data`, undefined, operation);
      return outcome.body.data;
    }
  }

  /**
   * A mutation whose answer the caller does not use: stored but not yet readable back
   * (ACCEPTED_NOT_YET_VISIBLE) counts as done, since repeating it would do it twice.
   */
  async perform(
    caller: Caller,
    query: string,
    variables: Record<string, unknown> = {},
    at?: number,
    options: { repeatable?: boolean } = {},
  ): Promise<void> {
    await this.call<unknown>(caller, query, variables, at, { ...options, whenRecorded: () => null });
  }
}
