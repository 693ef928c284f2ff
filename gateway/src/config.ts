// Gateway settings from the environment, with the documented local defaults and the production refusals.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEVELOPMENT_IDENTITY_SECRET, nonNegativeIntegerSetting as integer } from '@hc/service-kit';

/** The subgraphs the supergraph is composed from, by the names composition gives them. */
export const SUBGRAPH_NAMES = ['circles', 'ideas', 'metrics'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}

export const DEFAULT_SUBGRAPH_URLS: Record<SubgraphName, string> = {
  circles: 'http://127.0.0.1:4001/graphql',
  ideas: 'http://127.0.0.1:4002/graphql',
  metrics: 'http://127.0.0.1:4003/graphql',
};

/** Signs development tokens only; a gateway started with NODE_ENV=production refuses it. */
export const DEVELOPMENT_JWT_SECRET = 'hc-development-jwt-secret';

/** Where `node dist/compose.js` writes the supergraph: `gateway/supergraph.graphql`. */
export const SUPERGRAPH_PATH = resolve(import.meta.dirname, '..', 'supergraph.graphql');

export type AuthConfig =
  | { kind: 'hs256'; secret: string; issuer?: string; audience?: string }
  | { kind: 'jwks'; jwksUrl: string; issuer?: string; audience?: string };

export interface LimitsConfig {
  maxDepth: number;
  maxCost: number;
  /** Size of one operation's document (the `query` text), in bytes. */
  maxDocumentBytes: number;
  /** Size of a whole HTTP body (a batch, variables included), in bytes. */
  maxRequestBytes: number;
  /** Operations in one batched request; 1 disables batching. */
  maxBatchSize: number;
  maxAliases: number;
  /** Items assumed for a list field without a `first`/`last`/`limit` argument, for the cost estimate. */
  assumedListSize: number;
}

export interface GatewayConfig {
  production: boolean;
  port: number;
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  subgraphTimeoutMs: number;
  auth: AuthConfig;
  /** Signs the identity forwarded to subgraphs (shared with them). */
  identitySecret: string;
  simulationMode: boolean;
  /** Root fields (`Query.x`, `Mutation.y`) each `integration` client id may use. */
  integrationGrants: Record<string, string[]>;
  limits: LimitsConfig;
  redisUrl: string;
  redisKeyPrefix: string;
  rateLimitPerMinute: number;
  idempotencyTtlSeconds: number;
  /** How long a duplicate request waits for the first one with the same key to finish. */
  idempotencyWaitMs: number;
  analystCacheTtlSeconds: number;
  /**
   * Operations one subgraph answers whole are sent to it as they are, past Apollo's plan executor
   * (ADR 0017); `SINGLE_SUBGRAPH_FORWARDING=false` sends every operation through the executor.
   */
  singleSubgraphForwarding: boolean;
  /** Subgraph whose root fields make a query cacheable for analysts. */
  analystCacheSubgraph: SubgraphName;
  persistedQueryTtlSeconds: number;
  /** Express `trust proxy`: set when the gateway runs behind a load balancer, so the client IP is right. */
  trustProxy: boolean | number | string;
}

function parseGrants(raw: string | undefined): Record<string, string[]> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('INTEGRATION_GRANTS must be JSON: {"client-id": ["Query.field", ...]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('INTEGRATION_GRANTS must be a JSON object of client id → root fields');
  }
  const grants: Record<string, string[]> = {};
  for (const [client, fields] of Object.entries(parsed)) {
    if (
      !Array.isArray(fields) ||
      !fields.every((field) => typeof field === 'string' && /^(Query|Mutation)\.\w+$/.test(field))
    ) {
      throw new Error(
        `INTEGRATION_GRANTS["${client}"] must be a list like ["Query.field", "Mutation.field"]`,
      );
    }
    grants[client] = fields as string[];
  }
  return grants;
}

