import { Urgency } from '../vocabulary';

/**
 * A member's quiet hours: local wall-clock times (HH:MM, 24 h) in the zone's time zone. A window
 * whose end is earlier than its start runs over midnight (22:00–07:00).
 */
export interface QuietHours {
  start: string;
  end: string;
}

/** How a category treats quiet hours: urgent ones (a missing child) never wait. */
export const QUIET_HOURS_BEHAVIOURS = ['respect', 'override'] as const;
export type QuietHoursBehaviour = (typeof QUIET_HOURS_BEHAVIOURS)[number];

export const BELGIAN_TIME_ZONE = 'Europe/Brussels';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isValidClockTime(value: string): boolean {
  return HHMM.test(value);
}

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Where `at` falls on the wall clock of `timeZone`: the minute of the day, and how far into that
 * minute in whole milliseconds (integers, so that PostgreSQL, given the same two numbers, does
 * exactly the same arithmetic: libs/persistence plans deliveries in SQL).
 */
export interface LocalClock {
  minuteOfDay: number;
  msIntoMinute: number;
}

export function localClock(at: Date, timeZone = BELGIAN_TIME_ZONE): LocalClock {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { minuteOfDay: get('hour') * 60 + get('minute'), msIntoMinute: get('second') * 1000 + at.getUTCMilliseconds() };
}

/**
 * Whether quiet hours may hold an alert at all: an urgent alert never waits, nor does a category
 * that overrides them (a missing child).
 */
export function quietHoursHold(urgency: Urgency, behaviour: QuietHoursBehaviour): boolean {
  return urgency !== 'urgent' && behaviour !== 'override';
}

/**
 * Milliseconds from `clock` to the end of the window, or null when `clock` is outside it (an
 * empty window, start = end, holds nothing). Pure integer arithmetic on the wall clock, the part
 * of the rule the SQL planner repeats.
 */
export function msUntilQuietHoursEnd(quietHours: QuietHours, clock: LocalClock): number | null {
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return null;
  const minutes = clock.minuteOfDay;
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const minutesLeft = (end - minutes + 1440) % 1440;
  return minutesLeft * 60_000 - clock.msIntoMinute;
}

/**
 * When a delivery must wait for the member's quiet hours to end, or null when it goes now:
 *   urgent alert                       → now (urgency overrides quiet hours)
 *   category that overrides them       → now
 *   no quiet hours, or outside them    → now
 *   inside them                        → at their end, local time
 * The end is computed by adding the minutes left to `now`, so a change to or from summer time
 * inside the window moves the release by that hour at most (it happens at 02:00–03:00, inside
 * most night windows; the member then hears at 08:00 instead of 07:00 once a year).
 */
export function quietHoursDeferral(
  quietHours: QuietHours | null | undefined,
  urgency: Urgency,
  behaviour: QuietHoursBehaviour,
  now: Date,
  timeZone = BELGIAN_TIME_ZONE,
): Date | null {
  if (!quietHoursHold(urgency, behaviour) || !quietHours) return null;
  const wait = msUntilQuietHoursEnd(quietHours, localClock(now, timeZone));
  return wait === null ? null : new Date(now.getTime() + wait);
}
