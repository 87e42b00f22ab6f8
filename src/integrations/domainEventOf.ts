import type { Envelope } from '../domain/envelope.js';
import { isOrderEventType, type DomainEvent } from '../domain/events.js';
import type { RecordedEvent } from '../eventstore/EventStore.js';

/**
 * The domain form of a stored event: the payload as `data`, the envelope
 * from `metadata`. Undefined for types outside the catalogue. The store
 * validated both at append, so they are trusted here.
 */
export function domainEventOf(event: RecordedEvent): DomainEvent | undefined {
  if (!isOrderEventType(event.type)) return undefined;
  return { type: event.type, data: event.data, envelope: event.metadata as unknown as Envelope } as DomainEvent;
}

/** An order's domain events up to and including `untilRevision` (all when absent). */
export async function orderEventsOf(
  stream: AsyncIterable<RecordedEvent>,
  untilRevision?: bigint,
): Promise<{ events: DomainEvent[]; recorded: RecordedEvent[] }> {
  const events: DomainEvent[] = [];
  const recorded: RecordedEvent[] = [];
  for await (const event of stream) {
    if (untilRevision !== undefined && event.revision > untilRevision) break;
    recorded.push(event);
    const domain = domainEventOf(event);
    if (domain) events.push(domain);
  }
  return { events, recorded };
}
