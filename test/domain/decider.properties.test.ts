import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketNames, decide, displayStatus, evolve, initialOrderState, lineStatus, lineStatuses, orderStatus, statusOfLine,
} from '../../src/domain/index.js';
import { actionsArb, commandOf, run } from './support/arbitraries.js';
import * as fixtures from './support/fixtures.js';

const numRuns = 1000;
const knownStatuses: readonly string[] = lineStatuses;

describe('the decider over generated requests and facts', () => {
  it('never lets a quantity bucket go negative', () => {
    fc.assert(fc.property(actionsArb, (actions) =>
      run(actions).states.every((state) =>
        Object.values(state.lines).every((line) => bucketNames.every((name) => line.buckets[name] >= 0)))),
    { numRuns });
  });

  it('derives exactly one status for every line and order, the same every time', () => {
    fc.assert(fc.property(actionsArb, (actions) =>
      run(actions).states.every((state) =>
        Object.values(state.lines).every((line) => knownStatuses.includes(statusOfLine(line)) && statusOfLine(line) === statusOfLine(line))
        && orderStatus(state) === orderStatus(state)
        && displayStatus(state) === displayStatus(state))),
    { numRuns });
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
  it('is total over any non-negative buckets', () => {
    const n = fc.integer({ min: 0, max: 20 });
    const buckets = fc.record({
      ordered: n, cancelled: n, allocated: n, backordered: n, shipped: n, delivered: n, invoiced: n,
      returnAuthorized: n, returned: n,
    }).map((b) => {
      const net = Math.max(0, b.ordered - b.cancelled);
      return { ...b, net, open: Math.max(0, net - b.shipped) };
    });
    fc.assert(fc.property(buckets, fc.boolean(), (b, closed) => knownStatuses.includes(lineStatus(b, closed))), { numRuns });
  });
});
