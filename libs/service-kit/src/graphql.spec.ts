import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Args, Directive, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentIdentity, subgraphModule } from './graphql.js';
import { encodeIdentity, type Identity } from './identity.js';
import { raise, badInput } from './errors.js';

const SECRET = 'test-secret';

@ObjectType()
@Directive('@key(fields: "id")')
class Greeting {
  @Field(() => ID) id!: string;
  @Field() text!: string;
  @Field(() => String, { nullable: true }) caller!: string | null;
}

@Resolver(() => Greeting)
class GreetingResolver {
  @Query(() => Greeting)
  greeting(@Args('name') name: string, @CurrentIdentity() identity: Identity | null): Greeting {
    if (name.trim() === '') raise(badInput('name', 'must not be empty'));
    return { id: '1', text: `Здравствуйте, ${name}!`, caller: identity?.subject ?? null };
  }
}

@Module({
  imports: [subgraphModule({ schemaFile: false, identitySecret: SECRET })],
  providers: [GreetingResolver],
})
class TestModule {}

describe('subgraph module', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    app = await NestFactory.create(TestModule, { logger: ['error'], abortOnError: false });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
  });

  afterAll(async () => {
    await app.close();
  });

  async function query(body: object, headers: Record<string, string> = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return (await response.json()) as {
      data?: { greeting?: Greeting };
      errors?: { extensions?: Record<string, unknown> }[];
    };
  }

  const identity: Identity = {
    subject: 'emp-1',
    roles: ['participant'],
    departmentId: 'd-1',
    businessTime: null,
  };

  it('resolves with the verified caller and Russian text', async () => {
    const result = await query(
      { query: '{ greeting(name: "Анна") { text caller } }' },
      encodeIdentity(identity, SECRET),
    );
    expect(result.data?.greeting).toEqual({ text: 'Здравствуйте, Анна!', caller: 'emp-1' });
  });

  it('ignores an identity signed with another secret', async () => {
    const result = await query(
      { query: '{ greeting(name: "Анна") { caller } }' },
      encodeIdentity({ ...identity, roles: ['admin'] }, 'forged'),
    );
    expect(result.data?.greeting?.caller).toBeNull();
  });

  it('returns expected failures with their code and field', async () => {
    const result = await query({ query: '{ greeting(name: " ") { text } }' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('exposes the federation service SDL', async () => {
    const result = (await query({ query: '{ _service { sdl } }' })) as unknown as {
      data: { _service: { sdl: string } };
    };
    expect(result.data._service.sdl).toContain('@key(fields: "id")');
  });
});
