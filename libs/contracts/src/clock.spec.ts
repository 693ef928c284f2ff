import { describe, expect, it } from '@jest/globals';
import { FixedClock, systemClock } from './clock.js';

describe('FixedClock', () => {
  it('stays put until set or advanced', () => {
    const clock = new FixedClock('2026-05-14T07:22:00Z');
    expect(clock.now().toISOString()).toBe('2026-05-14T07:22:00.000Z');
    clock.advance({ days: 1, hours: 2, minutes: 3, seconds: 4, ms: 5 });
    expect(clock.now().toISOString()).toBe('2026-05-15T09:25:04.005Z');
    clock.set(new Date('2027-01-01T00:00:00+03:00'));
    expect(clock.now().toISOString()).toBe('2026-12-31T21:00:00.000Z');
  });

  it('hands out copies, so callers cannot move it', () => {
    const clock = new FixedClock();
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2026);
  });

  it('refuses an invalid time', () => {
    expect(() => new FixedClock('yesterday')).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('reads the current time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
