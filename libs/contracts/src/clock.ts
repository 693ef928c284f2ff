// Time is read through a Clock so that domain code stays deterministic under test and simulation.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that only moves when told to. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = FixedClock.toMillis(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): this {
    this.current = FixedClock.toMillis(to);
    return this;
  }

  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number }): this {
    const { days = 0, hours = 0, minutes = 0, seconds = 0, ms = 0 } = by;
    this.current += (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + ms;
    return this;
  }

  private static toMillis(value: Date | string): number {
    const millis = new Date(value).getTime();
    if (Number.isNaN(millis)) throw new RangeError(`FixedClock: not a valid time: ${String(value)}`);
    return millis;
  }
}
