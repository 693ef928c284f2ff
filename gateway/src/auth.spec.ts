import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, signDevelopmentToken } from './auth.js';
import { gatewaySettings } from './config.js';
import { GatewayError } from './errors.js';

const SECRET = 'unit-test-secret';
const verify = createTokenVerifier({ kind: 'hs256', secret: SECRET });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
}

describe('token verification', () => {
  it('accepts a development token and returns its claims', async () => {
    const token = await signDevelopmentToken(
      { subject: 'emp-1', roles: ['analyst', 'coordinator'], departmentId: 'd-1' },
      SECRET,
    );
    await expect(verify(`Bearer ${token}`)).resolves.toEqual({
      subject: 'emp-1',
      roles: ['analyst', 'coordinator'],
      departmentId: 'd-1',
    });
  });

  it('remembers a verified token until it expires, and answers each caller with its own claims', async () => {
    let clock = Date.now();
    const remembering = createTokenVerifier({ kind: 'hs256', secret: SECRET }, () => clock);
    const token = await signDevelopmentToken({ subject: 'emp-2', roles: ['participant'] }, SECRET, '2m');
    const first = await remembering(`Bearer ${token}`);
    first.roles.push('admin');
    clock += 60_000;
    await expect(remembering(`Bearer ${token}`)).resolves.toEqual({
      subject: 'emp-2',
      roles: ['participant'],
      departmentId: null,
    });
    clock += 61_000;
    await expect(remembering(`Bearer ${token}`)).rejects.toThrow('The token has expired');
  });

  it('refuses a missing header, a wrong secret, a token without exp and unknown roles', async () => {
    const sign = (claims: Record<string, unknown>, secret = SECRET) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('emp-1')
        .sign(new TextEncoder().encode(secret));
    expect(await codeOf(verify(undefined))).toBe('UNAUTHENTICATED');
    expect(await codeOf(verify('Basic abc'))).toBe('UNAUTHENTICATED');
    const other = await signDevelopmentToken({ subject: 'emp-1', roles: ['admin'] }, 'other');
    expect(await codeOf(verify(`Bearer ${other}`))).toBe('UNAUTHENTICATED');
    expect(await codeOf(verify(`Bearer ${await sign({ roles: ['admin'] })}`))).toBe('UNAUTHENTICATED');
    const unknownRole = await signDevelopmentToken({ subject: 'emp-1', roles: ['root' as 'admin'] }, SECRET);
    expect(await codeOf(verify(`Bearer ${unknownRole}`))).toBe('UNAUTHENTICATED');
  });

  it('refuses an HS256 token when verifying RS256 from a JWKS, and accepts an RS256 one', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const jwks = createTokenVerifier({ kind: 'jwks', jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
      const rs256 = await new SignJWT({ roles: ['analyst'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('emp-9')
        .setExpirationTime('5m')
        .sign(privateKey);
      await expect(jwks(`Bearer ${rs256}`)).resolves.toEqual({
        subject: 'emp-9',
        roles: ['analyst'],
        departmentId: null,
      });
      const hs256 = await signDevelopmentToken({ subject: 'emp-9', roles: ['admin'] }, SECRET);
      expect(await codeOf(jwks(`Bearer ${hs256}`))).toBe('UNAUTHENTICATED');
    } finally {
      server.close();
    }
  });
});

describe('gateway settings', () => {
  it('uses the documented development defaults', () => {
    const settings = gatewaySettings({});
    expect(settings).toMatchObject({
      port: 4000,
      production: false,
      auth: { kind: 'hs256' },
      subgraphUrls: { circles: 'http://127.0.0.1:4001/graphql', metrics: 'http://127.0.0.1:4003/graphql' },
      limits: { maxDepth: 12, maxCost: 5000, maxDocumentBytes: 51200, maxBatchSize: 10 },
      rateLimitPerMinute: 600,
      redisKeyPrefix: 'hc:gw:',
      integrationGrants: {},
    });
  });

  it('refuses development secrets and simulation in production', () => {
    const production = {
      NODE_ENV: 'production',
      JWKS_URL: 'https://idp/jwks.json',
      INTERNAL_IDENTITY_SECRET: 's',
    };
    expect(gatewaySettings(production).auth).toEqual({ kind: 'jwks', jwksUrl: 'https://idp/jwks.json' });
    expect(() => gatewaySettings({ ...production, JWT_SECRET: 'x' })).toThrow(/JWT_SECRET/);
    expect(() => gatewaySettings({ ...production, JWKS_URL: '' })).toThrow(/JWKS_URL/);
    expect(() => gatewaySettings({ ...production, INTERNAL_IDENTITY_SECRET: '' })).toThrow(
      /INTERNAL_IDENTITY_SECRET/,
    );
    expect(() => gatewaySettings({ ...production, SIMULATION_MODE: 'true' })).toThrow(/SIMULATION_MODE/);
  });

  it('reads integration grants and refuses malformed ones', () => {
    expect(gatewaySettings({ INTEGRATION_GRANTS: '{"crm":["Query.circles"]}' }).integrationGrants).toEqual({
      crm: ['Query.circles'],
    });
    expect(() => gatewaySettings({ INTEGRATION_GRANTS: '{"crm":"Query.circles"}' })).toThrow(
      /INTEGRATION_GRANTS/,
    );
    expect(() => gatewaySettings({ INTEGRATION_GRANTS: 'nope' })).toThrow(/INTEGRATION_GRANTS/);
  });
});
