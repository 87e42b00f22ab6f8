import { describe, expect, it } from 'vitest';
import { commandFromSubmission, ledgerOnlyEventTypes } from '../../src/domain/index.js';
import * as f from './support/fixtures.js';

const submit = (e: { type: Parameters<typeof commandFromSubmission>[0]['type']; data: unknown; envelope: ReturnType<typeof f.envelopeFor> }) =>
  commandFromSubmission({ ...e, orderKey: f.orderKey });

describe('commandFromSubmission', () => {
  it('makes an OrderReceived a PlaceOrder request', () => {
    expect(submit(f.received())).toMatchObject({ ok: true, command: { type: 'PlaceOrder' } });
  });
  it('makes a channel cancellation a request and an ERP cancellation a fact', () => {
    expect(submit(f.cancelled({ 1: 1 }))).toMatchObject({ ok: true, command: { type: 'CancelLine' } });
    expect(submit(f.cancelled({ 1: 1 }, { kind: 'ERP' }))).toMatchObject({ ok: true, command: { type: 'RecordFact' } });
    expect(submit(f.lineChanged(1, 2, { kind: 'ERP' }))).toMatchObject({ ok: true, command: { type: 'RecordFact' } });
  });
  it('makes a shipment a fact', () => {
    expect(submit(f.shipped({ 1: 1 }))).toMatchObject({ ok: true, command: { type: 'RecordFact', fact: { type: 'ShipmentConfirmed' } } });
  });
  it('turns an invalid payload into INVALID_PAYLOAD with the field and every issue', () => {
    const result = submit({ ...f.allocated({ 1: 1 }), data: { lines: [] } });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field: 'data.lines' } });
  });
  it('refuses ledger-only events with their own code, naming the type field and why', () => {
    expect(ledgerOnlyEventTypes).toEqual(['ExceptionRaised', 'ExceptionResolved', 'IntegrationResent']);
    for (const type of ledgerOnlyEventTypes) {
      expect(submit({ type, data: {}, envelope: f.envelopeFor(type) })).toMatchObject({
        ok: false, error: { code: 'LEDGER_ONLY_EVENT', field: 'type', message: expect.stringContaining('the ledger records those itself') },
      });
    }
  });
});
