import { expect } from 'vitest';
import {
  decide, defaultDomainPolicy, evolve, foldOrder, submissionDigest, type Command, type Decision, type DomainEvent,
  type DomainEventOf, type DomainPolicy, type OrderState,
} from '../../../src/domain/index.js';

export interface Then {
  readonly decision: Decision;
  readonly state: OrderState;
  /** Expects exactly these events, or a refusal with this code. */
  then(expected: readonly DomainEvent[] | { readonly code: string }): void;
  /** Expects the command's event recorded and exactly these exceptions raised; returns them. */
  thenRaises(...codes: string[]): DomainEventOf<'ExceptionRaised'>[];
  /** Expects a refusal with this code; returns the error. */
  thenRefuses(code: string): { code: string; message: string; field?: string };
}

/** `given(events).when(command).then(events | error)`: the decider's specs read like this. */
export function given(...history: DomainEvent[]) {
  const state = foldOrder(history);
  return {
    state,
    when(command: Command, policy: DomainPolicy = defaultDomainPolicy): Then {
      const decision = decide(command, state, policy);
      const self: Then = {
        decision,
        state,
        then(expected) {
          if ('code' in expected) {
            self.thenRefuses(expected.code);
            return;
          }
          const events = expected.map(stamped);
          expect(decision).toEqual({ ok: true, events, duplicateOf: null, state: events.reduce(evolve, state) });
        },
        thenRaises(...codes) {
          if (!decision.ok) throw new Error(`expected ok, got ${decision.error.code}: ${decision.error.message}`);
          expect(decision.events[0]?.envelope).toEqual(stamped({ ...decision.events[0]!, envelope: command.envelope }).envelope);
          const raised = decision.events.slice(1) as DomainEventOf<'ExceptionRaised'>[];
          expect(raised.map((e) => e.type).every((t) => t === 'ExceptionRaised')).toBe(true);
          expect(raised.map((e) => e.data.code).sort()).toEqual([...codes].sort());
          return raised;
        },
        thenRefuses(code) {
          if (decision.ok) throw new Error(`expected refusal ${code}, got ${decision.events.length} events`);
          expect(decision.error.code).toBe(code);
          expect(decision.error.message.length).toBeGreaterThan(10);
          return decision.error;
        },
      };
      return self;
    },
  };
}

/** The envelope decide() records: the command's, stamped with the payload digest (I4). */
function stamped(event: DomainEvent): DomainEvent {
  return { ...event, envelope: { ...event.envelope, payloadSha256: submissionDigest(event.type, event.data) } } as DomainEvent;
}
