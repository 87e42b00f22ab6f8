import type { TableTargets } from './Projection.js';

/** Quotes an SQL identifier: an identifier that varies is never spliced raw into SQL, so it is quoted here. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, both parts quoted. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

export const reportingSchema = 'reporting';

/** The targets of a projection's tables inside `schema`. */
export function tablesIn(schema: string, tables: readonly string[]): TableTargets {
  return Object.fromEntries(tables.map((table) => [table, qualified(schema, table)]));
}

/** The target of one logical table; a projection naming a table it did not declare is a bug. */
export function target(tables: TableTargets, name: string): string {
  const found = tables[name];
  if (found === undefined) throw new Error(`No target for table ${name}: declare it in the projection's tables`);
  return found;
}
