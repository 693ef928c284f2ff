// An in-process circles service for integration tests: private database, unique topics, real Kafka.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { silentLogger } from '@hc/messaging';
import {
  encodeIdentity,
  loadServiceConfig,
  type Identity,
  type Role,
  type ServiceRuntime,
} from '@hc/service-kit';
import {
  createTestDatabase,
  testInfrastructure,
  testKafka,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { loadCirclesSettings, type CirclesConfig } from '../circles.config.js';
import { circlesAppModule } from '../circles.module.js';
import { createCirclesRuntime } from '../circles.runtime.js';

export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string; ids?: string[] } }[];
}

export interface CirclesTestApp {
  config: CirclesConfig;
  runtime: ServiceRuntime;
  kafka: Kafka;
  db: TestDatabase;
  gql<T = Record<string, unknown>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** The data of a call that must succeed. */
  ok<T = Record<string, unknown>>(
    identity: Identity,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T>;
  stop(): Promise<void>;
}

export function person(subject: string, ...roles: Role[]): Identity {
  return {
    subject,
    roles: roles.length > 0 ? roles : ['participant'],
    departmentId: null,
    businessTime: null,
  };
}

export async function startCirclesApp(
  label: string,
  options: { schemaFile?: string | false; env?: NodeJS.ProcessEnv } = {},
): Promise<CirclesTestApp> {
  const db = await createTestDatabase(label);
  const { kafkaBrokers } = await testInfrastructure();
  const kafka = await testKafka();
  const config: CirclesConfig = {
    ...loadServiceConfig('circles', 0),
    databaseUrl: db.url,
    port: 0,
    kafkaBrokers,
    topicPartitions: 3,
    circles: {
      ...loadCirclesSettings(options.env ?? {}),
      circlesTopic: uniqueTopic('circles.events.v1'),
      crmTopic: uniqueTopic('crm.events.v1'),
      complaintsGroupId: uniqueTopic('circles.complaints'),
    },
  };
  const runtime = createCirclesRuntime(config, silentLogger);
  await runtime.start();
  let app: INestApplication;
  try {
    app = await NestFactory.create(
      circlesAppModule(runtime, config.circles, { schemaFile: options.schemaFile ?? false }),
      // Expected GraphQL errors are asserted by the tests; Nest would log each of them.
      { logger: false, abortOnError: false },
    );
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await runtime.stop();
    await db.drop();
    throw error;
  }
  const url = `${await app.getUrl()}/graphql`;
  const gql = async <T>(
    identity: Identity | null,
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(identity ? encodeIdentity(identity, config.identitySecret) : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  return {
    config,
    runtime,
    kafka,
    db,
    gql,
    ok: async <T>(identity: Identity, query: string, variables: Record<string, unknown> = {}) => {
      const result = await gql<T>(identity, query, variables);
      if (result.errors || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
      return result.data;
    },
    stop: async () => {
      await app.close();
      await runtime.stop();
      await db.drop();
    },
  };
}

/** Departments and employees through the HR import, as a coordinator. */
export async function importDirectory(
  app: CirclesTestApp,
  departments: { id: string; name: string }[],
  employees: { id: string; fullName: string; departmentId: string; leaderEligible?: boolean }[],
): Promise<void> {
  const coordinator = person('coord-1', 'coordinator');
  await app.ok(
    coordinator,
    'mutation($input: [DepartmentInput!]!) { upsertDepartments(input: $input) { id } }',
    {
      input: departments,
    },
  );
  await app.ok(coordinator, 'mutation($input: [EmployeeInput!]!) { upsertEmployees(input: $input) { id } }', {
    input: employees.map((employee) => ({ leaderEligible: false, ...employee })),
  });
}
