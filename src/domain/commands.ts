import type { Envelope } from './envelope.js';
import type { EventData, LedgerOnlyEventType, OrderEvent, OrderEventType } from './events.js';

/** Facts: any transition a system of record reports, except the order itself and ledger-only events. */
export type FactEvent = Exclude<OrderEvent, { type: 'OrderReceived' | LedgerOnlyEventType }>;
export type FactEventType = FactEvent['type'];

interface CommandBase {
  /** The order (stream) the command addresses. */
  readonly orderKey: string;
  readonly envelope: Envelope;
}

/** A sales channel asks for an order. Request: refused when it breaks a hard invariant or the state. */
export interface PlaceOrder extends CommandBase {
  readonly type: 'PlaceOrder';
  readonly data: EventData<'OrderReceived'>;
}

/** A sales channel asks to change lines. Request. */
export interface ChangeOrderLine extends CommandBase {
  readonly type: 'ChangeOrderLine';
  readonly data: EventData<'OrderLineChanged'>;
}

/** A sales channel asks to cancel quantities. Request. */
export interface CancelLine extends CommandBase {
  readonly type: 'CancelLine';
  readonly data: EventData<'LineCancelled'>;
}

/** A system of record reports what happened. Always recorded; soft breaches raise exceptions. */
export interface RecordFact extends CommandBase {
  readonly type: 'RecordFact';
  readonly fact: FactEvent;
}

/** The ledger (an operator through it) closes an exception. */
export interface ResolveException extends CommandBase {
  readonly type: 'ResolveException';
  readonly data: EventData<'ExceptionResolved'>;
}

/**
 * The ledger records a re-send of the order's state an admin had an
 * integrator make, whatever its outcome. Always recorded: it is a fact
 * about the ledger's own act, and changes nothing of the order.
 */
export interface RecordResend extends CommandBase {
  readonly type: 'RecordResend';
  readonly data: EventData<'IntegrationResent'>;
}

export type Command = PlaceOrder | ChangeOrderLine | CancelLine | RecordFact | ResolveException | RecordResend;
export type CommandType = Command['type'];

/** The event type a command records. */
export function eventTypeOf(command: Command): OrderEventType {
  switch (command.type) {
    case 'PlaceOrder': return 'OrderReceived';
    case 'ChangeOrderLine': return 'OrderLineChanged';
    case 'CancelLine': return 'LineCancelled';
    case 'RecordFact': return command.fact.type;
    case 'ResolveException': return 'ExceptionResolved';
    case 'RecordResend': return 'IntegrationResent';
    default: return assertNever(command);
  }
}

function assertNever(command: never): never {
  throw new Error(`Unhandled command: ${JSON.stringify(command)}`);
}
