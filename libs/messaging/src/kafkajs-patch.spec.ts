// kafkajs 2.2.4 re-armed a 1 ms timer on every broker connection whenever nothing was queued, for the life
// of the process (tulios/kafkajs#1704, #1751); `patches/kafkajs+2.2.4.patch`, applied on install, stops it.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from '@jest/globals';

interface RequestQueue {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

const requireCommonJs = createRequire(import.meta.url);
const RequestQueue = requireCommonJs('kafkajs/src/network/requestQueue/index.js') as new (
  options: object,
) => RequestQueue;

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe("kafkajs' request queue, as patched", () => {
  let queue: RequestQueue;

  function idleQueue(): RequestQueue {
    queue = new RequestQueue({
      maxInFlightRequests: null,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'patch-check',
      broker: '127.0.0.1:9092',
      logger: silent,
    });
    return queue;
  }

  afterEach(() => {
    if (queue.throttleCheckTimeoutId) clearTimeout(queue.throttleCheckTimeoutId);
  });

  it('schedules no further check when nothing is queued and nothing throttles it', () => {
    const idle = idleQueue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again when a broker throttle ends', () => {
    const throttled = idleQueue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.checkPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
  });
});
