import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeSchema } from '../../src/domain/envelope.js';
import { buildEnvelope, transitionBodySchema } from '../../src/orders/submission.js';

/** Text as clients send it: mostly plain, now and then hostile (blank, NUL, lone surrogates, over-long, non-ASCII). */
const text = fc.oneof(
  { weight: 12, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', ' a ', '~', 'a\u0000b', '\ud800', 'x\udfff', 'ok 📦', 'x'.repeat(500), 'x'.repeat(501)) },
);
const time = fc.constantFrom('2026-03-02T09:00:00Z', '2026-03-02T09:00:00.5+02:00', '2026-03-02T09:00:00Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z', '2099-12-31T20:00:00-05:00', '2099-12-31T23:59:59.999+01:00', '2100-01-01T00:00:00Z', '9999-12-31T00:00:00Z');

const body = fc.record({
  type: fc.constant('OrderAccepted'),
  data: fc.constant({}),
  occurredAt: time,
  sourceDocument: fc.record({
    type: text, id: text, revision: fc.nat(),
    lineRefs: fc.array(fc.record({ lineNo: fc.oneof(fc.constant(1), fc.constant(999_999), fc.constant(1_000_000)), ref: text }), { maxLength: 2 }),
  }, { requiredKeys: ['type', 'id', 'revision'] }),
  sourceSystemInstance: text,
  actor: fc.record({ type: fc.constantFrom('USER', 'SYSTEM', 'PARTNER'), id: text, name: text }, { requiredKeys: ['type', 'id'] }),
  idempotencyKey: text,
  causationId: text,
  sourceCommittedAt: time,
  tenantId: text,
  companyCode: text,
  channel: text,
  transportRef: text,
}, { requiredKeys: ['type', 'data', 'occurredAt', 'sourceDocument'] });

describe('buildEnvelope', () => {
  it('returns only envelopes the envelope schema takes, and refuses with the schema\'s own issues', () => {
    const seen = { built: 0, refused: 0 };
    fc.assert(fc.property(body, fc.option(text, { nil: undefined }), (raw, header) => {
      // Only what the route lets through reaches the service.
      const parsed = transitionBodySchema.safeParse(raw);
      fc.pre(parsed.success);
      const { type: _type, ...rest } = parsed.data!;
      const built = buildEnvelope('OrderAccepted', rest, { system: 'ERP', correlationId: 'c-1', headerIdempotencyKey: header, receivedAt: new Date() });
      if (built.success) {
        seen.built++;
        expect(envelopeSchema.safeParse(built.data)).toEqual({ success: true, data: built.data });
      } else {
        seen.refused++;
        expect(built.error.issues.length).toBeGreaterThan(0);
      }
    }), { numRuns: 2_000 });
    // Both answers occur, so neither branch is left untried.
    expect(seen.built).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  it('takes the plain envelope of an ordinary submission as it was built', () => {
    const at = new Date('2026-03-02T09:05:00.000Z');
    const built = buildEnvelope('OrderAccepted', { data: {}, occurredAt: '2026-03-02T09:00:00Z', sourceDocument: { type: 'SalesOrder', id: 'SO-1', revision: 0 } }, { system: 'ERP', correlationId: 'c-1', receivedAt: at });
    expect(built).toEqual({ success: true, data: expect.objectContaining({ sourceSystem: { kind: 'ERP', instance: 'ERP' }, actor: { type: 'SYSTEM', id: 'ERP' }, receivedAt: at.toISOString(), schemaVersion: 1 }) });
  });
});
