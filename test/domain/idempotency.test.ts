import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalPayload } from '../../src/domain/auditHash.js';
import { eventIdFor, eventIdNamespace, idempotencyKey, submissionDigest, uuidV5 } from '../../src/domain/idempotency.js';

const parts = { instance: 'wms-1', docType: 'ASN', docId: 'A-1', revision: 2, eventType: 'ShipmentConfirmed' };

describe('idempotencyKey', () => {
  it('is a sha256 hex digest that is the same for the same parts', () => {
    expect(idempotencyKey(parts)).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKey({ ...parts })).toBe(idempotencyKey(parts));
  });
  it('changes with every part, and parts cannot run into each other', () => {
    for (const change of [{ instance: 'wms-2' }, { docId: 'A-2' }, { revision: 3 }, { eventType: 'Picked' }]) {
      expect(idempotencyKey({ ...parts, ...change })).not.toBe(idempotencyKey(parts));
    }
    expect(idempotencyKey({ ...parts, docType: 'AS', docId: 'NA-1' })).not.toBe(idempotencyKey({ ...parts, docType: 'ASN', docId: 'A-1' }));
  });
});

describe('uuidV5', () => {
  it('matches the RFC 9562 vector for www.example.com in the DNS namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('eventIdFor', () => {
  it('derives the same version-5 id from the same key, a different one per index', () => {
    const key = idempotencyKey(parts);
    expect(eventIdFor(key)).toBe(eventIdFor(key));
    expect(eventIdFor(key)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFor(key, 1)).not.toBe(eventIdFor(key, 0));
  });
});

describe('derived texts', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const payload = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

  it('derives the key, the event id and the payload digest from exactly the canonical JSON of their parts', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), fc.nat(), fc.string(), fc.nat(), (instance, docType, docId, revision, eventType, index) => {
      expect(idempotencyKey({ instance, docType, docId, revision, eventType })).toBe(sha256(canonicalJson([instance, docType, docId, revision, eventType])));
      expect(eventIdFor(docId, index)).toBe(uuidV5(canonicalJson([docId, index]), eventIdNamespace));
    }));
    fc.assert(fc.property(fc.string(), fc.option(payload, { nil: undefined }), (type, data) => {
      expect(submissionDigest(type, data)).toBe(sha256(canonicalJson({ type, data })));
      // Asked again for the same payload object, the remembered text gives the same digest.
      expect(submissionDigest(type, data)).toBe(sha256(canonicalJson({ type, data })));
    }));
  });

  it('stores a payload as its canonical text', () => {
    fc.assert(fc.property(payload, (data) => {
      expect(canonicalPayload(data)).toBe(canonicalJson(data));
      expect(canonicalPayload(data)).toBe(canonicalJson(data));
    }));
  });
});
