import pg from 'pg';

/** The group role the migrations grant the service's rights to (migrations/1764230000800_service-role.sql). */
export const serviceGroupRole = 'ledger_writer';

/** The login the service connects with. */
export interface ServiceLogin {
  readonly user: string;
  readonly password: string;
}

/**
 * As the owner (the role that ran the migrations): makes `login` a login role
 * that acts as `ledger_writer`, and lets that role create the schemas a
 * projection rebuild builds in, on the database of `ownerUrl`. Idempotent;
 * run after every migration. Refuses a login that could rewrite history.
 */
export async function ensureServiceRole(ownerUrl: string, login: ServiceLogin): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await ensureServiceLogin(client, login);
    await grantServiceDatabase(client);
  } finally {
    await client.end();
  }
}

/** Cluster-wide part: the login role, its password, its membership, and the role its sessions act as. */
export async function ensureServiceLogin(client: pg.ClientBase, login: ServiceLogin): Promise<void> {
  const found = await client.query<{ rolsuper: boolean; owns: boolean }>(
    `SELECT r.rolsuper, EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                 WHERE n.nspname = 'ledger' AND c.relowner = r.oid) AS owns
       FROM pg_roles r WHERE r.rolname = $1`,
    [login.user],
  );
  const existing = found.rows[0];
  if (existing?.rolsuper || existing?.owns) {
    throw new Error(`The service role ${login.user} ${existing.rolsuper ? 'is a superuser' : 'owns objects in schema ledger'}: it could rewrite history. Give the service a login of its own (docs/roles.md).`);
  }
  // Role names and passwords cannot be bound as parameters: the server quotes them with format().
  const statements = await client.query<{ sql: string }>(
    `SELECT unnest(ARRAY[
       CASE WHEN $3 THEN format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)
            ELSE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE', $1::text, $2::text) END,
       format('GRANT %I TO %I', $4::text, $1::text),
       format('ALTER ROLE %I SET role = %L', $1::text, $4::text)
     ]) AS sql`,
    [login.user, login.password, existing !== undefined, serviceGroupRole],
  );
  for (const { sql } of statements.rows) await client.query(sql);
}

/** Per-database part (CREATE DATABASE … TEMPLATE does not copy it): rebuilds create schemas of their own. */
export async function grantServiceDatabase(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ sql: string }>(
    `SELECT format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO %I', current_database(), $1::text) AS sql`,
    [serviceGroupRole],
  );
  await client.query(rows[0]!.sql);
}

/** Why the pool's role could rewrite history, or null when it cannot. */
export async function historyRewriteRisk(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ role: string; rolsuper: boolean; owner: boolean }>(
    `SELECT session_user AS role, r.rolsuper,
            pg_has_role(session_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'ledger.events'::regclass), 'USAGE') AS owner
       FROM pg_roles r WHERE r.rolname = session_user`,
  );
  const row = rows[0];
  if (!row) return null;
  if (row.rolsuper) return `the service connects as ${row.role}, a superuser`;
  if (row.owner) return `the service connects as ${row.role}, which owns ledger.events`;
  return null;
}

/** The login in a postgres:// URL. */
export function loginOf(url: string): ServiceLogin {
  const parsed = new URL(url);
  return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}
