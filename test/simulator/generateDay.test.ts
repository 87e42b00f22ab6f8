import { describe, expect, it } from 'vitest';
import { isOrderEventType } from '../../src/domain/events.js';
import { defaultOwnership, checkOwnership } from '../../src/domain/ownershipPolicy.js';
import { parseEventData } from '../../src/domain/parseEventData.js';
import { transitionBodySchema } from '../../src/orders/submission.js';
import { channelMix } from '../../src/simulator/channelMix.js';
import { generateDay, type DayOptions } from '../../src/simulator/generateDay.js';
import { requestOf } from '../../src/simulator/SimEvent.js';

const day = (options: Partial<DayOptions> = {}) => [...generateDay({ orders: 200, seed: 42, days: 1, start: new Date('2026-03-02T00:00:00Z'), ...options })];

describe('generateDay', () => {
  it('gives the same day for the same seed, event for event', () => {
    expect(JSON.stringify(day())).toBe(JSON.stringify(day()));
  });

  it('gives a different day for a different seed', () => {
    expect(JSON.stringify(day({ seed: 43 }))).not.toBe(JSON.stringify(day()));
  });

  describe('over a few thousand orders', () => {
    const orders = day({ orders: 3000, days: 5 });
    const events = orders.flatMap((o) => o.events);

    it('follows the channel mix of docs/domain.md §6', () => {
      for (const profile of channelMix) {
        const share = orders.filter((o) => o.channel === profile.channel).length / orders.length;
        expect(share, profile.channel).toBeGreaterThan(profile.share - 0.03);
        expect(share, profile.channel).toBeLessThan(profile.share + 0.03);
      }
    });

    it('has about 4.1 lines and 17 events per order', () => {
      expect(orders.reduce((sum, o) => sum + o.lineCount, 0) / orders.length).toBeCloseTo(4.1, 0);
      expect(Math.abs(orders.reduce((sum, o) => sum + o.lineCount, 0) / orders.length - 4.1)).toBeLessThan(0.5);
      expect(Math.abs(events.length / orders.length - 17)).toBeLessThan(3);
    });

    it('mixes in retries, out-of-order facts and unknown aliases, a few of each', () => {
      const share = (kind: string) => events.filter((e) => e.mess === kind).length / events.length;
      expect(share('retry')).toBeGreaterThan(0.01);
      expect(share('retry')).toBeLessThan(0.06);
      expect(share('out-of-order')).toBeGreaterThan(0);
      expect(share('early-alias')).toBeGreaterThan(0);
      expect(share('unknown-alias')).toBeGreaterThan(0);
    });

    it('sends only payloads the event catalogue accepts, each from a system that owns its type', () => {
      const problems: string[] = [];
      for (const event of events) {
        const at = `${event.system} ${event.type} of ${event.orderKey}`;
        if (!isOrderEventType(event.type)) {
          problems.push(`${at}: not an event type`);
          continue;
        }
        const parsed = parseEventData(event.type, event.body.data);
        if (!parsed.ok) problems.push(`${at}: ${JSON.stringify(parsed.issues)}`);
        if (checkOwnership(defaultOwnership, event.system, event.type)) problems.push(`${at}: not the owner`);
        const { orderKey: _key, ...body } = requestOf(event).json;
        if (!transitionBodySchema.safeParse({ type: event.type, ...body }).success) problems.push(`${at}: envelope refused`);
      }
      expect(problems).toEqual([]);
    });

    it('gives every document its own idempotency identity, except deliberate retries', () => {
      const keys = events.filter((e) => e.mess !== 'retry').map((e) => `${e.system}|${e.body.sourceDocument.type}|${e.body.sourceDocument.id}|${e.type}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('names each line once per event, even returns of a line shipped in parts (I1)', () => {
    // This day holds RMAs for lines shipped in two parts, which once named such a line twice.
    const repeated: string[] = [];
    for (const order of generateDay({ orders: 5000, seed: 2, days: 5, start: new Date('2026-03-02T00:00:00Z') })) {
      for (const event of order.events) {
        const lines = (event.body.data as { lines?: { lineNo: number }[] }).lines ?? [];
        if (new Set(lines.map((l) => l.lineNo)).size !== lines.length) repeated.push(`${order.orderKey} ${event.type}`);
      }
    }
    expect(repeated).toEqual([]);
  });
});
