/**
 * Wall-clock time in an IANA time zone, for shifts and quiet hours: the weekday and minute of the day
 * an instant has at an office, and the next instant a given local time of day comes round. Pure (the
 * time zone database is the runtime's, through Intl); no clock is read here.
 */

/** ISO weekday (1 = Monday … 7 = Sunday) and minute of the day (0 … 1439) at an instant in a zone. */
export interface LocalTime {
  readonly weekday: number;
  readonly minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows `timeZone` as an IANA zone name ("Asia/Bangkok", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local weekday and minute of the day of `atMs` in `timeZone` (which must be valid). */
export function localTime(atMs: number, timeZone: string): LocalTime {
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatter(timeZone).formatToParts(atMs)) {
    if (part.type === "weekday") weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
  }
  return { weekday, minuteOfDay: hour * 60 + minute };
}

/** "HH:MM" (00:00 … 23:59) to the minute of the day, or undefined when it is not one. */
export function parseClock(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match === null ? undefined : Number(match[1]) * 60 + Number(match[2]);
}

/**
 * The first instant at or after `fromMs` whose local time in `timeZone` is `minuteOfDay` (at the
 * start of that minute). Where a daylight-saving jump skips that minute, the first instant after
 * the jump.
 */
export function nextLocalMinute(fromMs: number, minuteOfDay: number, timeZone: string): number {
  const startOfMinute = Math.floor(fromMs / 60_000) * 60_000;
  const now = localTime(startOfMinute, timeZone).minuteOfDay;
  let candidate = startOfMinute + ((minuteOfDay - now + 1440) % 1440) * 60_000;
  // An offset change between now and the candidate moves its wall time: correct once, by the gap.
  const got = localTime(candidate, timeZone).minuteOfDay;
  if (got !== minuteOfDay) {
    const drift = ((minuteOfDay - got + 2160) % 1440) - 720;
    const corrected = candidate + drift * 60_000;
    if (corrected >= fromMs && localTime(corrected, timeZone).minuteOfDay === minuteOfDay)
      candidate = corrected;
  }
  return Math.max(candidate, fromMs);
}
