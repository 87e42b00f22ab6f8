import type pg from 'pg';
import type { Projection, TableTargets } from '../Projection.js';
import { ident, qualified, reportingSchema, tablesIn } from '../sql.js';

/** Schema names of a rebuild; only the projection name and a number go in, both validated. */
export function rebuildSchemas(projection: Projection, version: number): { build: string; retired: string } {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name)) throw new Error(`Projection name ${JSON.stringify(projection.name)} is not a plain identifier`);
  return { build: `reporting_build_${projection.name}_v${version}`, retired: `reporting_retired_${projection.name}_v${version - 1}` };
}

/**
 * Creates empty copies of the projection's tables in `schema` (columns,
 * defaults, constraints, indexes and column comments, via LIKE … INCLUDING
 * ALL), replacing leftovers of an interrupted rebuild.
 */
export async function createBuildTables(db: Pick<pg.ClientBase, 'query'>, projection: Projection, schema: string): Promise<TableTargets> {
  await db.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
  await db.query(`CREATE SCHEMA ${ident(schema)}`);
  for (const table of projection.tables) {
    await db.query(`CREATE TABLE ${qualified(schema, table)} (LIKE ${qualified(reportingSchema, table)} INCLUDING ALL)`);
  }
  return tablesIn(schema, projection.tables);
}

export async function dropSchema(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
}
