// The gateway's HTTP client for subgraph calls: undici's `request` on a kept-alive connection pool.
// The global `fetch` builds WHATWG streams, requests and responses for every call, a noticeable share of
// the gateway's CPU per mutation; Apollo only needs the small fetch-like surface below.
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, request, type Dispatcher } from 'undici';

type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
export type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** Raised when a subgraph sends no complete answer in time: the gateway reports SUBGRAPH_TIMEOUT. */
export class SubgraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

class SubgraphResponse implements FetcherResponse {
  readonly redirected = false;
  readonly statusText = '';
  readonly headers: Headers;
  bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    headers: Dispatcher.ResponseData['headers'],
    private readonly body: string,
  ) {
    this.headers = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value)) for (const item of value) this.headers.append(name, item);
      else if (value !== undefined) this.headers.set(name, value);
    }
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  text(): Promise<string> {
    this.bodyUsed = true;
    return Promise.resolve(this.body);
  }

  json(): Promise<unknown> {
    this.bodyUsed = true;
    return Promise.resolve(JSON.parse(this.body) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const bytes = new TextEncoder().encode(this.body);
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  clone(): FetcherResponse {
    const copy = new SubgraphResponse(this.url, this.status, {}, this.body);
    this.headers.forEach((value, name) => copy.headers.append(name, value));
    return copy;
  }
}

/** A fetcher for Apollo's RemoteGraphQLDataSource: the whole answer within `timeoutMs`, or SubgraphTimeoutError. */
export function subgraphFetcher(timeoutMs: number, dispatcher: Dispatcher = sharedAgent()): Fetcher {
  return async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    // A precise deadline for the whole answer (undici's own headers/body timeouts tick about once a second).
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const response = await request(url, {
        method: init.method ?? 'GET',
        headers: init.headers,
        body: init.body,
        dispatcher,
        signal: deadline,
      });
      return new SubgraphResponse(url, response.statusCode, response.headers, await response.body.text());
    } catch (error) {
      if (deadline.aborted)
        throw new SubgraphTimeoutError(`no answer from ${url} within ${timeoutMs} ms`, { cause: error });
      throw error;
    }
  };
}

let agent: Agent | undefined;

function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  return agent;
}
