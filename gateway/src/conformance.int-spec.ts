import { serverAudits } from 'graphql-http';
import { startStack, token, type Stack } from './testing/harness.js';

describe('GraphQL over HTTP conformance (graphql-http server audits)', () => {
  let stack: Stack;
  let url: string;
  let authorization: string;

  beforeAll(async () => {
    stack = await startStack();
    ({ url } = await stack.gateway());
    authorization = `Bearer ${await token(['participant'], 'audit-1')}`;
  });

  afterAll(async () => {
    await stack.close();
  });

  // The gateway requires a token: the audits run as an authenticated client.
  const authenticatedFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', authorization);
    return fetch(input, { ...init, headers });
  };

  it('passes every MUST audit', async () => {
    const audits = serverAudits({ url: () => url, fetchFn: authenticatedFetch });
    const results = await Promise.all(audits.map((audit) => audit.fn()));
    const mustFailures = results
      .filter((result) => result.name.startsWith('MUST') && result.status !== 'ok')
      .map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(mustFailures).toEqual([]);
    expect(results.filter((result) => result.name.startsWith('MUST')).length).toBeGreaterThan(10);
  });
});
