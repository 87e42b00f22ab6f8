import type pg from 'pg';
import type { Projection, TableTargets } from '../Projection.js';
import { ident, qualified, reportingSchema, tablesIn } from '../sql.js';

/** Schema names of a rebuild; only the projection name and a number go in, both validated. */
export function rebuildSchemas(projection: Projection, version: number): { build: string; retired: string } {
  if (!/^[a-z][a-z0-9_]*$/.test(projection.name)) throw new Error(`Projection name ${JSON.stringify(projection.name)} is not a plain identifier`);
  return { build: `reporting_build_${projection.name}_v${version}`, retired: `reporting_retired_${projection.name}_v${version - 1}` };
}

export interface BuildTables {
  readonly tables: TableTargets;
  /** Creates the secondary indexes, left out while the tables are filled: one sort each instead of an update per row. */
  createIndexes(db: Pick<pg.ClientBase, 'query'>): Promise<void>;
}

/**
 * Creates empty copies of the projection's tables in `schema` (columns,
 * defaults, constraints, keys and column comments, via LIKE … INCLUDING
 * ALL), replacing leftovers of an interrupted rebuild. Secondary indexes
 * (neither unique nor a key) are dropped from the copies and come back,
 * under their live names, with `createIndexes` once the bulk load is done.
 */
export async function createBuildTables(db: Pick<pg.ClientBase, 'query'>, projection: Projection, schema: string): Promise<BuildTables> {
  await db.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
  await db.query(`CREATE SCHEMA ${ident(schema)}`);
  const later: string[] = [];
  for (const table of projection.tables) {
    const built = qualified(schema, table);
    await db.query(`CREATE TABLE ${built} (LIKE ${qualified(reportingSchema, table)} INCLUDING ALL)`);
    for (const name of (await secondaryIndexes(db, built)).map((i) => i.name)) await db.query(`DROP INDEX ${qualified(schema, name)}`);
    for (const index of await secondaryIndexes(db, qualified(reportingSchema, table))) {
      later.push(`CREATE INDEX ${ident(index.name)} ON ${built} ${index.method}`);
    }
  }
  return {
    tables: tablesIn(schema, projection.tables),
    async createIndexes(target) {
      for (const statement of later) await target.query(statement);
    },
  };
}

/** Indexes of `table` that are neither unique nor behind a constraint; `method` is their definition from USING on. */
async function secondaryIndexes(db: Pick<pg.ClientBase, 'query'>, table: string): Promise<{ name: string; method: string }[]> {
  const result = await db.query<{ name: string; method: string }>(
    `SELECT c.relname AS name, substring(pg_get_indexdef(i.indexrelid) FROM ' (USING .*)$') AS method
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`,
    [table],
  );
  return result.rows;
}

export async function dropSchema(db: Pick<pg.ClientBase, 'query'>, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
}
