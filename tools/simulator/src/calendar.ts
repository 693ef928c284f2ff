// Company-local calendar arithmetic on YYYY-MM-DD strings. The company's zone, Europe/Moscow, has had a fixed
// offset of +03:00 without daylight saving since 2014, so local times are written with that offset.
export const COMPANY_OFFSET = '+03:00';
const OFFSET_MS = 3 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same day of the month `months` later, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function weekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The ISO week `YYYY-Www` of a date. */
export function isoWeekOf(date: string): string {
  const thursday = addDays(date, 4 - weekday(date));
  const year = Number(thursday.slice(0, 4));
  const firstThursdayOrdinal = (Date.parse(`${thursday}T00:00:00Z`) - Date.UTC(year, 0, 1)) / DAY_MS;
  const week = Math.floor(firstThursdayOrdinal / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The instant (epoch ms) of a company-local date and minute of the day. */
export function localInstant(date: string, minuteOfDay: number): number {
  return Date.parse(`${date}T00:00:00Z`) - OFFSET_MS + minuteOfDay * 60_000;
}

/** ISO-8601 with the company's offset, e.g. 2026-05-14T13:00:00+03:00. */
export function formatLocal(instant: number): string {
  return `${new Date(instant + OFFSET_MS).toISOString().slice(0, 19)}${COMPANY_OFFSET}`;
}

/** The company-local date of an instant. */
export function localDateOf(instant: number): string {
  return new Date(instant + OFFSET_MS).toISOString().slice(0, 10);
}
