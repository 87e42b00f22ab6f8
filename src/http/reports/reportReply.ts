import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { toCsv } from '../csv.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { BadCursor, type Page } from '../../projections/reports/keysetPage.js';

/** The query of every cursor-paged list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Rows per page.'),
  cursor: z.string().min(1).max(2000).optional().describe('The `nextCursor` of the previous page.'),
};

/** A page of a list, `{ items, nextCursor }`; a list with figures of its own (`/v1/sync`) extends it. */
export const pageSchema = (item: z.ZodType = z.record(z.string(), z.unknown())) => z.object({
  items: z.array(item),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one. Also in the Next-Cursor header.'),
});
/** A page of a list, or the problems a list answers (a cursor it did not issue; with a period, a bad range). */
export const listResponses = (item?: z.ZodType, ...codes: Parameters<typeof problemResponses>) => ({ 200: pageSchema(item), ...problemResponses('INVALID_CURSOR', ...codes) });

/**
 * snake_case → camelCase for every field name at every depth: reports speak
 * the orders API's casing. A field named in `dataMaps` holds a map keyed by
 * data, not fields (drift counts by kind, whose keys are the `kind` values
 * rows carry): its keys are kept as they are.
 */
export function camelCased(value: unknown, dataMaps: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(value)) return value.map((v) => camelCased(v, dataMaps));
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => {
    const name = k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    return [name, dataMaps.has(name) ? v : camelCased(v, dataMaps)];
  }));
}

/** True when the client asked for CSV first (`Accept: text/csv`). */
export function wantsCsv(request: FastifyRequest): boolean {
  const first = (request.headers.accept ?? '').split(',')[0] ?? '';
  return /\btext\/csv\b/.test(first);
}

/**
 * Reads one page of any list; a cursor the list did not issue is answered
 * 400 INVALID_CURSOR here (and undefined returned: the reply is sent).
 */
export async function loadPage<P>(reply: FastifyReply, load: () => P | Promise<P>): Promise<P | undefined> {
  try {
    return await load();
  } catch (error) {
    if (!(error instanceof BadCursor)) throw error;
    sendProblem(reply, problem('INVALID_CURSOR', { detail: error.message, errors: [{ path: 'querystring.cursor', message: error.message }] }));
    return undefined;
  }
}

/** Every list's next cursor also goes in the `Next-Cursor` header (the only place it is with CSV); none on the last page. */
export function setNextCursor(reply: FastifyReply, nextCursor: string | null): void {
  if (nextCursor !== null) void reply.header('next-cursor', nextCursor);
}

/**
 * Answers one page of a report list: `{ items, nextCursor }` as JSON, or
 * the same rows as CSV (one column per field, nested values as JSON) with
 * the next cursor in the `Next-Cursor` header. `dataMaps` names the fields
 * whose keys are data (camelCased).
 */
export async function sendPage(request: FastifyRequest, reply: FastifyReply, name: string, load: () => Promise<Page<Record<string, unknown>>>,
  { dataMaps = [] }: { readonly dataMaps?: readonly string[] } = {}): Promise<Page<Record<string, unknown>> | FastifyReply> {
  const page = await loadPage(reply, load);
  if (page === undefined) return reply;
  const kept = new Set(dataMaps);
  const items = page.items.map((row) => camelCased(row, kept) as Record<string, unknown>);
  setNextCursor(reply, page.nextCursor);
  if (!wantsCsv(request)) return { items, nextCursor: page.nextCursor };
  return sendCsv(reply, name, items, page.columns?.map((c) => camelCased({ [c]: null }) as Record<string, unknown>).flatMap((o) => Object.keys(o)));
}

/** Rows as an RFC 4180 CSV attachment; the header is every field any row has, in first-seen order. */
export function sendCsv(reply: FastifyReply, name: string, rows: readonly Record<string, unknown>[], columns?: readonly string[]): FastifyReply {
  const header = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(header, rows.map((r) => header.map((h) => r[h]))));
}
