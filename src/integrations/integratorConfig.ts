import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isSyncRecord, orderEventTypes } from '../domain/events.js';
import { webhookSecretPattern } from './webhookSignature.js';

export const integratorNamePattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** What happens when an event exhausts its attempts. */
export const failurePolicies = ['stop', 'park'] as const;
export type FailurePolicy = (typeof failurePolicies)[number];

/** The body an integrator sends: the CloudEvent itself, or the CRM order-status view. */
export const integratorPresets = ['cloudevent', 'crm-sync'] as const;
export type IntegratorPreset = (typeof integratorPresets)[number];

/** One outbound integrator, as the file and the admin API describe it. */
export const integratorConfigSchema = z.strictObject({
  name: z.string().regex(integratorNamePattern, 'lowercase letters, digits, - and _; at most 63'),
  url: z.url({ protocol: /^https?$/ }),
  /** Event types to deliver (e.g. ShipmentConfirmed); all but the sync records when absent (`deliveredTypes`). */
  types: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'an event type name')).min(1).optional()
    .describe('Event types to deliver; absent: every type but the sync records (IntegrationAcknowledged, IntegrationResent), which are sent only when named.'),
  secret: z.string().regex(webhookSecretPattern, 'a Standard Webhooks secret: whsec_ + base64 of 24-64 bytes'),
  preset: z.enum(integratorPresets).default('cloudevent'),
  maxAttempts: z.number().int().positive().max(1000).default(8),
  backoff: z.strictObject({
    baseMs: z.number().int().nonnegative().default(500),
    maxMs: z.number().int().nonnegative().default(60_000),
  }).default({ baseMs: 500, maxMs: 60_000 }),
  timeoutMs: z.number().int().positive().max(300_000).default(10_000),
  breaker: z.strictObject({
    failureThreshold: z.number().int().positive().default(5),
    openMs: z.number().int().nonnegative().default(30_000),
  }).default({ failureThreshold: 5, openMs: 30_000 }),
  onFailure: z.enum(failurePolicies).default('stop'),
});

export type IntegratorConfig = z.output<typeof integratorConfigSchema>;

/**
 * The event types an integrator delivers: those it names, or every type of
 * the catalogue but the sync records. What a system was sent or says it
 * holds is the ledger's own bookkeeping: sent back to the system, a re-send
 * record or an acknowledgement would only start another round of them.
 * Naming such a type in `types` opts in. `reporting.integrator_delivers`
 * applies the same rule in SQL.
 */
export function deliveredTypes(types: readonly string[] | null | undefined): readonly string[] {
  return types ?? defaultTypes;
}

const defaultTypes: readonly string[] = Object.freeze(orderEventTypes.filter((type) => !isSyncRecord(type)));
export type IntegratorConfigInput = z.input<typeof integratorConfigSchema>;

/** `LEDGER_INTEGRATORS_FILE`: `{"integrators": [...]}` or a bare array. */
export const integratorsFileSchema = z.preprocess(
  (value) => (Array.isArray(value) ? { integrators: value } : value),
  z.strictObject({ integrators: z.array(integratorConfigSchema) }),
);

/** Reads and validates the integrators file; names each offending field on failure. */
export async function readIntegratorsFile(file: string): Promise<IntegratorConfig[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`Integrators file ${file} cannot be read as JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = integratorsFileSchema.safeParse(json);
  if (!parsed.success) {
    // Never echo values: the file holds secrets.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.').replace(/^integrators\./, '') || '(root)'}: ${i.message}`);
    throw new Error(`Integrators file ${file} is invalid: ${issues.join('; ')}`);
  }
  const names = parsed.data.integrators.map((i) => i.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`Integrators file ${file} names "${duplicate}" twice`);
  return parsed.data.integrators;
}
