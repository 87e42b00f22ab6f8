import { z } from 'zod';

/** What the integrator routes answer; the `Integrator` and `ParkedEvent` components of the API document. */
export const integratorSchema = z.object({
  name: z.string(),
  url: z.string(),
  types: z.array(z.string()).nullable().describe('The event types it receives; null: every type but the sync records (IntegrationAcknowledged, IntegrationResent).'),
  preset: z.string(),
  onFailure: z.string().describe('What a delivery that keeps failing does: park the event and go on, or stop.'),
  origin: z.string().describe('file (LEDGER_INTEGRATORS_FILE) or api.'),
  status: z.string(),
  checkpoint: z.string(),
  lag: z.object({ events: z.number().int(), capped: z.boolean(), seconds: z.number() }),
  breaker: z.string(),
  delivered: z.number().int(),
  lastDeliveredAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
}).meta({ id: 'Integrator' });

export const createdIntegratorSchema = integratorSchema.extend({
  secret: z.string().optional().describe('The generated whsec_ secret; shown only here, when none was given.'),
});

export const integratorChangeSchema = z.object({ name: z.string(), status: z.string(), checkpoint: z.string(), paused: z.boolean() });

export const parkedEventSchema = z.object({
  id: z.string(),
  integrator: z.string(),
  eventId: z.string(),
  position: z.string(),
  streamId: z.string(),
  orderKey: z.string().nullable(),
  eventType: z.string(),
  priority: z.number().describe('Open value at risk of the order when parked.'),
  currency: z.string().nullable(),
  policy: z.string(),
  attempts: z.number().int(),
  lastError: z.string(),
  state: z.enum(['parked', 'delivered', 'discarded']),
  parkedAt: z.string(),
  resolvedAt: z.string().nullable(),
}).meta({ id: 'ParkedEvent' });

export const parkedActionSchema = z.object({ parked: parkedEventSchema, resumedIntegrator: z.boolean() });
