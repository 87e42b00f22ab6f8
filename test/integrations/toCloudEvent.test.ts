import { describe, expect, it } from 'vitest';
import type { Position, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { cloudEventJson, toCloudEvent } from '../../src/integrations/toCloudEvent.js';

const recorded = (metadata: Record<string, unknown>, data: unknown = { a: [1, 'two'], b: { c: null } }): RecordedEvent => ({
  id: '0f8fad5b-d9cb-469f-a165-70867728950e', streamId: 'order-A/1', revision: 7n, position: '00000000000000aa-0000000000000003' as Position,
  type: 'ShipmentConfirmed', data, metadata, recordedAt: new Date('2026-03-02T10:00:00.123Z'), hash: 'h', prevHash: null,
});

describe('the CloudEvents mapping', () => {
  it('names the source system, the order, business time and the position', () => {
    const event = toCloudEvent(recorded({
      orderKey: 'A/1', sourceSystem: { kind: 'WMS', instance: 'wms atl' }, occurredAt: '2026-03-02T09:59:00Z', correlationId: 'c-1', causationId: 'e-0',
    }));
    expect(event).toEqual({
      specversion: '1.0', id: '0f8fad5b-d9cb-469f-a165-70867728950e', source: '/order-ledger/WMS/wms%20atl', type: 'com.orderledger.ShipmentConfirmed',
      subject: 'A/1', time: '2026-03-02T09:59:00Z', datacontenttype: 'application/json', data: { a: [1, 'two'], b: { c: null } },
      position: '00000000000000aa-0000000000000003', streamrevision: 7, recordedat: '2026-03-02T10:00:00.123Z', correlationid: 'c-1', causationid: 'e-0',
    });
  });

  it('falls back to the recorded time and leaves out what the envelope lacks', () => {
    const event = toCloudEvent(recorded({}));
    expect(event.time).toBe('2026-03-02T10:00:00.123Z');
    expect(event.source).toBe('/order-ledger');
    expect(Object.keys(event)).not.toContain('subject');
    expect(Object.keys(event)).not.toContain('correlationid');
  });

  it('serialises by hand to exactly the JSON of the mapped object', () => {
    for (const meta of [{}, { orderKey: 'K"1', sourceSystem: { kind: 'ERP', instance: 'x' }, occurredAt: '2026-01-01T00:00:00Z', correlationId: 'c', causationId: 'd' }]) {
      for (const data of [{ q: 'ü\n"' }, null, [1, 2]]) {
        const event = recorded(meta, data);
        expect(JSON.parse(cloudEventJson(event))).toEqual(toCloudEvent(event));
      }
    }
  });
});
