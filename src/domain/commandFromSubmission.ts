import type { Command } from './commands.js';
import type { Envelope } from './envelope.js';
import { domainError, type DomainError } from './errors.js';
import { isLedgerOnly, ledgerOnlyReason, type OrderEvent, type OrderEventType } from './events.js';
import { parseEventData, type PayloadIssue } from './parseEventData.js';
import type { EmitterKind } from './sourceSystems.js';

/** What the HTTP layer receives: an event type, its payload and envelope, and the order it names. */
export interface Submission {
  readonly type: OrderEventType;
  readonly data: unknown;
  readonly envelope: Envelope;
  readonly orderKey: string;
}

export type CommandFromSubmissionResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly error: DomainError; readonly issues: readonly PayloadIssue[] };

/** Sales channels whose changes and cancellations are requests; the ERP's are facts. */
const requestingSystems: readonly EmitterKind[] = ['CRM', 'ECOMMERCE', 'EDI'];

/**
 * Maps a submission to its command: OrderReceived is always a request;
 * OrderLineChanged and LineCancelled are requests from a sales channel and
 * facts from the ERP (docs/domain.md §3); everything else is a fact.
 * Ledger-only events cannot be submitted.
 */
export function commandFromSubmission(submission: Submission): CommandFromSubmissionResult {
  const { type, envelope, orderKey } = submission;
  if (isLedgerOnly(type)) {
    const error = domainError('LEDGER_ONLY_EVENT', `${type} cannot be submitted: ${ledgerOnlyReason}`, 'type');
    return { ok: false, error, issues: [] };
  }
  const parsed = parseEventData(type, submission.data);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    const field = first ? ['data', ...first.path].join('.') : 'data';
    const error = domainError('INVALID_PAYLOAD', `The ${type} payload is invalid: ${first?.message ?? 'unknown problem'}.`, field);
    return { ok: false, error, issues: parsed.issues };
  }
  const event = { type, data: parsed.data } as OrderEvent;
  const asRequest = requestingSystems.includes(envelope.sourceSystem.kind);
  switch (event.type) {
    case 'OrderReceived':
      return { ok: true, command: { type: 'PlaceOrder', orderKey, envelope, data: event.data } };
    case 'OrderLineChanged':
      if (asRequest) return { ok: true, command: { type: 'ChangeOrderLine', orderKey, envelope, data: event.data } };
      return { ok: true, command: { type: 'RecordFact', orderKey, envelope, fact: event } };
    case 'LineCancelled':
      if (asRequest) return { ok: true, command: { type: 'CancelLine', orderKey, envelope, data: event.data } };
      return { ok: true, command: { type: 'RecordFact', orderKey, envelope, fact: event } };
    case 'ExceptionRaised':
    case 'ExceptionResolved':
    case 'IntegrationResent':
      throw new Error('unreachable: ledger-only events are refused above');
    default:
      return { ok: true, command: { type: 'RecordFact', orderKey, envelope, fact: event } };
  }
}
