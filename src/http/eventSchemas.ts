import { z } from 'zod';
import { eventDataSchemas, orderEventTypes, type OrderEventType } from '../domain/events.js';

/**
 * The event catalogue (src/domain/events.ts) as the API document names it,
 * for requests and answers alike: the types as `EventType`, each type's
 * payload schema as `<Type>Data` (`<Type>DataInput` where a request carries it).
 */
export const eventTypeSchema = z.enum(orderEventTypes)
  .meta({ id: 'EventType', description: 'An event type of the catalogue (docs/domain.md §2).' });

export const documentedEventData = Object.fromEntries(orderEventTypes.map((type) => [type, (eventDataSchemas[type] as z.ZodType).meta({ id: `${type}Data` })])) as unknown as Readonly<Record<OrderEventType, z.ZodType>>;

export interface ByEventTypeOptions {
  /** The union's name in the document; each member is `<Type><id>`. */
  readonly id: string;
  readonly description?: string;
  /** Requests are named with the `Input` suffix in the document, answers without. */
  readonly io: 'input' | 'output';
  /** The types it has a member for (every one of the catalogue by default). */
  readonly types?: readonly OrderEventType[];
  /** The value of `type` for an event type (the type's name by default; a CloudEvent prefixes it). */
  readonly typeValue?: (type: OrderEventType) => string;
  /** The member for one type, given its `type` literal and its `data` schema. */
  readonly member: (type: z.ZodLiteral<string>, data: z.ZodType, eventType: OrderEventType) => z.ZodObject;
}

/**
 * A union of one member per event type, discriminated on `type`, each member
 * named in the document and listed in the discriminator's mapping, so that a
 * generated client tells the payloads apart by `type`.
 */
export function byEventType({ id, description, io, types = orderEventTypes, typeValue = (type) => type, member }: ByEventTypeOptions) {
  const suffix = io === 'input' ? 'Input' : '';
  const members = types.map((type) => member(z.literal(typeValue(type)), documentedEventData[type], type).meta({ id: `${type}${id}` }));
  const mapping = Object.fromEntries(types.map((type) => [typeValue(type), `#/components/schemas/${type}${id}${suffix}`]));
  return z.discriminatedUnion('type', members as unknown as [z.ZodObject, ...z.ZodObject[]])
    .meta({ id, ...(description ? { description } : {}), discriminator: { propertyName: 'type', mapping } });
}

/**
 * The serializer of answers that show events as the log holds them (history,
 * correlations, timeline): plain JSON. Their schemas document them and are
 * not applied on the way out, so an event that no longer passes its type's
 * schema (an altered row, an older payload) is still shown, with the broken
 * chain reported beside it, instead of failing the read.
 */
export const shownAsRecorded = () => (data: unknown): string => JSON.stringify(data);
