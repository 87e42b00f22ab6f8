import { domainError, type DomainError } from './errors.js';
import { eventLines, type OrderEvent } from './events.js';
import type { OrderState } from './orderState.js';

type Line = { readonly lineNo: number; readonly uom: string; readonly qty: number };

/** I1–I3 for any event: refused outright, whoever sends it (docs/domain.md §3). */
export function hardInvariantError(event: OrderEvent, state: OrderState): DomainError | null {
  const lines: readonly Line[] = eventLines(event);
  return duplicateLineNo(lines) ?? negativeQuantity(lines) ?? uomMismatch(lines, state) ?? currencyMismatch(event, state);
}


/** I1: a payload names each line once; an order has each lineNo once (checked by the requests). */
function duplicateLineNo(lines: readonly Line[]): DomainError | null {
  const seen = new Set<number>();
  for (const [i, line] of lines.entries()) {
    if (seen.has(line.lineNo)) {
      return domainError('DUPLICATE_LINE_NO', `Line ${line.lineNo} appears more than once; send each line once with its total quantity.`, `data.lines.${i}.lineNo`);
    }
    seen.add(line.lineNo);
  }
  return null;
}

/** I2: quantities are never negative (zod already refuses them; this guards unparsed callers). */
function negativeQuantity(lines: readonly Line[]): DomainError | null {
  const i = lines.findIndex((line) => !(line.qty >= 0));
  if (i < 0) return null;
  return domainError('NEGATIVE_QUANTITY', `Line ${lines[i]!.lineNo} has quantity ${lines[i]!.qty}; quantities must be zero or more.`, `data.lines.${i}.qty`);
}

/** I2: quantities are stated in the line's unit of measure. */
function uomMismatch(lines: readonly Line[], state: OrderState): DomainError | null {
  for (const [i, line] of lines.entries()) {
    const known = state.lines[String(line.lineNo)];
    if (known?.known && known.uom !== null && known.uom !== line.uom) {
      return domainError(
        'UOM_MISMATCH',
        `Line ${line.lineNo} is ordered in ${known.uom}, but this event states ${line.uom}; convert the quantity to ${known.uom}.`,
        `data.lines.${i}.uom`,
      );
    }
  }
  return null;
}

/** I3: one currency per order; every amount in it. */
function currencyMismatch(event: OrderEvent, state: OrderState): DomainError | null {
  const declared = (event.data as { currency?: string }).currency;
  const expected = state.header?.currency ?? declared ?? null;
  let want = expected;
  let found: DomainError | null = null;
  walkAmounts(event.data, 'data', (currency, path) => {
    want ??= currency;
    if (!found && currency !== want) {
      found = domainError('CURRENCY_MISMATCH', `The order is in ${want}, but ${path} is in ${currency}; state every amount in ${want}.`, path);
    }
  });
  if (!found && declared && expected && declared !== expected) {
    return domainError('CURRENCY_MISMATCH', `The order is in ${expected}, but this event declares ${declared}.`, 'data.currency');
  }
  return found;
}

function walkAmounts(value: unknown, path: string, visit: (currency: string, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walkAmounts(item, `${path}.${i}`, visit));
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.amount === 'number' && typeof record.currency === 'string') {
      visit(record.currency, `${path}.currency`);
      return;
    }
    for (const [key, member] of Object.entries(record)) walkAmounts(member, `${path}.${key}`, visit);
  }
}
