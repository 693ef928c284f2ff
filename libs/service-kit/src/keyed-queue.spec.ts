import { describe, expect, it } from '@jest/globals';
import { KeyedQueue } from './keyed-queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs the work of one key one at a time, in arrival order, whatever the previous outcome', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    const step = (name: string, fail = false) =>
      queue.run('circle-1', async () => {
        running += 1;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running -= 1;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.activeKeys).toBe(0);
  });

  it('runs the work of different keys at once', async () => {
    const queue = new KeyedQueue();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocked = queue.run('circle-1', () => gate);
    let other = false;
    await queue.run('circle-2', () => {
      other = true;
      return Promise.resolve();
    });
    expect(other).toBe(true);
    await tick();
    expect(queue.activeKeys).toBe(1);
    release();
    await blocked;
    await tick();
    expect(queue.activeKeys).toBe(0);
  });
});
