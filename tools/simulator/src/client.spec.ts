// The client's reading of a mutation that was stored but not yet readable back, against a stand-in gateway.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GatewayClient, GraphQLCallError, type Caller } from './client.js';

const RECORDED = {
  errors: [
    {
      message: 'The change is recorded, but s-1 cannot be read back yet',
      path: ['registerSituation'],
      extensions: { code: 'ACCEPTED_NOT_YET_VISIBLE', ids: ['s-1'] },
    },
  ],
  data: null,
};

describe('the simulator’s gateway client', () => {
  const caller: Caller = { subject: 'emp-1', roles: ['participant'] };
  let server: Server;
  let client: GatewayClient;
  let received = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(RECORDED));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new GatewayClient(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
      'secret',
    );
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const REGISTER = 'mutation { registerSituation(input: {}) { id } }';

  it('answers with the recorded ids when the caller says how, without sending the mutation again', async () => {
    const before = received;
    const answer = await client.call<{ registerSituation: { id: string } }>(caller, REGISTER, {}, undefined, {
      whenRecorded: ([id]) => ({ registerSituation: { id: id! } }),
    });
    expect(answer).toEqual({ registerSituation: { id: 's-1' } });
    expect(received - before).toBe(1);
  });

  it('counts it as done for a mutation whose answer is not used', async () => {
    const before = received;
    await expect(client.perform(caller, REGISTER)).resolves.toBeUndefined();
    expect(received - before).toBe(1);
  });

  it('reports it as an error otherwise, naming the code', async () => {
    const failure = await client.call(caller, REGISTER).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphQLCallError);
    expect((failure as GraphQLCallError).code).toBe('ACCEPTED_NOT_YET_VISIBLE');
  });
});
