// The ISO week (`YYYY-Www`) of an instant as the company's calendar sees it, for the once-a-week rule.

/** The company-local calendar date of `instant` in `timeZone`, as UTC midnight of that date. */
function localDate(instant: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value);
  return new Date(Date.UTC(part('year'), part('month') - 1, part('day')));
}

export function isoWeekOf(instant: Date, timeZone: string): string {
  const date = localDate(instant, timeZone);
  // The Thursday of this week decides the week's year (ISO 8601).
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 24 * 3600 * 1000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

export function isIsoWeek(value: string): boolean {
  const match = ISO_WEEK.exec(value);
  if (!match) return false;
  const week = Number(match[2]);
  // A year has 53 weeks when its 28 December falls in week 53.
  return week >= 1 && week <= Number(isoWeekOf(new Date(Date.UTC(Number(match[1]), 11, 28)), 'UTC').slice(6));
}
