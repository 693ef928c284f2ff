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

export class SubgraphResponse implements FetcherResponse {
  readonly redirected = false;
  readonly statusText = '';
  bodyUsed = false;
  private fetchHeaders: Headers | undefined;

  constructor(
    readonly url: string,
    readonly status: number,
    private readonly rawHeaders: Dispatcher.ResponseData['headers'],
    private readonly body: string,
  ) {}

  /** Built when first read: a forwarded answer returned as it is needs only its content type. */
  get headers(): Headers {
    if (!this.fetchHeaders) {
      this.fetchHeaders = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (Array.isArray(value)) for (const item of value) this.fetchHeaders.append(name, item);
        else if (value !== undefined) this.fetchHeaders.set(name, value);
      }
    }
    return this.fetchHeaders;
  }

  /** The content type without building the headers. */
  get contentType(): string {
    const value = this.rawHeaders['content-type'];
    return (Array.isArray(value) ? value[0] : value) ?? '';
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
    return new SubgraphResponse(this.url, this.status, this.rawHeaders, this.body);
  }
}

/** A fetcher for Apollo's RemoteGraphQLDataSource: the whole answer within `timeoutMs`, or SubgraphTimeoutError. */
export function subgraphFetcher(
  timeoutMs: number,
  dispatcher: Dispatcher = sharedAgent(),
): (url: string, init?: FetcherRequestInit) => Promise<SubgraphResponse> {
  return async (url: string, init: FetcherRequestInit = {}): Promise<SubgraphResponse> => {
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
