// Calls to the stack: through the gateway with a bearer token, or straight to a subgraph with the signed
// identity headers the gateway would have sent.
import { SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { encodeIdentity, type Role } from '@hc/service-kit';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

export interface GraphQLReply<T = Record<string, unknown>> {
  data?: T;
  errors?: GraphQLError[];
}

export interface Caller {
  subject: string;
  roles: Role[];
  departmentId: string | null;
}

/**
 * The load generator shares the two cores with the stack it measures: undici's `request` on kept-alive
 * connections costs a fraction of what `fetch` (WHATWG streams and objects per call) costs per request.
 */
const client = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GraphQLReply<T>> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    dispatcher: client,
  });
  const text = await response.body.text();
  try {
    return JSON.parse(text) as GraphQLReply<T>;
  } catch {
    return { errors: [{ message: `HTTP ${response.statusCode}: ${text.slice(0, 200)}` }] };
  }
}

/** Fails loudly: set-up steps must not silently leave the fixture half-built. */
export async function mustSucceed<T>(reply: Promise<GraphQLReply<T>>, what: string): Promise<T> {
  const { data, errors } = await reply;
  if (errors?.length || !data) throw new Error(`${what}: ${JSON.stringify(errors ?? 'no data')}`);
  return data;
}

/** Headers for a request to the gateway: a bearer token it verifies with the stack's HS256 secret. */
export async function gatewayHeaders(caller: Caller, jwtSecret: string): Promise<Record<string, string>> {
  const claims: Record<string, unknown> = { roles: caller.roles };
  if (caller.departmentId) claims.departmentId = caller.departmentId;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(caller.subject)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(jwtSecret));
  return { authorization: `Bearer ${token}` };
}

/** Headers for a request straight to a subgraph: the identity the gateway would forward, signed. */
export function subgraphHeaders(caller: Caller, identitySecret: string): Record<string, string> {
  return encodeIdentity({ ...caller, businessTime: null }, identitySecret);
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function forEachConcurrently<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}
