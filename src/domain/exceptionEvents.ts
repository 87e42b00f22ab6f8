import { createHash } from 'node:crypto';
import { canonicalJson } from './auditHash.js';
import type { Envelope } from './envelope.js';
import type { DomainEvent, DomainEventOf } from './events.js';
import type { Breach } from './exceptionCodes.js';
import { eventIdFor } from './idempotency.js';
import type { OrderState } from './orderState.js';
import { openValue, roundMoney } from './orderValue.js';
import { ledgerSourceSystem } from './sourceSystems.js';

/**
 * One ExceptionRaised per breach. Priority is the open value at risk: the
 * order's open value after the fact plus the value of the quantity (or
 * amount) in breach, rounded to cents.
 */
export function exceptionEvents(fact: DomainEvent, factEventId: string, breaches: readonly Breach[], after: OrderState): DomainEventOf<'ExceptionRaised'>[] {
  const open = openValue(after);
  return mergeByCode(breaches).map((b) => {
    const envelope = exceptionEnvelope(fact.envelope, factEventId, b.code);
    return {
      type: 'ExceptionRaised',
      envelope,
      data: {
        exceptionId: eventIdFor(envelope.idempotencyKey),
        code: b.code,
        priority: roundMoney(open + b.excessValue),
        ...(after.header ? { currency: after.header.currency } : {}),
        message: b.message,
        eventId: factEventId,
        lineNos: [...b.lineNos],
      },
    };
  });
}

function exceptionEnvelope(fact: Envelope, factEventId: string, code: string): Envelope {
  const key = createHash('sha256').update(canonicalJson([fact.idempotencyKey, code]), 'utf8').digest('hex');
  return {
    sourceSystem: { ...ledgerSourceSystem },
    sourceDocument: { type: 'LedgerException', id: `${factEventId}:${code}`, revision: 0 },
    idempotencyKey: key,
    correlationId: fact.correlationId,
    causationId: factEventId,
    occurredAt: fact.occurredAt,
    receivedAt: fact.receivedAt,
    actor: { type: 'SYSTEM', id: ledgerSourceSystem.instance },
    ...(fact.tenantId ? { tenantId: fact.tenantId } : {}),
    ...(fact.companyCode ? { companyCode: fact.companyCode } : {}),
    schemaVersion: 1,
  };
}

/** One exception per code and fact: its id derives from both, so two would collide. */
function mergeByCode(breaches: readonly Breach[]): Breach[] {
  const byCode = new Map<string, Breach>();
  for (const b of breaches) {
    const prior = byCode.get(b.code);
    byCode.set(b.code, prior
      ? {
          code: b.code,
          lineNos: [...new Set([...prior.lineNos, ...b.lineNos])].sort((x, y) => x - y),
          excessValue: prior.excessValue + b.excessValue,
          message: `${prior.message} ${b.message}`,
        }
      : b);
  }
  return [...byCode.values()];
}
