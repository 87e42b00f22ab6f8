import type { DomainEvent } from '../../domain/events.js';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import { domainEventOf } from '../../eventstore/orderEventCodec.js';

const streamPrefix = 'order-';

/** A stored event as the domain folds it, with the order it belongs to. */
export interface OrderEventOf {
  readonly orderKey: string;
  readonly event: DomainEvent;
}

/**
 * The domain form of a stored event and its order. The append path
 * validated payload and envelope, so they are trusted here; a malformed one
 * makes `evolve` throw, which stops the projection at that event. Undefined
 * for types outside the catalogue and for events outside order streams
 * (every stream the ledger writes today is an order's; the unmatched queue
 * lives outside the log).
 */
export function orderEventOf(event: RecordedEvent): OrderEventOf | undefined {
  if (!event.streamId.startsWith(streamPrefix)) return undefined;
  const domain = domainEventOf(event);
  if (!domain) return undefined;
  const fromMetadata = event.metadata.orderKey;
  const orderKey = typeof fromMetadata === 'string' ? fromMetadata : event.streamId.slice(streamPrefix.length);
  return { orderKey, event: domain };
}
