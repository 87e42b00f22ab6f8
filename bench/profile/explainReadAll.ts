/**
 * Why a readAll page costs what it does:
 *   npx tsx bench/profile/explainReadAll.ts [events=200000]
 * Loads a log through the adapter, copies the same rows into the bare table
 * (server-side), then shows EXPLAIN (ANALYZE, BUFFERS) of both page queries
 * at the start and the end of the log, and client-side ms per page of each.
 */
import pg from 'pg';
import { readAllSql } from '../../src/eventstore/postgres/sql.js';
import { bareReadPageSql, bareSchemaSql } from '../baseline/bareSchema.js';
import { barePagedReads } from '../baseline/bareTargets.js';
import { ledgerAppends, ledgerPagedReads } from '../eventstore/ledgerTargets.js';
import { loadLog } from '../harness/loadLog.js';
import { pageSize } from '../harness/plan.js';
import type { PagedReadTarget } from '../harness/targets.js';
import { startProfileServer } from './profileServer.js';

const events = Number(process.argv[2] ?? 200_000);
const log = (message: string): void => void process.stderr.write(`${message}\n`);
const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  await loadLog(ledgerAppends(url), { from: 0, to: events, writers: 8, perCall: 100, tag: 'x', log });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(bareSchemaSql);
  await db.query(`INSERT INTO bare_events (stream_id, stream_position, event_id, type, data, metadata, created_at)
    SELECT stream_id, revision, event_id, type, data, metadata, recorded_at FROM ledger.events ORDER BY tx_id, seq`);
  await db.query('VACUUM ANALYZE');
  const nearEnd = await db.query<{ t: string; s: string; g: string }>(
    `SELECT (SELECT tx_id::text FROM ledger.events ORDER BY tx_id DESC, seq DESC OFFSET ${20 * pageSize} LIMIT 1) AS t,
            (SELECT seq::text FROM ledger.events ORDER BY tx_id DESC, seq DESC OFFSET ${20 * pageSize} LIMIT 1) AS s,
            (SELECT global_position::text FROM bare_events ORDER BY global_position DESC OFFSET ${20 * pageSize} LIMIT 1) AS g`,
  );
  const end = nearEnd.rows[0] as { t: string; s: string; g: string };
  for (const [label, text, values] of [
    ['ours, start', readAllSql.text, ['0', '0', pageSize]],
    ['ours, end', readAllSql.text, [end.t, end.s, pageSize]],
    ['bare, start', bareReadPageSql.text, ['0', pageSize]],
    ['bare, end', bareReadPageSql.text, [end.g, pageSize]],
  ] as const) {
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, VERBOSE) ${text}`, [...values]);
    console.log(`\n== ${label}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  }
  await db.end();
  console.log('\nclient-side, 20 pages from the start (query + turning rows into events):');
  console.log(`ours ${(await msPerPage(ledgerPagedReads(url))).toFixed(2)} ms/page, bare ${(await msPerPage(barePagedReads(url))).toFixed(2)} ms/page`);
} finally {
  await server.stop();
}

async function msPerPage<Cursor>(open: () => Promise<PagedReadTarget<Cursor>>): Promise<number> {
  const target = await open();
  let best = Infinity;
  for (let rep = 0; rep < 3; rep += 1) {
    let cursor = target.start;
    const started = performance.now();
    for (let page = 0; page < 20; page += 1) cursor = (await target.readPage(cursor, pageSize)).next;
    best = Math.min(best, (performance.now() - started) / 20);
  }
  await target.close();
  return best;
}
