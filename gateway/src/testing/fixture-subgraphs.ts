// Small real federation subgraphs (Nest + subgraphModule) standing in for circles, ideas and metrics in gateway tests.
import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Args,
  Directive,
  Field,
  ID,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  ResolveReference,
  Resolver,
} from '@nestjs/graphql';
import {
  CurrentIdentity,
  decodeIdentity,
  forbidden,
  hasRole,
  raise,
  subgraphModule,
  type Identity,
} from '@hc/service-kit';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

/** What the fixtures did, so tests can prove how many times the gateway really reached them. */
export const fixtureCounters = { circlesScheduled: 0, metricsRead: 0 };

@ObjectType()
class Caller {
  @Field() subject!: string;
  @Field(() => [String]) roles!: string[];
  @Field(() => String, { nullable: true }) departmentId!: string | null;
  @Field(() => String, { nullable: true }) businessTime!: string | null;
}

@ObjectType('Circle')
@Directive('@key(fields: "id")')
class Circle {
  @Field(() => ID) id!: string;
  @Field() title!: string;
}

const CIRCLES: Circle[] = [
  { id: 'c-1', title: 'Круг гостеприимства' },
  { id: 'c-2', title: 'Круг заботы' },
];

@Resolver(() => Circle)
class CircleResolver {
  @Query(() => [Circle])
  circles(): Circle[] {
    return CIRCLES;
  }

  @Query(() => Caller, { nullable: true })
  caller(@CurrentIdentity() identity: Identity | null): Caller | null {
    return identity;
  }

  @Query(() => String)
  async slow(@Args('ms', { type: () => Int }) ms: number): Promise<string> {
    await delay(ms);
    return 'done';
  }

  @Query(() => String, {
    nullable: true,
    description: 'Fails while resolving: a 200 answer with data and an error',
  })
  unreliable(): string {
    throw new Error('the fixture fails on purpose');
  }

  @Mutation(() => Circle)
  async scheduleCircle(@Args('title') title: string): Promise<Circle> {
    fixtureCounters.circlesScheduled += 1;
    // Long enough for concurrent duplicates to overlap with this execution.
    await delay(150);
    return { id: `c-${fixtureCounters.circlesScheduled + 2}`, title };
  }

  @ResolveField(() => [Circle])
  related(
    @Parent() _circle: Circle,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
  ): Circle[] {
    return CIRCLES.slice(0, first ?? CIRCLES.length);
  }

  @ResolveReference()
  reference(ref: { id: string }): Circle | undefined {
    return CIRCLES.find((circle) => circle.id === ref.id);
  }
}

@Controller('health')
class HealthController {
  @Get('ready')
  ready(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

export type FixtureName = 'circles' | 'ideas' | 'metrics';

/** A running fixture subgraph: its GraphQL URL, its generated SDL, and a way to stop it. */
export interface FixtureSubgraph {
  name: FixtureName;
  url: string;
  sdl: string;
  close(): Promise<void>;
}

export async function startFixtureSubgraph(
  name: FixtureName,
  identitySecret: string,
): Promise<FixtureSubgraph> {
  if (name === 'ideas') return startSchemaFirstSubgraph('ideas', IDEAS_SDL, ideasResolvers, identitySecret);
  if (name === 'metrics')
    return startSchemaFirstSubgraph('metrics', METRICS_SDL, metricsResolvers, identitySecret);
  @Module({
    imports: [subgraphModule({ schemaFile: false, identitySecret })],
    controllers: [HealthController],
    providers: [CircleResolver],
  })
  class FixtureModule {}

  const app: INestApplication = await NestFactory.create(FixtureModule, {
    logger: ['error'],
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/graphql`;
  return { name, url, sdl: await serviceSdl(url), close: () => app.close() };
}

async function serviceSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}

/**
 * Only the circles fixture is a Nest app: Nest keeps code-first type metadata in process-wide storage, so a
 * second Nest subgraph in the same process would see (and serve) the circles types too. The ideas and metrics
 * fixtures are schema-first federation subgraphs (@apollo/subgraph) reading the same signed identity headers.
 */
const IDEAS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Idea { id: ID! text: String! }
  type Circle @key(fields: "id") { id: ID! ideas: [Idea!] }
  type Query { ideas: [Idea!] }
`;

const ideasResolvers = {
  Query: { ideas: () => [{ id: 'i-1', text: 'Встречать гостей по имени' }] },
  Circle: {
    __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
    ideas: (circle: { id: string }) => [{ id: `${circle.id}-i`, text: `Идея круга ${circle.id}` }],
  },
};

const METRICS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type MetricsSummary { circlesHeld: Int! reads: Int! }
  type Query { metricsSummary: MetricsSummary }
`;

const metricsResolvers = {
  Query: {
    metricsSummary: (_parent: unknown, _args: unknown, { identity }: { identity: Identity | null }) => {
      if (!hasRole(identity, 'analyst')) raise(forbidden('only analysts read metrics'));
      fixtureCounters.metricsRead += 1;
      return { circlesHeld: 7, reads: fixtureCounters.metricsRead };
    },
  },
};

async function startSchemaFirstSubgraph(
  name: FixtureName,
  sdl: string,
  resolvers: GraphQLResolverMap<{ identity: Identity | null }>,
  identitySecret: string,
): Promise<FixtureSubgraph> {
  const typeDefs = parse(sdl);
  const server = new ApolloServer<{ identity: Identity | null }>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await server.start();
  const app = express();
  app.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json(),
    expressMiddleware(server, {
      context: ({ req }) => Promise.resolve({ identity: decodeIdentity(req.headers, identitySecret) }),
    }),
  );
  const httpServer = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    name,
    url,
    sdl: await serviceSdl(url),
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
      await server.stop();
    },
  };
}

/** The three fixtures, started one after another (Nest loads its optional packages lazily, which races). */
export async function startFixtureSubgraphs(
  identitySecret: string,
): Promise<Record<FixtureName, FixtureSubgraph>> {
  const circles = await startFixtureSubgraph('circles', identitySecret);
  const ideas = await startFixtureSubgraph('ideas', identitySecret);
  const metrics = await startFixtureSubgraph('metrics', identitySecret);
  return { circles, ideas, metrics };
}
