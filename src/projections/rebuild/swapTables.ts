import type pg from 'pg';
import type { Projection } from '../Projection.js';
import { ident, qualified, reportingSchema } from '../sql.js';
import { dropViews, literal, privilegeOf, recreateViews, saveDependentViews } from './dependentViews.js';

/**
 * Inside the caller's transaction: moves the live tables to `retired`, the
 * built ones into `reporting` (indexes move with them), carries over table
 * comments and grants, and re-creates the views that read them. Readers see
 * the old tables until commit and the new ones after.
 */
export async function swapTables(client: pg.ClientBase, projection: Projection, build: string, retired: string): Promise<void> {
  const live = projection.tables.map((t) => qualified(reportingSchema, t));
  const views = await saveDependentViews(client, live);
  const carried = await tableDecorations(client, live);
  await dropViews(client, views);
  await client.query(`DROP SCHEMA IF EXISTS ${ident(retired)} CASCADE`);
  await client.query(`CREATE SCHEMA ${ident(retired)}`);
  for (const table of projection.tables) {
    await client.query(`ALTER TABLE ${qualified(reportingSchema, table)} SET SCHEMA ${ident(retired)}`);
    await client.query(`ALTER TABLE ${qualified(build, table)} SET SCHEMA ${ident(reportingSchema)}`);
  }
  for (const table of carried) {
    const name = qualified(reportingSchema, table.name);
    if (table.comment !== null) await client.query(`COMMENT ON TABLE ${name} IS ${literal(table.comment)}`);
    for (const { grantee, privilege } of table.grants) await client.query(`GRANT ${privilegeOf(privilege)} ON ${name} TO ${ident(grantee)}`);
  }
  await recreateViews(client, views);
  await client.query(`DROP SCHEMA ${ident(retired)} CASCADE`);
  await client.query(`DROP SCHEMA ${ident(build)} CASCADE`);
}

interface Decorations {
  readonly name: string;
  readonly comment: string | null;
  readonly grants: readonly { grantee: string; privilege: string }[];
}

/** What LIKE … INCLUDING ALL does not copy: the table's own comment and its grants. */
async function tableDecorations(client: pg.ClientBase, tables: readonly string[]): Promise<Decorations[]> {
  const result = await client.query<Decorations>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment,
            coalesce((SELECT json_agg(json_build_object('grantee', g.rolname, 'privilege', x.privilege_type))
                        FROM aclexplode(c.relacl) x JOIN pg_roles g ON g.oid = x.grantee WHERE x.grantee <> c.relowner), '[]') AS grants
       FROM unnest($1::regclass[]) AS t(oid) JOIN pg_class c ON c.oid = t.oid`,
    [tables],
  );
  return result.rows;
}
