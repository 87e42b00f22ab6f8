import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide, eventIdOf, evolve, evolveAll, foldOrder, type Command, type DomainEvent, type OrderState,
} from '../../src/domain/index.js';
import * as f from './support/fixtures.js';

const statusCodes = ['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'EXCEPTION'] as const;

/** The i-th carrier scan of a long-running order, a document of its own (so a key of its own). */
const scan = (i: number, statusCode: string = statusCodes[i % statusCodes.length]!) =>
  f.carrierStatus(statusCode, { doc: `SCAN-${i}`, at: `2025-03-05T${String(8 + Math.floor(i / 3600) % 12).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` });

/** An order that took `n` scans, each decided the way the service decides it, with every event it recorded. */
function orderWith(n: number): { state: OrderState; events: DomainEvent[] } {
  let state = foldOrder([f.received(), f.accepted(), f.shipped({ 1: 10, 2: 4 })]);
  const events: DomainEvent[] = [];
  for (let i = 0; i < n; i++) {
    const decision = decide(f.fact(scan(i)), state);
    if (!decision.ok) throw new Error(decision.error.message);
    events.push(...decision.events);
    state = decision.state;
  }
  return { state, events };
}

/**
 * Members of the objects reachable from `after` that are not reachable from
 * `before`: what building `after` from `before` wrote anew. A copy of a flat
 * map counts every key it holds; a persistent map counts the path it rebuilt.
 */
function freshMembers(before: object, after: object): number {
  const old = new Set<object>();
  const mark = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || old.has(value)) return;
    old.add(value);
    for (const member of Object.values(value)) mark(member);
  };
  mark(before);
  const seen = new Set<object>();
  let count = 0;
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || old.has(value) || seen.has(value)) return;
    seen.add(value);
    const members = Object.values(value);
    count += members.length;
    for (const member of members) walk(member);
  };
  walk(after);
  return count;
}

const small = orderWith(40);
const large = orderWith(4_000);
const probe: Command = f.fact(scan(1_000_000));

describe('I4 on an order with thousands of submissions', () => {
  it('remembers every submission: a retry of any of them is answered by its original event, the same key with another payload is refused', () => {
    expect(large.state.processed.size).toBeGreaterThanOrEqual(4_000);
    fc.assert(fc.property(fc.nat({ max: 3_999 }), fc.boolean(), (i, same) => {
      const original = scan(i);
      const retry = same ? original : scan(i, `${original.data.statusCode}-AGAIN`);
      const decision = decide(f.fact(retry), large.state);
      if (same) expect(decision).toEqual({ ok: true, events: [], duplicateOf: eventIdOf(original), state: large.state });
      else expect(decision).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    }), { numRuns: 200 });
  });

  it('gives the state that folding every recorded event from the start gives', () => {
    const base = foldOrder([f.received(), f.accepted(), f.shipped({ 1: 10, 2: 4 })]);
    expect(evolveAll(base, large.events)).toEqual(large.state);
    expect(large.events.slice(0, 200).reduce(evolve, base)).toEqual(orderWith(200).state);
  });

  it('adds a new submission to the memo without copying it: what is written anew does not grow with the order, and the state before is left as it was', () => {
    const sizeBefore = large.state.processed.size;
    const decision = decide(probe, large.state);
    if (!decision.ok) throw new Error(decision.error.message);
    const key = decision.events[0]!.envelope.idempotencyKey;
    expect(decision.state.processed.get(key)?.eventId).toBe(eventIdOf(decision.events[0]!));
    expect(large.state.processed.size).toBe(sizeBefore);
    expect(large.state.processed.has(key)).toBe(false);

    const smallDecision = decide(probe, small.state);
    if (!smallDecision.ok) throw new Error(smallDecision.error.message);
    const grown = freshMembers(large.state.processed, decision.state.processed);
    const fromSmall = freshMembers(small.state.processed, smallDecision.state.processed);
    // A copy of the memo would write every one of its 4,000 keys; a path through it is a few nodes of at most 32.
    expect(grown).toBeLessThan(250);
    expect(grown).toBeLessThan(5 * fromSmall);
    // And the state as a whole: the fold writes what the event touches, the memo being the only map that grows with every submission.
    expect(freshMembers(large.state, decision.state)).toBeLessThan(500);
  });
});
