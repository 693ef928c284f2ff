// The gateway process: Apollo Gateway over the committed supergraph, behind auth, limits and Redis-backed policies.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import { prometheusContentType } from 'prom-client';
import { setupTracing, type Identity } from '@hc/service-kit';
import { createTokenVerifier, type VerifiedClaims } from './auth.js';
import { isSubgraphName, type GatewayConfig, type SubgraphName } from './config.js';
import { GatewayError } from './errors.js';
import { readiness } from './health.js';
import { IdempotencyStore, MAX_IDEMPOTENCY_KEY_LENGTH, type StoredResponse } from './idempotency.js';
import { jsonLogger, rootLogger, type Logger } from './logger.js';
import {
  GatewayMetrics,
  assignCorrelationId,
  correlationIdOfResponse,
  labelOperation,
  requestContext,
} from './observability.js';
import { describeOperation, operationsOf, type RawOperation } from './operation.js';
import { measureOperation } from './limits.js';
import { integrationGrantsPlugin, limitsPlugin, ungrantedRootFields } from './plugins.js';
import { RateLimiter } from './rate-limit.js';
import { createRedis, RedisKeyValueCache } from './redis.js';
import { AnalystCache } from './response-cache.js';
import { rootFieldOwners } from './supergraph.js';
import { SingleSubgraphRoutes, withReplayedOutcome } from './single-subgraph.js';
import { SubgraphDataSource, type GatewayContext } from './subgraphs.js';

export const BUSINESS_TIME_HEADER = 'x-hc-business-time';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const CACHE_STATUS_HEADER = 'x-hc-cache';
export const REPLAYED_HEADER = 'idempotent-replayed';

