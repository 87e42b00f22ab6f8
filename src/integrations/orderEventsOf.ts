import type { DomainEvent } from '../domain/events.js';
import type { RecordedEvent } from '../eventstore/EventStore.js';
import { domainEventOf } from '../eventstore/orderEventCodec.js';

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
