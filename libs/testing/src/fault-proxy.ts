// A TCP proxy for fault tests: it stands between a client and a real server (Kafka, PostgreSQL, Redis)
// and, on demand, delays traffic, resets every open connection, or refuses new ones as a dead server would.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxyOptions {
  targetHost?: string;
  targetPort: number;
  /** Port to listen on; a free one when omitted. */
  listenPort?: number;
}

export interface FaultProxyStats {
  accepted: number;
  refused: number;
  reset: number;
}

export interface FaultProxy {
  readonly port: number;
  readonly stats: FaultProxyStats;
  /** Connections currently proxied. */
  readonly open: number;
  /** Delays every chunk, both ways, by this many milliseconds (0 = none); order is kept. */
  setLatency(ms: number): void;
  /** Resets every open connection (both sides see ECONNRESET); new ones are still accepted. */
  resetConnections(): void;
  /** Down: open connections are reset and new ones are reset at once, as by a host that is gone. */
  down(): void;
  /** Accepts and proxies connections again. */
  up(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  const stats: FaultProxyStats = { accepted: 0, refused: 0, reset: 0 };
  let latencyMs = 0;
  let isDown = false;

  // Chunks (and the end of the stream) leave in the order they came even when the latency changes.
  function forward(from: Socket, to: Socket): void {
    let releaseAt = 0;
    const later = (send: () => void) => {
      if (latencyMs === 0 && releaseAt <= performance.now()) return send();
      releaseAt = Math.max(releaseAt, performance.now() + latencyMs);
      setTimeout(() => to.destroyed || send(), Math.max(0, releaseAt - performance.now()));
    };
    from.on('data', (chunk: Buffer) => later(() => to.write(chunk)));
    from.on('end', () => later(() => to.end()));
  }

  function resetPair(pair: Pair): void {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.server.resetAndDestroy();
    stats.reset += 1;
  }

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (isDown) {
      stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    stats.accepted += 1;
    client.pause();
    const upstream = connect({ host: targetHost, port: options.targetPort, allowHalfOpen: true });
    const pair: Pair = { client, server: upstream };
    pairs.add(pair);
    forward(client, upstream);
    forward(upstream, client);
    upstream.once('connect', () => client.resume());
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    // Closed once both directions ended (or either failed): a half-closed request still gets its answer.
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', () => {
        if (client.destroyed && upstream.destroyed) end();
        else if (socket.destroyed && !socket.readableEnded) end();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    stats,
    get open() {
      return pairs.size;
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    resetConnections() {
      for (const pair of [...pairs]) resetPair(pair);
    },
    down() {
      isDown = true;
      for (const pair of [...pairs]) resetPair(pair);
    },
    up() {
      isDown = false;
    },
    close() {
      for (const pair of [...pairs]) resetPair(pair);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
