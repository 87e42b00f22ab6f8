import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, evolve, evolveAll, foldOrder, initialOrderState, type OrderState } from '../../src/domain/index.js';
import { deriveLines } from '../../src/domain/deriveLines.js';
import { actionsArb, run } from './support/arbitraries.js';

// Split from decider.properties so the two files run on separate workers.
const numRuns = 1000;
const bucketsOf = (state: OrderState) =>
  Object.fromEntries(Object.entries(state.lines).map(([n, l]) => [n, l.buckets]));

/** Freezes the value and everything it reaches, so any write into it throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** Canonical JSON equality is the fast check; toEqual only runs to describe a difference. */
function expectSame(actual: unknown, expected: unknown): void {
  if (canonicalJson(actual) !== canonicalJson(expected)) expect(actual).toEqual(expected);
}

describe('foldOrder over generated requests and facts', () => {
  it('folds the same events to the same state twice', () => {
    fc.assert(fc.property(actionsArb, (actions) => {
      const { events } = run(actions);
      expectSame(foldOrder(events), foldOrder(events));
    }), { numRuns });
  });

  it('derives the same state folding a batch at once as evolving one event at a time, from any split point', () => {
    fc.assert(fc.property(actionsArb, fc.nat(), (actions, at) => {
      const { events } = run(actions);
      const split = events.length === 0 ? 0 : at % events.length;
      const stepwise = events.reduce(evolve, initialOrderState);
      expectSame(foldOrder(events), stepwise);
      expectSame(foldOrder(events.slice(split), foldOrder(events.slice(0, split))), stepwise);
    }), { numRuns });
  });

  it('folds a run of events with evolveAll to what evolve gives one event at a time, leaving the state it starts from as it was', () => {
    fc.assert(fc.property(actionsArb, fc.nat(), fc.boolean(), (actions, at, memo) => {
      const { events } = run(actions);
      const split = events.length === 0 ? 0 : at % events.length;
      const from = deepFreeze(events.slice(0, split).reduce(evolve, initialOrderState));
      const text = canonicalJson(from);
      const rest = events.slice(split);
      const stepwise = rest.reduce(evolve, from);
      // Frozen: a write into the starting state, or into anything it shares with the result, throws here.
      const batched = evolveAll(from, rest, { memo });
      expectSame(batched, memo ? stepwise : { ...stepwise, processed: from.processed });
      expect(canonicalJson(from)).toBe(text);
    }), { numRuns });
  });

  // Every step of every run is checked, so fewer runs cover as many states as the tests around it.
  it('re-derives only the lines an event touches, and gets what deriving every line from scratch gets', () => {
    fc.assert(fc.property(actionsArb, fc.nat(), (actions, at) => {
      const { events } = run(actions);
      let state = initialOrderState;
      for (const event of events) {
        state = evolve(state, event);
        expectSame(state, deriveLines(state));
      }
      const split = events.length === 0 ? 0 : at % events.length;
      const batched = foldOrder(events.slice(split), foldOrder(events.slice(0, split)));
      expectSame(batched, deriveLines(batched));
    }), { numRuns: numRuns / 4 });
  });

  it('gives the same buckets, and the same state, whatever order the facts arrive in', () => {
    const withOrder = actionsArb.chain((actions) =>
      fc.tuple(fc.constant(actions), fc.array(fc.integer(), { minLength: 64, maxLength: 64 })));
    fc.assert(fc.property(withOrder, ([actions, keys]) => {
      const { events } = run(actions);
      const shuffled = events
        .map((e, i) => ({ e, k: keys[i % keys.length]!, i }))
        .sort((a, b) => a.k - b.k || a.i - b.i)
        .map(({ e }) => e);
      const inOrder = foldOrder(events);
      const permuted = foldOrder(shuffled);
      expectSame(bucketsOf(permuted), bucketsOf(inOrder));
      expectSame(permuted, inOrder);
    }), { numRuns });
  });
});
