import type pg from 'pg';
import { ident, qualified } from '../sql.js';

/** A view to drop before its tables move and to create again after, with its comments and grants. */
export interface SavedView {
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
  readonly comment: string | null;
  readonly columnComments: readonly { column: string; comment: string }[];
  readonly grants: readonly { grantee: string; privilege: string }[];
}

/**
 * Views that read `tables`, directly or through other views, each after
 * every view it reads (by longest dependency path: a view replaced in place
 * keeps its old oid, so creation order says nothing).
 * Definitions are rendered with an empty search path, so every table name in
 * them is schema-qualified and resolves to the swapped-in table when re-run.
 */
export async function saveDependentViews(client: pg.ClientBase, tables: readonly string[]): Promise<SavedView[]> {
  await client.query('SET LOCAL search_path = pg_catalog');
  const result = await client.query<SavedView>(
    `WITH RECURSIVE deps(oid, depth) AS (
       SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ANY($1::regclass[]) AND r.ev_class <> d.refobjid
       UNION
       SELECT r.ev_class, deps.depth + 1 FROM deps JOIN pg_depend d ON d.refobjid = deps.oid AND d.classid = 'pg_rewrite'::regclass
         JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> deps.oid
     )
     SELECT n.nspname AS schema, c.relname AS name, pg_get_viewdef(c.oid) AS definition,
            obj_description(c.oid, 'pg_class') AS comment,
            coalesce((SELECT json_agg(json_build_object('column', a.attname, 'comment', col_description(c.oid, a.attnum)) ORDER BY a.attnum)
                        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND col_description(c.oid, a.attnum) IS NOT NULL), '[]') AS "columnComments",
            coalesce((SELECT json_agg(json_build_object('grantee', g.rolname, 'privilege', x.privilege_type))
                        FROM aclexplode(c.relacl) x JOIN pg_roles g ON g.oid = x.grantee WHERE x.grantee <> c.relowner), '[]') AS grants
       FROM (SELECT oid, max(depth) AS depth FROM deps GROUP BY oid) v JOIN pg_class c ON c.oid = v.oid JOIN pg_namespace n ON n.oid = c.relnamespace
      ORDER BY v.depth, c.oid`,
    [tables],
  );
  await client.query('RESET search_path');
  return result.rows;
}

export async function dropViews(client: pg.ClientBase, views: readonly SavedView[]): Promise<void> {
  for (const view of [...views].reverse()) await client.query(`DROP VIEW IF EXISTS ${qualified(view.schema, view.name)}`);
}

export async function recreateViews(client: pg.ClientBase, views: readonly SavedView[]): Promise<void> {
  for (const view of views) {
    const name = qualified(view.schema, view.name);
    await client.query(`CREATE VIEW ${name} AS ${view.definition}`);
    if (view.comment !== null) await client.query(`COMMENT ON VIEW ${name} IS ${literal(view.comment)}`);
    for (const { column, comment } of view.columnComments) {
      await client.query(`COMMENT ON COLUMN ${name}.${ident(column)} IS ${literal(comment)}`);
    }
    for (const { grantee, privilege } of view.grants) await client.query(`GRANT ${privilegeOf(privilege)} ON ${name} TO ${ident(grantee)}`);
  }
}

/** COMMENT takes no parameters; the text comes from the catalogue, quoted here as a literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function privilegeOf(privilege: string): string {
  if (!/^[A-Z ]+$/.test(privilege)) throw new Error(`Unexpected privilege ${privilege}`);
  return privilege;
}
