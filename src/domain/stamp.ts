import type { DomainEvent } from './events.js';
import { eventIdFor } from './idempotency.js';
import type { Stamp } from './orderState.js';

// Memoised per envelope object: folding and deciding ask for the same id many times.
const ids = new WeakMap<object, { key: string; id: string }>();

/** The id the event store gives this event: the stored one when read from the log, else derived from its idempotency key. */
export function eventIdOf(event: DomainEvent): string {
  if (event.id !== undefined) return event.id;
  const key = event.envelope.idempotencyKey;
  const cached = ids.get(event.envelope);
  if (cached?.key === key) return cached.id;
  const id = eventIdFor(key);
  ids.set(event.envelope, { key, id });
  return id;
}

export function stampOf(event: DomainEvent): Stamp {
  return { ms: Date.parse(event.envelope.occurredAt), id: eventIdOf(event) };
}

export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** True when `candidate` should replace `current` under last-writer-wins. */
export function isLater(candidate: Stamp, current: Stamp | null): boolean {
  return current === null || compareStamps(candidate, current) > 0;
}

/** The earlier (min) or later (max) of two ISO times; null counts as absent. */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) < Date.parse(a) || (Date.parse(b) === Date.parse(a) && b < a) ? b : a;
}

export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) || (Date.parse(b) === Date.parse(a) && b > a) ? b : a;
}
