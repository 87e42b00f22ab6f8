import { commandFromSubmission } from '../domain/commandFromSubmission.js';
import { decide, type Decision } from '../domain/decide.js';
import type { DomainPolicy } from '../domain/domainPolicy.js';
import { isOrderEventType, type DomainEvent } from '../domain/events.js';
import { evolveAll } from '../domain/evolve.js';
import { exceptionEvents } from '../domain/exceptionEvents.js';
import { submissionDigest } from '../domain/idempotency.js';
import type { OrderState } from '../domain/orderState.js';
import type { Envelope } from '../domain/envelope.js';
import type { Alias } from './orderAliases.js';
import { refused, type SubmissionOutcome } from './SubmissionOutcome.js';
import type { UnmatchedQueue, WaitingTransition } from './UnmatchedQueue.js';

/** What redriving needs of the write side: the queue, and the one commit loop. */
export interface Redrive {
  readonly queue: UnmatchedQueue;
  readonly commit: (orderKey: string, decideOn: (state: OrderState) => Decision) => Promise<SubmissionOutcome>;
}

/** Keeps a transition for an alias nobody has taken yet; a retry answers the same, a reused key with another payload is refused. */
export async function parkOrRefuse(queue: UnmatchedQueue, alias: Alias, type: string, data: unknown, envelope: Envelope): Promise<SubmissionOutcome> {
  const parked = await queue.park(alias, type, data, envelope);
  const entry = parked.entry;
  if (parked.kind === 'known' && (entry.type !== type || submissionDigest(entry.type, entry.data) !== submissionDigest(type, data))) {
    return refused({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: `Idempotency key ${envelope.idempotencyKey} was already used for a different ${entry.type} waiting under ${aliasText(alias)}; a new document revision needs a new key.`,
      field: 'envelope.idempotencyKey',
    });
  }
  return {
    kind: 'unmatched',
    replayed: parked.kind === 'known',
    body: {
      status: 'UNMATCHED', alias: aliasText(alias), eventId: entry.id, waitingSince: entry.receivedAt.toISOString(),
      detail: `No order is known as ${aliasText(alias)} yet; the transition is kept and applied when an order takes that alias.`,
    },
  };
}

/**
 * Applies what waits under `alias` to the order that took it, in arrival
 * order, through the ordinary commit loop; the event records the waiting
 * entry as its causation. A transition the order refuses is marked refused
 * and recorded on the order as an exception, so it never vanishes silently.
 * A conflict that outlasted the retries leaves it waiting for the next try.
 */
export async function redriveAlias(redrive: Redrive, alias: Alias, orderKey: string, policy: DomainPolicy): Promise<number> {
  return applyWaiting(redrive, await redrive.queue.waitingFor(alias), orderKey, policy);
}

/** `redriveAlias` for transitions already read (in arrival order) with the binding of their alias. */
export async function applyWaiting(redrive: Redrive, transitions: readonly WaitingTransition[], orderKey: string, policy: DomainPolicy): Promise<number> {
  let applied = 0;
  for (const waiting of transitions) {
    const envelope: Envelope = { ...waiting.envelope, causationId: waiting.id };
    const type = waiting.type;
    const command = isOrderEventType(type)
      ? commandFromSubmission({ type, data: waiting.data, envelope, orderKey })
      : { ok: false as const, error: { code: 'VALIDATION_FAILED' as const, message: `type "${type}" is not an event type of the catalogue` } };
    const outcome = command.ok
      ? await redrive.commit(orderKey, (state) => decide(command.command, state, policy))
      : refused(command.error);
    if (outcome.kind === 'accepted' || outcome.kind === 'duplicate') {
      await redrive.queue.markApplied(waiting.id, orderKey, outcome.body.eventId);
      applied++;
    } else if (outcome.kind === 'refused' && outcome.error.code !== 'CONCURRENT_UPDATE') {
      const reason = `${outcome.error.code}: ${outcome.error.message}`;
      const recorded = await redrive.commit(orderKey, (state) => refusalException(waiting, envelope, reason, state));
      if (recorded.kind === 'accepted' || recorded.kind === 'duplicate') await redrive.queue.markRefused(waiting.id, orderKey, reason);
    }
  }
  return applied;
}

/** The ExceptionRaised that records a refused redrive on the order (idempotent: its id derives from the waiting entry). */
function refusalException(waiting: WaitingTransition, envelope: Envelope, reason: string, state: OrderState): Decision {
  const fact = { type: waiting.type, data: waiting.data, envelope } as DomainEvent;
  const raised = exceptionEvents(fact, waiting.id, [{
    code: 'REDRIVE_REFUSED', lineNos: [], excessValue: 0,
    message: `A ${waiting.type} that waited under ${aliasText(waiting.alias)} since ${waiting.receivedAt.toISOString()} was refused when the order took the alias (${reason}).`,
  }], state);
  const duplicateOf = state.processed.get(raised[0]!.envelope.idempotencyKey)?.eventId ?? null;
  if (duplicateOf) return { ok: true, events: [], duplicateOf, state };
  return { ok: true, events: raised, duplicateOf: null, state: evolveAll(state, raised) };
}

function aliasText(alias: Alias): string {
  return `${alias.kind}:${alias.value}`;
}
