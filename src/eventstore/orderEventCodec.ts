import type { Envelope } from '../domain/envelope.js';
import { isOrderEventType, type DomainEvent } from '../domain/events.js';
import { eventIdOf } from '../domain/stamp.js';
import type { EventToAppend, RecordedEvent } from './EventStore.js';

/**
 * How domain events sit in the log: `data` is the payload, `metadata` is the
 * envelope with `orderKey` beside it (docs/domain.md §2), and the event id is
 * derived from the idempotency key once, on the way in; an event read back
 * carries the stored id, which the fold uses instead of deriving it again.
 */
export function toEventToAppend(event: DomainEvent, orderKey: string): EventToAppend {
  return { id: eventIdOf(event), type: event.type, data: event.data, metadata: { ...event.envelope, orderKey } };
}

/** The domain form of a stored event, with its stored id; undefined for types outside the catalogue. */
export function domainEventOf(event: RecordedEvent | EventToAppend): DomainEvent | undefined {
  if (!isOrderEventType(event.type)) return undefined;
  const { orderKey: _orderKey, ...envelope } = event.metadata;
  return { type: event.type, data: event.data, envelope: envelope as unknown as Envelope, id: event.id } as DomainEvent;
}
