import { AppendSignal, IdlePacing } from './polling.js';

const at = (transactionId: bigint, globalPosition: bigint) => ({ transactionId, globalPosition });

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

describe('idle pacing of the event-store readers', () => {
  it('doubles the wait after each empty poll up to the ceiling, and a poll that finds events resets it', async () => {
    const pacing = new IdlePacing({ idleDelayMs: 2, maxIdleDelayMs: 10 });
    const waits: number[] = [];
    for (let n = 0; n < 5; n++) {
      waits.push(pacing.nextDelayMs);
      await pacing.idle(at(1n, 1n));
    }
    expect(waits).toEqual([2, 4, 8, 10, 10]);
    pacing.found();
    expect(pacing.nextDelayMs).toBe(2);
  });

  it('ends a long wait as soon as this process appends', async () => {
    const signal = new AppendSignal();
    const pacing = new IdlePacing({ idleDelayMs: 20, maxIdleDelayMs: 60_000, signal });
    // Grown by empty polls: 20, 40, 80, 160 and 320 ms; the next wait would be 640 ms.
    for (let n = 0; n < 5; n++) await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(640);
    setTimeout(() => signal.notify(at(2n, 2n)), 30);
    const waited = await timed(() => pacing.idle(at(1n, 1n)));
    expect(waited).toBeLessThan(300);
    expect(waited).toBeGreaterThanOrEqual(25);
  });

  it('keeps the short wait until the announced events are read, then grows again', async () => {
    const signal = new AppendSignal();
    const pacing = new IdlePacing({ idleDelayMs: 2, maxIdleDelayMs: 1_000, signal });
    for (let n = 0; n < 4; n++) await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(32);
    signal.notify(at(5n, 9n));
    // Still behind the announced checkpoint (the commit horizon hides it): short waits, no growth.
    for (let n = 0; n < 3; n++) {
      expect(await timed(() => pacing.idle(at(1n, 1n)))).toBeLessThan(30);
      expect(pacing.nextDelayMs).toBe(2);
    }
    await pacing.idle(at(5n, 9n));
    expect(pacing.nextDelayMs).toBe(4);
  });

  it('stops awaiting an announced append after a while (its transaction may have rolled back)', async () => {
    const signal = new AppendSignal();
    const pacing = new IdlePacing({ idleDelayMs: 2, maxIdleDelayMs: 1_000, announcedForMs: 20, signal });
    signal.notify(at(5n, 9n));
    await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await pacing.idle(at(1n, 1n));
    await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(8);
  });

  it('never ends a wait sooner than the short delay, so a busy process polls no more often than before', async () => {
    const signal = new AppendSignal();
    const pacing = new IdlePacing({ idleDelayMs: 50, maxIdleDelayMs: 1_000, signal });
    setTimeout(() => signal.notify(at(2n, 2n)), 5);
    expect(await timed(() => pacing.idle(at(1n, 1n)))).toBeGreaterThanOrEqual(45);
  });

  it('takes a wake-up that came during a poll into the next wait, and stops listening once closed', async () => {
    const signal = new AppendSignal();
    const pacing = new IdlePacing({ idleDelayMs: 2, maxIdleDelayMs: 1_000, signal });
    for (let n = 0; n < 3; n++) await pacing.idle(at(1n, 1n));
    pacing.wake();
    await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(2);
    pacing.close();
    for (let n = 0; n < 2; n++) await pacing.idle(at(1n, 1n));
    signal.notify(at(9n, 9n));
    await pacing.idle(at(1n, 1n));
    expect(pacing.nextDelayMs).toBe(16);
  });

  it('ends the wait at once when interrupted', async () => {
    const pacing = new IdlePacing({ idleDelayMs: 5_000, maxIdleDelayMs: 5_000 });
    setTimeout(() => pacing.interrupt(), 5);
    expect(await timed(() => pacing.idle(at(1n, 1n)))).toBeLessThan(1_000);
  });
});
