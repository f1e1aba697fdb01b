/**
 * Opening hours in the tenant's time zone: a weekly schedule of open periods and a list of holidays
 * (dates on which the whole day is closed). Pure: the clock is an argument.
 */
import type { NodeOf, WEEKDAYS } from './flow-document.ts';

type Schedule = Pick<NodeOf<'hours'>, 'timezone' | 'weekly' | 'holidays'>;

export function isOpen(schedule: Schedule, now: Date): boolean {
  const local = localTime(schedule.timezone, now);
  if (schedule.holidays.includes(local.date)) return false;
  return (schedule.weekly[local.weekday] ?? []).some(([from, to]) => local.time >= from && local.time < to);
}

/** The wall-clock date, weekday and HH:MM in a time zone (Intl knows every IANA zone and its DST rules). */
export function localTime(
  timezone: string,
  now: Date,
): { date: string; weekday: (typeof WEEKDAYS)[number]; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const weekday = String(parts.weekday).toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number];
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    time: `${parts.hour}:${parts.minute}`,
  };
}
