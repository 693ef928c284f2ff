// Calendar dates as the company sees them: deadlines and revisit dates are company-local days.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `instant` in `timeZone` (the en-CA locale formats dates that way). */
export function companyLocalDate(instant: Date, timeZone: string): string {
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
  return formatter.format(instant);
}
