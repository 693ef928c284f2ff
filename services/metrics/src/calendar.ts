// Company-local calendar: the local date of an instant, and the day/week/month periods figures are grouped by.
import { isCalendarDate } from '@hc/contracts';

export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Throws when `timeZone` is not an IANA zone this runtime knows, so a typo fails at start-up. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-CA', { timeZone });
}

interface ZoneCalendar {
  formatter: Intl.DateTimeFormat;
  /** Local dates by quarter hour since the epoch: every zone's offset is a whole number of quarter hours. */
  dates: Map<number, string>;
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** About a year of quarter hours per zone; beyond that the cache starts over. */
const MAX_CACHED_QUARTERS = 40_000;

const calendars = new Map<string, ZoneCalendar>();

/** The `YYYY-MM-DD` date, in `timeZone`, of an ISO-8601 instant. */
export function localDateOf(instant: string | Date, timeZone: string): string {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    const formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    calendar = { formatter, dates: new Map() };
    calendars.set(timeZone, calendar);
  }
  const time = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (Number.isNaN(time)) throw new RangeError(`not an instant: ${String(instant)}`);
  // Formatting is the costly part, and the date is the same all through a quarter hour.
  const quarter = Math.floor(time / QUARTER_HOUR_MS);
  let date = calendar.dates.get(quarter);
  if (date === undefined) {
    if (calendar.dates.size >= MAX_CACHED_QUARTERS) calendar.dates.clear();
    // en-CA writes years before 1000 with fewer digits, which PostgreSQL reads as another year ('1-01-01' as 2001).
    date = calendar.formatter.format(time).padStart(10, '0');
    calendar.dates.set(quarter, date);
  }
  return date;
}

// Calendar arithmetic on dates without a time of day: done in UTC so no zone shifts a day.
function toUtc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const next = toUtc(date);
  next.setUTCDate(next.getUTCDate() + days);
  return fromUtc(next);
}

/** The first day of the period (ISO week: Monday) that contains `date`. */
export function periodStartOf(date: string, granularity: Granularity): string {
  switch (granularity) {
    case 'DAY':
      return date;
    case 'WEEK': {
      const weekday = (toUtc(date).getUTCDay() + 6) % 7;
      return addDays(date, -weekday);
    }
    case 'MONTH':
      return `${date.slice(0, 7)}-01`;
  }
}

function nextPeriodStart(start: string, granularity: Granularity): string {
  switch (granularity) {
    case 'DAY':
      return addDays(start, 1);
    case 'WEEK':
      return addDays(start, 7);
    case 'MONTH': {
      const next = toUtc(start);
      next.setUTCMonth(next.getUTCMonth() + 1);
      return fromUtc(next);
    }
  }
}

export interface Period {
  /** The calendar start of the period (may precede `from`). */
  periodStart: string;
  /** The days of the period inside the asked range, inclusive. */
  from: string;
  to: string;
}

/** The periods covering `from`..`to` (inclusive), each clipped to the range. */
export function periodsBetween(from: string, to: string, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  for (
    let start = periodStartOf(from, granularity);
    start <= to;
    start = nextPeriodStart(start, granularity)
  ) {
    const end = addDays(nextPeriodStart(start, granularity), -1);
    periods.push({ periodStart: start, from: start < from ? from : start, to: end > to ? to : end });
  }
  return periods;
}

export { isCalendarDate };
