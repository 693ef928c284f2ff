import { describe, expect, it } from '@jest/globals';
import { assertTimeZone, localDateOf, periodsBetween, periodStartOf } from './calendar.js';

describe('localDateOf', () => {
  it('takes the company-local date, not the UTC one', () => {
    expect(localDateOf('2026-05-14T22:30:00Z', 'Europe/Moscow')).toBe('2026-05-15');
    expect(localDateOf('2026-05-14T20:59:59Z', 'Europe/Moscow')).toBe('2026-05-14');
    expect(localDateOf('2026-05-15T01:00:00+05:00', 'Europe/Moscow')).toBe('2026-05-14');
    expect(localDateOf('2026-05-14T22:30:00Z', 'UTC')).toBe('2026-05-14');
  });

  it('changes date exactly at local midnight, also in zones offset by half and quarter hours', () => {
    // Read in both orders, so a date remembered for one instant is never handed to the other.
    for (const order of [0, 1]) {
      const instants: [string, string, string][] = [
        ['2026-05-14T18:14:59.999Z', 'Asia/Kathmandu', '2026-05-14'],
        ['2026-05-14T18:15:00Z', 'Asia/Kathmandu', '2026-05-15'],
        ['2026-05-14T18:29:59Z', 'Asia/Kolkata', '2026-05-14'],
        ['2026-05-14T18:30:00Z', 'Asia/Kolkata', '2026-05-15'],
        ['2026-03-29T00:59:59Z', 'Europe/Berlin', '2026-03-29'],
        ['2026-03-28T22:59:59Z', 'Europe/Berlin', '2026-03-28'],
        ['2026-03-28T23:00:00Z', 'Europe/Berlin', '2026-03-29'],
      ];
      if (order === 1) instants.reverse();
      for (const [instant, zone, date] of instants) expect(localDateOf(instant, zone)).toBe(date);
    }
  });

  it('writes years before 1000 with four digits, as PostgreSQL reads dates', () => {
    expect(localDateOf('0001-06-01T12:00:00Z', 'UTC')).toBe('0001-06-01');
    expect(localDateOf('0999-06-01T12:00:00+03:00', 'Europe/Moscow')).toBe('0999-06-01');
  });

  it('refuses an unknown zone and a non-instant', () => {
    expect(() => assertTimeZone('Europe/Atlantis')).toThrow();
    expect(() => localDateOf('yesterday', 'Europe/Moscow')).toThrow(RangeError);
  });
});

describe('periods', () => {
  it('starts weeks on Monday and months on the 1st', () => {
    expect(periodStartOf('2026-05-14', 'WEEK')).toBe('2026-05-11');
    expect(periodStartOf('2026-05-11', 'WEEK')).toBe('2026-05-11');
    expect(periodStartOf('2026-05-17', 'WEEK')).toBe('2026-05-11');
    expect(periodStartOf('2026-05-14', 'MONTH')).toBe('2026-05-01');
    expect(periodStartOf('2026-05-14', 'DAY')).toBe('2026-05-14');
  });

  it('clips the first and last period to the range', () => {
    expect(periodsBetween('2026-05-14', '2026-05-20', 'WEEK')).toEqual([
      { periodStart: '2026-05-11', from: '2026-05-14', to: '2026-05-17' },
      { periodStart: '2026-05-18', from: '2026-05-18', to: '2026-05-20' },
    ]);
    expect(periodsBetween('2026-01-31', '2026-03-01', 'MONTH')).toEqual([
      { periodStart: '2026-01-01', from: '2026-01-31', to: '2026-01-31' },
      { periodStart: '2026-02-01', from: '2026-02-01', to: '2026-02-28' },
      { periodStart: '2026-03-01', from: '2026-03-01', to: '2026-03-01' },
    ]);
    expect(periodsBetween('2026-12-31', '2027-01-01', 'DAY').map((period) => period.periodStart)).toEqual([
      '2026-12-31',
      '2027-01-01',
    ]);
  });
});
