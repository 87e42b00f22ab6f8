import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketNames, decide, displayStatus, evolve, holdTypes, initialOrderState, lineStatus, lineStatuses, orderStatus,
  statusOfLine,
  type Buckets, type OrderState,
} from '../../src/domain/index.js';
import { actionsArb, commandOf, run, type Action } from './support/arbitraries.js';
import * as fixtures from './support/fixtures.js';

const numRuns = 1000;

// An oracle for the status rules, written from docs/domain.md §1 rather than
// from the code, so that a status function that drifts from the page fails.

/** §1 line status: rules 1–12, tried in order, the first that holds wins. */
const lineRules: readonly (readonly [string, (b: Buckets, orderClosed: boolean) => boolean])[] = [
  ['CLOSED', (b, orderClosed) => orderClosed && b.returnAuthorized <= b.returned],
  ['CANCELLED', (b) => b.net === 0 && b.shipped === 0],
  ['RETURNED', (b) => b.shipped > 0 && b.returned >= b.shipped],
  ['PARTIALLY_RETURNED', (b) => b.returned > 0 || b.returnAuthorized > b.returned],
  ['INVOICED', (b) => b.open === 0 && b.invoiced >= b.shipped],
  ['DELIVERED', (b) => b.open === 0 && b.delivered >= b.shipped],
  ['SHIPPED', (b) => b.open === 0],
  ['PARTIALLY_SHIPPED', (b) => b.shipped > 0],
  ['ALLOCATED', (b) => b.allocated >= b.open],
  ['BACKORDERED', (b) => b.backordered > 0],
  ['PARTIALLY_ALLOCATED', (b) => b.allocated > 0],
  ['OPEN', () => true],
];
const expectedLineStatus = (b: Buckets, orderClosed: boolean): string => lineRules.find(([, holds]) => holds(b, orderClosed))![0];

/** §1 roll-up ranking, lowest first. */
const rollUpRank = [
  'OPEN', 'BACKORDERED', 'PARTIALLY_ALLOCATED', 'ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'INVOICED',
  'PARTIALLY_RETURNED', 'RETURNED',
];

/** §1 order status, rules 1–4. */
function expectedOrderStatus(state: OrderState): string {
  if (state.closed !== null) return 'CLOSED';
  if (state.decision?.outcome === 'REJECTED') return 'REJECTED';
  if (state.decision === null) return state.header !== null ? 'RECEIVED' : 'NONE';
  const lines = Object.values(state.lines).map((l) => expectedLineStatus(l.buckets, false));
  if (lines.length === 0) return 'ACCEPTED';
  const live = lines.filter((s) => s !== 'CANCELLED');
  if (live.length === 0) return 'CANCELLED';
  if (new Set(live).size === 1) return live[0] === 'OPEN' ? 'ACCEPTED' : live[0]!;
  const furthest = rollUpRank[Math.max(...live.map((s) => rollUpRank.indexOf(s)))]!;
  return `PARTIALLY_${furthest.replace(/^PARTIALLY_/, '')}`;
}

/** Most histories start from an accepted order, so the line roll-up is what gets checked. */
const historyStartArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant('unplaced' as const) },
  { weight: 2, arbitrary: fc.constant('received' as const) },
  { weight: 5, arbitrary: fc.constant('accepted' as const) },
);
const acceptFirst: Action = { kind: 'accept', lines: [1], qty: 0, doc: 0, revision: 1, minute: 0 };
const onBothLines = (kind: Action['kind'], minute: number): Action => ({ kind, lines: [1, 2], qty: 10, doc: 0, revision: 1, minute });
/** Shipped, delivered and invoiced in full: statuses random histories reach only about once in a hundred. */
const fulfilled: [Action[], 'accepted'] = [[onBothLines('ship', 10), onBothLines('deliver', 20), onBothLines('invoice', 30)], 'accepted'];

/** §1 hold overlay and display status; the hold types are listed in the order the page gives. */
function expectedDisplayStatus(state: OrderState): string {
  const status = expectedOrderStatus(state);
  if (['REJECTED', 'CANCELLED', 'CLOSED'].includes(status)) return status;
  const blocking = Object.values(state.holds).filter((h) =>
    h.blocking && h.appliedAt !== null && (h.releasedAt === null || Date.parse(h.appliedAt) > Date.parse(h.releasedAt)));
  const anythingShipped = Object.values(state.lines).some((l) => l.buckets.shipped > 0);
  if (blocking.length === 0 || anythingShipped) return status;
  return `ON_HOLD(${holdTypes.find((t) => blocking.some((h) => h.type === t))!})`;
}

describe('the decider over generated requests and facts', () => {
  it('never lets a quantity bucket go negative', () => {
    fc.assert(fc.property(actionsArb, (actions) =>
      run(actions).states.every((state) =>
        Object.values(state.lines).every((line) => bucketNames.every((name) => line.buckets[name] >= 0)))),
    { numRuns });
  });

  it('derives every line, order and display status the way docs/domain.md §1 states the rules', () => {
    const seenLines = new Set<string>();
    const seenOrders = new Set<string>();
    fc.assert(fc.property(actionsArb, historyStartArb, (actions, start) => {
      const history = start === 'accepted' ? [acceptFirst, ...actions] : actions;
      for (const state of run(history, start !== 'unplaced').states) {
        for (const line of Object.values(state.lines)) {
          expect(statusOfLine(line)).toBe(expectedLineStatus(line.buckets, state.closed !== null));
          seenLines.add(statusOfLine(line));
        }
        expect(orderStatus(state)).toBe(expectedOrderStatus(state));
        expect(displayStatus(state)).toBe(expectedDisplayStatus(state));
        seenOrders.add(displayStatus(state));
      }
    }), { numRuns, examples: [fulfilled] });
    // The histories reach every rule, so none of them goes unchecked.
    expect([...seenLines].sort()).toEqual([...lineStatuses].sort());
    expect([...seenOrders]).toEqual(expect.arrayContaining([
      'NONE', 'RECEIVED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'CLOSED', 'ON_HOLD(CREDIT)', 'SHIPPED', 'DELIVERED', 'INVOICED',
      'PARTIALLY_SHIPPED',
    ]));
  });

  it('answers with the state its events fold to, so no caller folds them twice', () => {
    fc.assert(fc.property(actionsArb, (actions) => {
      let state = initialOrderState;
      for (const command of [fixtures.placeOrder(), ...actions.map(commandOf)]) {
        const decision = decide(command, state);
        if (!decision.ok) continue;
        const folded = decision.events.reduce(evolve, state);
        expect(decision.state).toEqual(folded);
        state = folded;
      }
    }), { numRuns });
  });
});

describe('lineStatus', () => {
  it('gives every combination of non-negative buckets the status the first matching rule of docs/domain.md §1 names', () => {
    const n = fc.integer({ min: 0, max: 20 });
    const buckets = fc.record({
      ordered: n, cancelled: n, allocated: n, backordered: n, shipped: n, delivered: n, invoiced: n,
      returnAuthorized: n, returned: n,
    }).map((b) => {
      const net = Math.max(0, b.ordered - b.cancelled);
      return { ...b, net, open: Math.max(0, net - b.shipped) };
    });
    fc.assert(fc.property(buckets, fc.boolean(), (b, closed) => lineStatus(b, closed) === expectedLineStatus(b, closed)), { numRuns });
  });
});