export interface RunningGateway {
  app: express.Express;
  redis: Redis;
  /** The registry served on `/metrics`. */
  metrics: GatewayMetrics;
  /** Starts listening; resolves with the GraphQL URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

function businessTimeOf(req: Request, claims: VerifiedClaims, simulationMode: boolean): string | null {
  const given = req.get(BUSINESS_TIME_HEADER);
  // Only an admin, and only in simulation mode, sets the business time; anyone else's header is ignored.
  if (!simulationMode || given === undefined || !claims.roles.includes('admin')) return null;
  const time = new Date(given);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(given) || Number.isNaN(time.getTime())) {
    throw new GatewayError('BAD_REQUEST', `${BUSINESS_TIME_HEADER} must be an ISO-8601 date-time`);
  }
  return time.toISOString();
}

function headerMapOf(req: Request): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

async function completeResponse(response: HTTPGraphQLResponse): Promise<StoredResponse> {
  let body = '';
  if (response.body.kind === 'complete') body = response.body.string;
  else for await (const chunk of response.body.asyncIterator) body += chunk;
  return { status: response.status ?? 200, headers: [...response.headers], body };
}

function send(res: Response, response: StoredResponse): void {
  res.status(response.status);
  for (const [name, value] of response.headers) res.setHeader(name, value);
  // An ETag serves conditional GETs; computing one over every POST answer only costs a hash.
  if (res.req.method !== 'POST') {
    res.send(response.body);
    return;
  }
  res.setHeader('content-length', Buffer.byteLength(response.body));
  res.end(response.body);
}

function sendError(res: Response, error: GatewayError): void {
  res.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.send(error.body());
}

/** A GET asking for HTML with no operation: the landing page (development) or a plain refusal (production). */
function isLandingPageRequest(req: Request): boolean {
  return (
    req.method === 'GET' &&
    req.query.query === undefined &&
    req.accepts(['application/json', 'text/html']) === 'text/html'
  );
}

export async function createGateway(
  config: GatewayConfig,
  logger: Logger = jsonLogger,
): Promise<RunningGateway> {
  setupTracing();
  const metrics = new GatewayMetrics();
  const redis = await createRedis(config.redisUrl, config.redisKeyPrefix, logger);
  const verify = createTokenVerifier(config.auth);
  const rateLimiter = new RateLimiter(redis, config.rateLimitPerMinute);
  const idempotency = new IdempotencyStore(
    redis,
    {
      ttlSeconds: config.idempotencyTtlSeconds,
      waitMs: config.idempotencyWaitMs,
      pendingMs: Math.max(60_000, 4 * config.subgraphTimeoutMs),
    },
    logger,
  );
  const analystCache = new AnalystCache(redis, config.analystCacheTtlSeconds, logger);
  const owners = rootFieldOwners(config.supergraphSdl);
  const rootFields = new Set(owners.keys());
  const singleSubgraphRoutes = config.singleSubgraphForwarding
    ? new SingleSubgraphRoutes(config.supergraphSdl)
    : undefined;
  const dataSources = new Map<SubgraphName, SubgraphDataSource>();

  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    logger,
    buildService: ({ name }) => {
      if (!isSubgraphName(name)) throw new Error(`The supergraph names an unknown subgraph "${name}"`);
      const dataSource = new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name],
        identitySecret: config.identitySecret,
        timeoutMs: config.subgraphTimeoutMs,
        logger,
      });
      dataSources.set(name, dataSource);
      return dataSource;
    },
    experimental_didResolveQueryPlan: ({ queryPlan, requestContext }) =>
      singleSubgraphRoutes?.learn({
        queryPlan,
        query: requestContext.request.query,
        operationName: requestContext.request.operationName,
        document: requestContext.document,
      }),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    nodeEnv: config.production ? 'production' : 'development',
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: config.limits.maxBatchSize > 1,
    maxRecursiveSelections: true,
    stopOnTerminationSignals: false,
    persistedQueries: {
      cache: new RedisKeyValueCache(redis, 'apq:', logger),
      ttl: config.persistedQueryTtlSeconds,
    },
    plugins: [
      limitsPlugin(config.limits),
      integrationGrantsPlugin(config.integrationGrants),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await server.start();

  async function executeWithApollo(req: Request, context: GatewayContext): Promise<StoredResponse> {
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method.toUpperCase(),
      headers: headerMapOf(req),
      search: new URL(req.originalUrl, 'http://gateway').search,
      body: req.body as unknown,
    };
    return completeResponse(
      await server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => Promise.resolve(context) }),
    );
  }

  /**
   * A request whose document one subgraph answers whole goes straight to it, once the checks Apollo's plugins
   * make per request pass; anything unusual (bad variables, a limit, a grant) is left to Apollo to explain.
   */
  function forwardable(req: Request, context: GatewayContext) {
    if (!singleSubgraphRoutes || req.method !== 'POST' || Array.isArray(req.body)) return undefined;
    const operation = operationsOf('POST', req.body, '')[0]!;
    const route = singleSubgraphRoutes.routeOf(operation);
    const dataSource = route && dataSources.get(route.subgraph);
    if (!route || !dataSource || !singleSubgraphRoutes.acceptsVariables(route, operation.variables))
      return undefined;
    if (
      ungrantedRootFields(config.integrationGrants, context.identity, route.operation, route.fragments)
        .length > 0
    )
      return undefined;
    try {
      const variables = (operation.variables ?? {}) as Record<string, unknown>;
      measureOperation(
        singleSubgraphRoutes.apiSchema,
        route.operation,
        route.fragments,
        variables,
        config.limits,
      );
    } catch {
      return undefined;
    }
    return { route, dataSource, operation: { ...operation, query: operation.query as string } };
  }

  async function execute(req: Request, context: GatewayContext): Promise<StoredResponse> {
    const forward = forwardable(req, context);
    if (!forward) return executeWithApollo(req, context);
    const result = await forward.dataSource.forward(forward.operation, context);
    metrics.forwardedOperations.inc({ subgraph: forward.route.subgraph, outcome: result.kind });
    if (result.kind === 'answered') {
      return {
        status: 200,
        headers: [['content-type', 'application/json; charset=utf-8']],
        body: result.body,
      };
    }
    return withReplayedOutcome(result.outcome, () => executeWithApollo(req, context));
  }

  async function rateLimit(client: string, weight: number): Promise<void> {
    let decision;
    try {
      decision = await rateLimiter.hit(client, weight);
    } catch (error) {
      logger.warn('rate limit skipped: redis unavailable', { err: String(error) });
      return;
    }
    if (!decision.allowed) {
      throw new GatewayError(
        'RATE_LIMITED',
        `Rate limit of ${config.rateLimitPerMinute} requests per minute exceeded; retry in ${decision.retryAfterSeconds} s`,
        { retryAfter: decision.retryAfterSeconds },
        { 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
  }

  function checkShape(operations: RawOperation[], batched: boolean): void {
    if (batched && operations.length > config.limits.maxBatchSize) {
      throw new GatewayError(
        'BATCH_TOO_LARGE',
        `A batch may hold at most ${config.limits.maxBatchSize} operations`,
        {
          limit: config.limits.maxBatchSize,
        },
      );
    }
    for (const operation of operations) {
      if (
        typeof operation.query === 'string' &&
        Buffer.byteLength(operation.query) > config.limits.maxDocumentBytes
      ) {
        throw new GatewayError(
          'DOCUMENT_TOO_LARGE',
          `A GraphQL document may be at most ${config.limits.maxDocumentBytes} bytes`,
          {
            limit: config.limits.maxDocumentBytes,
          },
        );
      }
    }
  }

  function isAnalystQuery(operation: RawOperation, identity: Identity): boolean {
    const integrationOnly = identity.roles.every((role) => role === 'integration');
    if (integrationOnly || typeof operation.query !== 'string') return false;
    const { kind, rootFields } = describeOperation(operation);
    return (
      kind === 'query' &&
      rootFields.length > 0 &&
      rootFields.every((field) => owners.get(field)?.includes(config.analystCacheSubgraph) === true)
    );
  }

  async function handleGraphQL(req: Request, res: Response): Promise<void> {
    const correlationId = correlationIdOfResponse(res);
    if (isLandingPageRequest(req)) {
      send(
        res,
        await completeResponse(
          await server.executeHTTPGraphQLRequest({
            httpGraphQLRequest: { method: 'GET', headers: headerMapOf(req), search: '', body: undefined },
            context: () => Promise.reject(new Error('no operation on the landing page')),
          }),
        ),
      );
      return;
    }
    const batched = Array.isArray(req.body);
    const operations = operationsOf(
      req.method.toUpperCase(),
      req.body,
      new URL(req.originalUrl, 'http://gateway').search,
    );
    const described = operations.map(describeOperation);
    labelOperation(res, described[0], rootFields);

    let claims: VerifiedClaims | undefined;
    let authError: GatewayError | undefined;
    try {
      claims = await verify(req.get('authorization'));
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      authError = error;
    }
    // Anonymous callers are counted by address, so guessing tokens is rate limited too.
    await rateLimit(claims ? `sub:${claims.subject}` : `ip:${req.ip ?? 'unknown'}`, operations.length);
    if (!claims) throw authError ?? new GatewayError('UNAUTHENTICATED', 'Authentication required');

    checkShape(operations, batched);
    const identity: Identity = {
      ...claims,
      businessTime: businessTimeOf(req, claims, config.simulationMode),
    };
    const context: GatewayContext = { identity, correlationId };

    const idempotencyKey = req.get(IDEMPOTENCY_HEADER);
    // A request whose document is unknown here (a persisted-query hash) may be a mutation: it is treated as one.
    const mayMutate = described.some((operation) => operation.kind !== 'query');
    if (idempotencyKey !== undefined && req.method === 'POST' && mayMutate) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw new GatewayError(
          'BAD_REQUEST',
          `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
        );
      }
      const { response, replayed } = await idempotency.run(
        identity.subject,
        idempotencyKey,
        IdempotencyStore.fingerprint(req.body),
        () => execute(req, context),
      );
      if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
      send(res, response);
      return;
    }

    const [single] = operations;
    if (!batched && single && isAnalystQuery(single, identity)) {
      const key = analystCache.key(identity, single.query as string, single.operationName, single.variables);
      const cached = await analystCache.get(key);
      if (cached) {
        res.setHeader(CACHE_STATUS_HEADER, 'hit');
        send(res, cached);
        return;
      }
      const response = await execute(req, context);
      await analystCache.put(key, response);
      res.setHeader(CACHE_STATUS_HEADER, 'miss');
      send(res, response);
      return;
    }
    send(res, await execute(req, context));
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const { ready, checks } = await readiness(config.subgraphUrls, redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  });
  // Unauthenticated like /health: serve it on an internal network only.
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', prometheusContentType);
    res.send(await metrics.registry.metrics());
  });
  app.all(
    '/graphql',
    assignCorrelationId,
    express.json({ limit: config.limits.maxRequestBytes }),
    requestContext(metrics, rootLogger),
    handleGraphQL,
  );
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof GatewayError) {
      metrics.rejections.inc({ code: error.code });
      return sendError(res, error);
    }
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      return sendError(
        res,
        new GatewayError(
          'DOCUMENT_TOO_LARGE',
          `A request body may be at most ${config.limits.maxRequestBytes} bytes`,
          {
            limit: config.limits.maxRequestBytes,
          },
        ),
      );
    }
    if (type === 'entity.parse.failed')
      return sendError(res, new GatewayError('BAD_REQUEST', 'The request body is not valid JSON'));
    logger.error('unexpected gateway failure', { err: String(error), path: req.path });
    res.status(500).json({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });

  let httpServer: Server | undefined;
  return {
    app,
    redis,
    metrics,
    listen: (port = config.port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        const listening = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          httpServer = listening;
          const address = listening.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`);
        });
      }),
    close: async () => {
      if (httpServer) {
        const closing = new Promise<void>((resolve) => httpServer?.close(() => resolve()));
        httpServer.closeAllConnections();
        await closing;
      }
      await server.stop();
      redis.disconnect();
    },
  };
}
