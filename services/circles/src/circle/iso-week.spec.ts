import { isIsoWeek, isoWeekOf } from './iso-week.js';

describe('isoWeekOf', () => {
  it.each([
    ['2026-05-14T10:00:00+03:00', '2026-W20'],
    ['2026-01-01T12:00:00Z', '2026-W01'],
    ['2027-01-01T12:00:00Z', '2026-W53'],
    ['2024-12-30T12:00:00Z', '2025-W01'],
  ])('%s is in %s', (instant, week) => {
    expect(isoWeekOf(new Date(instant), 'Europe/Moscow')).toBe(week);
  });

  it('uses the company-local date: Sunday 22:00 UTC is already Monday in Moscow', () => {
    expect(isoWeekOf(new Date('2026-05-17T22:00:00Z'), 'UTC')).toBe('2026-W20');
    expect(isoWeekOf(new Date('2026-05-17T22:00:00Z'), 'Europe/Moscow')).toBe('2026-W21');
  });
});

describe('isIsoWeek', () => {
  it('accepts real weeks only', () => {
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2025-W53')).toBe(false);
    expect(isIsoWeek('2026-W00')).toBe(false);
    expect(isIsoWeek('2026-20')).toBe(false);
  });
});
