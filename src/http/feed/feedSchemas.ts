import { z } from 'zod';
import { cloudEventTypePrefix } from '../../integrations/toCloudEvent.js';
import { byEventType } from '../eventSchemas.js';

/** A position as clients send it back: opaque text; the store rejects one it did not issue. */
export const positionParam = z.string().max(128).regex(/^[0-9A-Za-z._:/-]*$/, 'not a ledger position');

/** `types=OrderReceived,ShipmentConfirmed` (CloudEvent type names are accepted too). */
export const typesParam = z
  .string()
  .max(2000)
  .transform((text) => text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => t.startsWith(cloudEventTypePrefix) ? t.slice(cloudEventTypePrefix.length) : t))
  .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'an event type name')).max(100));

export const consumerNameParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, ., _ and -; at most 128');

/** What every CloudEvent carries besides its type and payload (`toCloudEvent` of src/integrations/toCloudEvent.ts). */
const cloudEventAttributes = {
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string().describe('/order-ledger/<system kind>/<instance>'),
  subject: z.string().optional().describe('The order key.'),
  time: z.string().describe('Business time (occurredAt), else when the ledger recorded it.'),
  datacontenttype: z.literal('application/json'),
  position: z.string(),
  streamrevision: z.number(),
  recordedat: z.string(),
  correlationid: z.string().optional(),
  causationid: z.string().optional(),
};

/** A ledger event as a CloudEvents 1.0 JSON event: a member per event type, `type` the catalogue's name prefixed, `data` by its schema. */
export const cloudEventSchema = byEventType({
  id: 'CloudEvent', io: 'output', typeValue: (type) => cloudEventTypePrefix + type,
  description: 'A ledger event as a CloudEvents 1.0 JSON event; `type` is com.orderledger.<event type>, `data` by that type\'s schema of the catalogue.',
  member: (type, data) => z.object({ type, data, ...cloudEventAttributes }),
});

export const feedPageSchema = z.object({
  events: z.array(cloudEventSchema),
  next: z.string().describe('The position to pass as `after` for the next page (store it as the checkpoint).'),
  caughtUp: z.boolean().describe('True when the page reached the end of the readable log.'),
});

export const checkpointSchema = z.object({
  name: z.string(),
  position: z.string().describe("'' means the start of the log."),
  updatedAt: z.string().nullable(),
});
