// Company-local calendar: the local date of an instant, and the day/week/month periods figures are grouped by.
import { isCalendarDate } from '@hc/contracts';

export const GRANULARITIES = ['DAY', 'WEEK', 'MONTH'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Throws when `timeZone` is not an IANA zone this runtime knows, so a typo fails at start-up. */
export function assertTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-CA', { timeZone });
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The `YYYY-MM-DD` date, in `timeZone`, of an ISO-8601 instant. */
export function localDateOf(instant: string | Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an instant: ${String(instant)}`);
  return formatter.format(date);
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
