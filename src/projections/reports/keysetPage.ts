import type pg from 'pg';

/** One sort key of a list: a non-null SQL expression over the list's columns, and its type for the cursor. */
export interface SortKey {
  readonly expr: string;
  readonly type: 'text' | 'numeric' | 'integer' | 'date' | 'timestamptz' | 'uuid';
}

/** A report list: its SELECT, parameters and unique sort order. */
export interface ListQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly keys: readonly SortKey[];
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface Page<Row> {
  readonly items: Row[];
  /** Opaque; pass it back as `cursor` for the next page. Null on the last page. */
  readonly nextCursor: string | null;
  /** The list's fields, known even when the page is empty (for a CSV header). */
  readonly columns?: readonly string[];
}

/** A cursor the server did not issue for this list. */
export class BadCursor extends Error {}

/**
 * Keyset pagination over any SELECT: rows come in ascending order of
 * `keys`, and the cursor holds the last row's key values, so a page never
 * repeats or skips a row that was there when the previous page was read
 * (unlike an offset, which shifts when rows are added before it).
 * `sql` is a full SELECT whose parameters are `$1…$n` of `params`.
 */
export async function keysetPage(db: Pick<pg.Pool, 'query'>, { sql, params, keys }: ListQuery, page: PageRequest): Promise<Page<Record<string, unknown>>> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, keys.length);
  const n = params.length;
  const keyList = keys.map((k) => k.expr).join(', ');
  const bound = keys.map((k, i) => `$${n + 2 + i}::${k.type}`).join(', ');
  const keyText = keys.map((k, i) => `(${k.expr})::text AS "__k${i}"`).join(', ');
  const result = await db.query(
    `SELECT q.*, ${keyText} FROM (${sql}) q
      WHERE $${n + 1}::boolean IS NOT TRUE OR (${keyList}) > (${bound})
      ORDER BY ${keyList} LIMIT ${page.limit + 1}`,
    [...params, after !== null, ...(after ?? keys.map(() => null))],
  ).catch((error: unknown) => {
    // A cursor value that does not cast to its key's type (class 22: data exception) was not issued here.
    if (after !== null && typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('22')) {
      throw new BadCursor('The cursor is not one this list issued.');
    }
    throw error;
  });
  const rows = result.rows as Record<string, unknown>[];
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  const nextCursor = more && last ? encodeCursor(keys.map((_, i) => last[`__k${i}`] as string)) : null;
  for (const row of items) for (let i = 0; i < keys.length; i++) delete row[`__k${i}`];
  return { items, nextCursor, columns: result.fields.map((f) => f.name).filter((name) => !name.startsWith('__k')) };
}

/** Pagination of a short list already in memory, in its own order, by a unique text key. */
export function pageInMemory<Row>(rows: readonly Row[], keyOf: (row: Row) => string, page: PageRequest): Page<Row> {
  const after = page.cursor === undefined ? -1 : rows.findIndex((r) => keyOf(r) === decodeCursor(page.cursor!, 1)[0]);
  if (page.cursor !== undefined && after < 0) throw new BadCursor('The cursor is not one this list issued.');
  const rest = rows.slice(after + 1);
  const items = rest.slice(0, page.limit);
  return { items, nextCursor: rest.length > page.limit ? encodeCursor([keyOf(items.at(-1)!)]) : null };
}

/** The one cursor format of every list: the last row's key values, opaque to clients. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The key values of a cursor `encodeCursor` made; a BadCursor for anything else. */
export function decodeCursor(cursor: string, length: number): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursor('The cursor is not one this list issued.');
  }
  if (!Array.isArray(values) || values.length !== length || !values.every((v) => typeof v === 'string')) {
    throw new BadCursor('The cursor is not one this list issued.');
  }
  return values as string[];
}
