import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { testInfrastructure } from './infra.js';

describe('fault proxy', () => {
  let echo: Server;
  let echoPort: number;

  beforeAll(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    echoPort = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => echo.close(resolve));
  });

  async function exchange(port: number, text: string): Promise<string> {
    const { connect } = await import('node:net');
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(text));
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
  }

  it('passes bytes through both ways, in order, with the latency asked for', async () => {
    const proxy = await startFaultProxy({ targetPort: echoPort });
    try {
      expect(await exchange(proxy.port, 'hello')).toBe('hello');
      proxy.setLatency(150);
      const started = performance.now();
      const text = Array.from({ length: 200 }, (_, i) => `chunk-${i};`).join('');
      expect(await exchange(proxy.port, text)).toBe(text);
      // Once each way.
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await proxy.close();
    }
  });

  describe('in front of a real Redis', () => {
    let proxy: FaultProxy;
    let redis: Redis;

    beforeAll(async () => {
      const target = new URL((await testInfrastructure()).redisUrl);
      proxy = await startFaultProxy({ targetHost: target.hostname, targetPort: Number(target.port || 6379) });
      redis = new Redis({
        host: '127.0.0.1',
        port: proxy.port,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => 50,
      });
      await new Promise((resolve) => redis.once('ready', resolve));
    });

    afterAll(async () => {
      redis.disconnect();
      await proxy.close();
    });

    it('resets open connections, refuses new ones while down, and serves again when up', async () => {
      expect(await redis.ping()).toBe('PONG');
      proxy.down();
      expect(proxy.stats.reset).toBeGreaterThanOrEqual(1);
      await expect(redis.ping()).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(proxy.stats.refused).toBeGreaterThanOrEqual(1);
      await expect(redis.ping()).rejects.toThrow();
      proxy.up();
      await new Promise((resolve) => redis.once('ready', resolve));
      expect(await redis.ping()).toBe('PONG');
    });

    it('resets connections without refusing new ones', async () => {
      const before = proxy.stats.accepted;
      proxy.resetConnections();
      await new Promise((resolve) => redis.once('ready', resolve));
      expect(await redis.ping()).toBe('PONG');
      expect(proxy.stats.accepted).toBe(before + 1);
    });
  });
});