/** `true` or `false`; unset means the default, anything else stops the start. */
function booleanSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

function authConfig(env: NodeJS.ProcessEnv, production: boolean): AuthConfig {
  const issuer = env.JWT_ISSUER || undefined;
  const audience = env.JWT_AUDIENCE || undefined;
  if (production && env.JWT_SECRET)
    throw new Error('JWT_SECRET (HS256) is refused when NODE_ENV=production: set JWKS_URL');
  if (env.JWKS_URL) return { kind: 'jwks', jwksUrl: env.JWKS_URL, issuer, audience };
  if (production) throw new Error('JWKS_URL must be set when NODE_ENV=production');
  return { kind: 'hs256', secret: env.JWT_SECRET || DEVELOPMENT_JWT_SECRET, issuer, audience };
}

/** The configuration without the supergraph, which `loadGatewayConfig` reads from its file. */
export function gatewaySettings(env: NodeJS.ProcessEnv = process.env): Omit<GatewayConfig, 'supergraphSdl'> {
  const production = env.NODE_ENV === 'production';
  const identitySecret = env.INTERNAL_IDENTITY_SECRET || (production ? '' : DEVELOPMENT_IDENTITY_SECRET);
  if (!identitySecret) throw new Error('INTERNAL_IDENTITY_SECRET must be set when NODE_ENV=production');
  const simulationMode = env.SIMULATION_MODE === 'true';
  if (simulationMode && production) throw new Error('SIMULATION_MODE is refused when NODE_ENV=production');
  return {
    production,
    port: integer(env, 'GATEWAY_PORT', 4000),
    subgraphUrls: {
      circles: env.CIRCLES_URL || DEFAULT_SUBGRAPH_URLS.circles,
      ideas: env.IDEAS_URL || DEFAULT_SUBGRAPH_URLS.ideas,
      metrics: env.METRICS_URL || DEFAULT_SUBGRAPH_URLS.metrics,
    },
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 10_000),
    auth: authConfig(env, production),
    identitySecret,
    simulationMode,
    integrationGrants: parseGrants(env.INTEGRATION_GRANTS),
    limits: {
      maxDepth: integer(env, 'MAX_QUERY_DEPTH', 12),
      maxCost: integer(env, 'MAX_QUERY_COST', 5000),
      maxDocumentBytes: integer(env, 'MAX_DOCUMENT_BYTES', 50 * 1024),
      maxRequestBytes: integer(env, 'MAX_REQUEST_BYTES', 1024 * 1024),
      maxBatchSize: integer(env, 'MAX_BATCH_SIZE', 10),
      maxAliases: integer(env, 'MAX_ALIASES', 30),
      assumedListSize: integer(env, 'ASSUMED_LIST_SIZE', 10),
    },
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'hc:gw:',
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600),
    idempotencyTtlSeconds: integer(env, 'IDEMPOTENCY_TTL_SECONDS', 24 * 60 * 60),
    idempotencyWaitMs: integer(env, 'IDEMPOTENCY_WAIT_MS', 30_000),
    analystCacheTtlSeconds: integer(env, 'ANALYST_CACHE_TTL_SECONDS', 30),
    singleSubgraphForwarding: booleanSetting(env, 'SINGLE_SUBGRAPH_FORWARDING', true),
    analystCacheSubgraph: 'metrics',
    persistedQueryTtlSeconds: integer(env, 'PERSISTED_QUERY_TTL_SECONDS', 24 * 60 * 60),
    trustProxy: trustProxy(env.TRUST_PROXY),
  };
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const settings = gatewaySettings(env);
  const path = env.SUPERGRAPH_PATH || SUPERGRAPH_PATH;
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(path, 'utf8');
  } catch {
    throw new Error(
      `No supergraph at ${path}: run \`node gateway/dist/compose.js\` after the subgraphs wrote their schema.graphql`,
    );
  }
  return { ...settings, supergraphSdl };
}
