import type { Prng } from './Prng.js';

const minute = 60_000;
const day = 86_400_000;

/**
 * Business time of a simulated period: `days` business days (Mon–Fri) from
 * `start`, in UTC. Orders arrive in business hours (web orders around the
 * clock); warehouse and office work is moved into 07:00–19:00 on weekdays.
 */
export class BusinessClock {
  private readonly businessDays: readonly number[];

  constructor(start: Date, days: number) {
    const first = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    const found: number[] = [];
    for (let t = first; found.length < days; t += day) if (isWeekday(t)) found.push(t);
    this.businessDays = found;
  }

  /** When an order arrives: web channels any hour, the rest 08:00–18:00. */
  arrival(prng: Prng, aroundTheClock: boolean): number {
    const dayStart = prng.pick(this.businessDays);
    const [from, to] = aroundTheClock ? [0, 24 * 60] : [8 * 60, 18 * 60];
    return dayStart + prng.int(from * 60, to * 60 - 1) * 1000;
  }

  /** `t` plus between `min` and `max` minutes, moved into office hours. */
  office(prng: Prng, t: number, min: number, max: number): number {
    return intoOfficeHours(t + prng.int(min, max) * minute, prng);
  }

  /** `t` plus between `min` and `max` minutes, any hour (carriers, web). */
  anyHour(prng: Prng, t: number, min: number, max: number): number {
    return t + prng.int(min * 60, max * 60) * 1000;
  }
}

function isWeekday(t: number): boolean {
  const weekday = new Date(t).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function intoOfficeHours(t: number, prng: Prng): number {
  const midnight = t - (t % day);
  const minuteOfDay = (t - midnight) / minute;
  if (isWeekday(midnight) && minuteOfDay >= 7 * 60 && minuteOfDay < 19 * 60) return t;
  let next = minuteOfDay < 7 * 60 ? midnight : midnight + day;
  while (!isWeekday(next)) next += day;
  return next + 7 * 60 * minute + prng.int(0, 90) * minute;
}

export const iso = (t: number): string => new Date(t).toISOString();
export const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);
