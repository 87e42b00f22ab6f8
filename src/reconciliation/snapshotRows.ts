import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { textProblem } from '../domain/primitives.js';
import { parseOrderRef } from '../orders/orderAliases.js';

export type SnapshotFormat = 'csv' | 'jsonl';

/** The columns of a snapshot row (CSV header names, JSON keys); docs/reporting.md "Reconciliation" defines them. */
export const snapshotColumns = ['order', 'status', 'line', 'ordered', 'shipped', 'invoiced', 'ordered_value', 'invoiced_total'] as const;
/** One row as a sender writes it (a JSON line; a CSV row in the same columns). */
export type SnapshotRecord = Record<(typeof snapshotColumns)[number], string | number | null>;
export const quantityColumns = ['ordered', 'shipped', 'invoiced'] as const;
export const valueColumns = ['ordered_value', 'invoiced_total'] as const;

/** One well-formed row: the order as named (key or alias), and the figures it gives (null: not given). */
export interface SnapshotRow {
  readonly line: number;
  readonly ref: string;
  readonly orderKey: string | null;
  readonly alias: { readonly kind: string; readonly value: string } | null;
  readonly status: string | null;
  readonly lineNo: number | null;
  readonly ordered: number | null;
  readonly shipped: number | null;
  readonly invoiced: number | null;
  readonly orderedValue: number | null;
  readonly invoicedTotal: number | null;
}

export interface RowProblem {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

export type ReadRow = { readonly row: SnapshotRow } | { readonly problems: readonly RowProblem[] };

/** The file is not a snapshot at all (no `order` column, bytes that are not UTF-8): nothing can be compared. */
export class UnreadableSnapshot extends Error {
  constructor(message: string, readonly code: 'VALIDATION_FAILED' | 'INVALID_UTF8') {
    super(message);
  }
}

const decimal = /^-?\d+(\.\d+)?$/;

/**
 * Reads a snapshot one row at a time, never the whole file: CSV through
 * `csv-parse` (a header row naming the columns; a row it cannot split is
 * reported and skipped), JSON lines through `readline` (one object a line).
 * Each row is checked on its own; a bad one is reported by line and field.
 */
export async function* readSnapshot(body: AsyncIterable<Buffer | string>, format: SnapshotFormat): AsyncGenerator<ReadRow> {
  const text = strictUtf8(body);
  if (format === 'jsonl') {
    let line = 0;
    for await (const input of createInterface({ input: Readable.from(text), crlfDelay: Infinity })) {
      line++;
      if (input.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(input);
      } catch (error) {
        yield { problems: [{ line, field: 'row', reason: `not JSON: ${(error as Error).message}` }] };
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { problems: [{ line, field: 'row', reason: 'must be a JSON object' }] };
        continue;
      }
      yield checkRow(value as Record<string, unknown>, line);
    }
    return;
  }
  const skipped: RowProblem[] = [];
  const parser = parse({ columns: headerOf, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true, info: true });
  parser.on('skip', (error: CsvError) => skipped.push({ line: Number(error.lines ?? 0), field: 'row', reason: error.message }));
  const source = Readable.from(text);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  const records = parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    for await (const { record, info } of records) {
      for (const problem of skipped.splice(0)) yield { problems: [problem] };
      yield checkRow(record, info.lines);
    }
  } catch (error) {
    if (error instanceof UnreadableSnapshot) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof UnreadableSnapshot) throw cause;
    throw new UnreadableSnapshot(`the CSV cannot be read: ${(error as Error).message}`, 'VALIDATION_FAILED');
  } finally {
    source.destroy();
  }
  for (const problem of skipped.splice(0)) yield { problems: [problem] };
}

function headerOf(header: string[]): string[] {
  const names = header.map((h) => h.trim().toLowerCase());
  if (!names.includes('order')) throw new UnreadableSnapshot(`the CSV header must name an "order" column (columns: ${snapshotColumns.join(', ')})`, 'VALIDATION_FAILED');
  return names;
}

/** Refuses bytes that are not UTF-8 instead of reading them as U+FFFD. */
async function* strictUtf8(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of body) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw new UnreadableSnapshot('the body is not valid UTF-8', 'INVALID_UTF8');
    throw error;
  }
}

/** One row's fields, checked: the row, or every problem it has. */
export function checkRow(fields: Record<string, unknown>, line: number): ReadRow {
  const problems: RowProblem[] = [];
  const fail = (field: string, reason: string) => {
    problems.push({ line, field, reason });
    return null;
  };
  const text = (field: string, max: number): string | null => {
    const value = fields[field];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') return fail(field, 'must be text');
    const bad = textProblem(value);
    if (bad) return fail(field, bad);
    return value.length > max ? fail(field, `must be at most ${max} characters`) : value;
  };
  const number = (field: string, check: (n: number) => string | undefined): number | null => {
    const value = fields[field];
    if (value === undefined || value === null || value === '') return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' && decimal.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) return fail(field, `must be a number, not ${JSON.stringify(value).slice(0, 40)}`);
    const bad = check(n);
    return bad ? fail(field, bad) : n;
  };
  const ref = text('order', 300);
  const parsed = ref === null ? undefined : parseOrderRef(ref);
  if (ref === null && problems.length === 0) fail('order', 'is required: an order key, erp:<ERP order number> or po:<soldTo>:<customer PO>');
  if (parsed && 'error' in parsed) fail('order', parsed.error);
  const status = text('status', 64);
  const lineNo = number('line', (n) => (Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? undefined : 'must be a line number (a whole number from 1)'));
  const [ordered, shipped, invoiced] = quantityColumns.map((c) => number(c, (n) => (n >= 0 ? undefined : 'must not be negative')));
  const [orderedValue, invoicedTotal] = valueColumns.map((c) => number(c, () => undefined));
  if (lineNo === null && !problems.some((p) => p.field === 'line') && [ordered, shipped, invoiced].some((q) => q !== null)) fail('line', 'is required with a quantity');
  if (problems.length > 0 || !parsed || 'error' in parsed) return { problems };
  return {
    row: {
      line, ref: ref!, orderKey: 'orderKey' in parsed ? parsed.orderKey : null, alias: 'alias' in parsed ? parsed.alias : null,
      status, lineNo, ordered: ordered ?? null, shipped: shipped ?? null, invoiced: invoiced ?? null,
      orderedValue: orderedValue ?? null, invoicedTotal: invoicedTotal ?? null,
    },
  };
}
