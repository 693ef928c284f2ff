// Starts the fixture subgraphs, composes their SDL with the gateway's composition and runs a gateway on them.
import { DEVELOPMENT_IDENTITY_SECRET, type Role } from '@hc/service-kit';
import { createTestRedis, testInfrastructure } from '@hc/testing';
import { signDevelopmentToken } from '../auth.js';
import { DEVELOPMENT_JWT_SECRET, gatewaySettings, type GatewayConfig } from '../config.js';
import { createGateway, type RunningGateway } from '../gateway.js';
import type { Logger } from '../logger.js';
import { composeSupergraph } from '../supergraph.js';
import { startFixtureSubgraphs, type FixtureName, type FixtureSubgraph } from './fixture-subgraphs.js';

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface Reply<T = GraphQLBody> {
  status: number;
  headers: Headers;
  body: T;
}

/** Log lines kept in memory, so a test can check that a degradation was logged. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const record = (level: string) => (message: string) => {
    lines.push({ level, message: String(message) });
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

export function token(roles: Role[], subject = 'emp-1', departmentId?: string): Promise<string> {
  return signDevelopmentToken({ subject, roles, departmentId }, DEVELOPMENT_JWT_SECRET);
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as GraphQLBody };
}

export interface Stack {
  subgraphs: Record<FixtureName, FixtureSubgraph>;
  supergraphSdl: string;
  /** Settings for a gateway on these subgraphs and a private Redis prefix. */
  config: GatewayConfig;
  /** Starts one more gateway over the same subgraphs; stopped by `close`. */
  gateway(
    overrides?: Partial<GatewayConfig>,
    logger?: Logger,
  ): Promise<{ url: string; gateway: RunningGateway }>;
  close(): Promise<void>;
}

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export async function startStack(): Promise<Stack> {
  const subgraphs = await startFixtureSubgraphs(DEVELOPMENT_IDENTITY_SECRET);
  const composition = composeSupergraph(
    Object.values(subgraphs).map(({ name, url, sdl }) => ({ name, url, sdl })),
  );
  if (!composition.ok) throw new Error(`fixture composition failed:\n${composition.errors.join('\n')}`);
  const { redisUrl } = await testInfrastructure();
  const testRedis = await createTestRedis();
  const config: GatewayConfig = {
    ...gatewaySettings({}),
    supergraphSdl: composition.supergraphSdl,
    subgraphUrls: {
      circles: subgraphs.circles.url,
      ideas: subgraphs.ideas.url,
      metrics: subgraphs.metrics.url,
    },
    redisUrl,
    redisKeyPrefix: `${testRedis.prefix}hc:gw:`,
  };
  const gateways: RunningGateway[] = [];
  return {
    subgraphs,
    supergraphSdl: composition.supergraphSdl,
    config,
    gateway: async (overrides = {}, logger = quiet) => {
      const gateway = await createGateway({ ...config, ...overrides }, logger);
      gateways.push(gateway);
      return { url: await gateway.listen(0, '127.0.0.1'), gateway };
    },
    close: async () => {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.close().catch(() => undefined)));
      await testRedis.cleanup();
    },
  };
}
