/**
 * Every statement the PostgreSQL adapter runs, named so pg prepares each
 * once per connection (parsed and planned once, not on every call).
 */

/** Columns in the order `rowToEvent` reads them (rowMode 'array'). */
const eventColumns = `event_id, stream_id, revision, ledger.format_position(tx_id, seq), type, data, metadata,
  (extract(epoch FROM recorded_at) * 1000)::float8, hash, prev_hash`;

/** The stored columns `eventColumns` is computed from, besides tx_id and seq. */
const rowColumns = 'event_id, stream_id, revision, type, data, metadata, recorded_at, hash, prev_hash';

/** Rows every transaction below the oldest in-flight one wrote: nothing can appear behind them. */
const safe = 'tx_id < pg_snapshot_xmin(pg_current_snapshot())';

/**
 * Group commit: appends to many streams in ONE statement (one transaction,
 * one WAL flush), each item with its own expectation and idempotency.
 *
 * $1: [{"s": stream, "x": expected, "e": [event, …]}, …] where each event is
 * exactly the canonical text the audit hash covers (`json` keeps each
 * element's text byte for byte). At most one item per stream (the batcher
 * sees to it), so items never depend on each other.
 *
 * Gap safety (docs/event-store.md): every read here uses the statement's
 * snapshot, taken before the INSERT assigns the transaction id, so whatever
 * it saw was written by a transaction with a lower id.
 *
 * One row per item: 'ok' | 'replay' | 'conflict', the stream revision after
 * it, the position of its last event, and for a conflict the actual head
 * (NULL = no stream). A racing writer that takes a revision first makes the
 * INSERT fail (unique_violation); the batcher then retries item by item.
 */
export const appendBatchSql = {
  name: 'ledger_append_batch_v2',
  text: `WITH items AS (
      SELECT x.o::int AS item, x.value->>'s' AS stream_id, x.value->>'x' AS expected, x.value->'e' AS evs
      FROM json_array_elements($1::json) WITH ORDINALITY AS x(value, o)
    ), evs AS (
      SELECT i.item, e.o::int AS ord, e.value::text AS canonical, e.value::jsonb AS body
      FROM items i, json_array_elements(i.evs) WITH ORDINALITY AS e(value, o)
    ), heads AS (
      SELECT i.item, hd.revision AS head, hd.hash AS head_hash
      FROM items i LEFT JOIN LATERAL (
        SELECT revision, hash FROM ledger.events WHERE stream_id = i.stream_id ORDER BY revision DESC LIMIT 1) hd ON true
    ), stored AS (
      -- = ANY(array): one index probe per id, never a scan of the log.
      SELECT event_id, stream_id, revision, tx_id, seq FROM ledger.events
      WHERE event_id = ANY (ARRAY(SELECT (body->>'id')::uuid FROM evs))
    ), found AS (
      SELECT v.item, count(*) AS n, bool_and(f.stream_id = i.stream_id) AS same_stream,
             min(f.revision - v.ord) = max(f.revision - v.ord) AS in_order, max(f.revision) AS last_rev,
             (array_agg(ledger.format_position(f.tx_id, f.seq) ORDER BY f.revision DESC))[1] AS last_pos
      FROM evs v JOIN items i USING (item) JOIN stored f ON f.event_id = (v.body->>'id')::uuid
      GROUP BY v.item
    ), sizes AS (
      SELECT item, count(*) AS n FROM evs GROUP BY item
    ), decided AS (
      SELECT i.item, i.stream_id, h.head, h.head_hash, f.last_rev, f.last_pos,
        CASE
          WHEN f.n = s.n AND f.same_stream AND f.in_order THEN 'replay'
          WHEN f.n IS NOT NULL THEN 'conflict'
          WHEN i.expected = 'any' THEN 'ok'
          WHEN i.expected = 'no_stream' THEN CASE WHEN h.head IS NULL THEN 'ok' ELSE 'conflict' END
          WHEN i.expected = 'stream_exists' THEN CASE WHEN h.head IS NULL THEN 'conflict' ELSE 'ok' END
          WHEN h.head = i.expected::bigint THEN 'ok'
          ELSE 'conflict'
        END AS status
      FROM items i JOIN heads h USING (item) JOIN sizes s USING (item) LEFT JOIN found f USING (item)
    ), chained AS (
      SELECT d.item, v.ord, d.stream_id, coalesce(d.head, -1) + v.ord AS revision, v.body, d.head_hash,
             ledger.chain_hash(d.head_hash, v.canonical) OVER (PARTITION BY d.item ORDER BY v.ord) AS hash
      FROM decided d JOIN evs v USING (item)
      WHERE d.status = 'ok'
    ), ordered AS (
      SELECT c.*, coalesce(lag(c.hash) OVER (PARTITION BY c.item ORDER BY c.ord), c.head_hash) AS prev_hash,
             row_number() OVER (ORDER BY c.item, c.ord) AS rn
      FROM chained c
    ), seqs AS (
      -- Sequence numbers handed out in event order, whatever order nextval ran in.
      SELECT array_agg(s ORDER BY s) AS a FROM (SELECT nextval('ledger.events_seq') AS s FROM ordered) z
    ), inserted AS (
      INSERT INTO ledger.events (seq, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash)
      SELECT seqs.a[o.rn], o.stream_id, o.revision, (o.body->>'id')::uuid, o.body->>'type',
             o.body->'data', o.body->'metadata', $2::timestamptz, o.prev_hash, o.hash
      FROM ordered o, seqs
      RETURNING stream_id, revision, seq
    ), last_rows AS (
      SELECT stream_id, max(revision) AS revision, max(seq) AS seq FROM inserted GROUP BY stream_id
    )
    SELECT d.item, d.status,
           CASE d.status WHEN 'ok' THEN l.revision WHEN 'replay' THEN d.last_rev END,
           CASE d.status WHEN 'ok' THEN ledger.format_position(pg_current_xact_id(), l.seq) WHEN 'replay' THEN d.last_pos END,
           CASE d.status WHEN 'conflict' THEN d.head END
    FROM decided d LEFT JOIN last_rows l ON l.stream_id = d.stream_id AND d.status = 'ok'
    ORDER BY d.item`,
};


export const readStreamSql = {
  name: 'ledger_read_stream_v1',
  text: `SELECT ${eventColumns} FROM ledger.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
};

// Keyset pagination on the (tx_id, seq) index: a page costs the same at any log length.
export const readAllSql = {
  name: 'ledger_read_all_v1',
  text: `SELECT ${eventColumns} FROM ledger.events
    WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND ${safe}
    ORDER BY tx_id, seq LIMIT $3`,
};

/**
 * A filtered page scans at most $5 rows of its source (the whole log, or
 * the rows of some stream buckets) past `after`, so a rare
 * type or a small partition never makes one call walk the whole log, and
 * stops as soon as $3 events matched. One index scan, as for `readAllSql`:
 * the window carries the columns of the rows it passes on, so no match is
 * looked up again, and the page comes out in index order (no sort).
 *
 * A page that did not fill (the end of the log, a rare type) asks `bounds`
 * how far its window reached: rows scanned, the last one's position, the
 * matches in it (up to $3), and the last readable event of the whole log
 * (where a window that did not fill lets the reader move on to: past it,
 * nothing of the source is readable yet). That is a second statement, with a snapshot
 * of its own: its window is the page's window or runs on past it (the safe
 * horizon only moves on, and everything below the page's horizon was
 * already there), so as long as it counts no more matches than the page
 * returned, nothing lies between the page and the window's end.
 */
function filteredRead(name: string, where: string, scannedColumns: string, source = 'ledger.events') {
  const windowRows = (columns: string) => `SELECT ${columns} FROM ${source}
      WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND ${safe}
      ORDER BY tx_id, seq LIMIT $5`;
  return {
    page: {
      name: `${name}_page`,
      text: `SELECT ${eventColumns} FROM (${windowRows(`tx_id, seq, ${rowColumns}`)}) w
        WHERE ${where} ORDER BY tx_id, seq LIMIT $3`,
    },
    bounds: {
      name: `${name}_bounds`,
      text: `WITH scanned AS (${windowRows(scannedColumns)})
        SELECT (SELECT count(*)::int FROM scanned),
          (SELECT ledger.format_position(tx_id, seq) FROM scanned ORDER BY tx_id DESC, seq DESC LIMIT 1),
          (SELECT least(count(*), $3)::int FROM scanned WHERE ${where}),
          (SELECT ledger.format_position(tx_id, seq) FROM ledger.events WHERE ${safe} ORDER BY tx_id DESC, seq DESC LIMIT 1)`,
    },
  };
}

/** Events of some types ($4). */
export const readAllOfTypes = filteredRead('ledger_read_all_types_v5', 'type = ANY($4::text[])', 'tx_id, seq, type');

/**
 * The rows of some stream buckets ($6, one array element per branch) in log
 * order: each branch is one scan of the events_bucket_position index, whose
 * rows come out by (tx_id, seq) for its one bucket, and the planner merges
 * them (Merge Append), so no row of another bucket is read. The ORDER BY in
 * each branch is what lets it: a branch with a WHERE of its own stays a
 * subquery, planned apart, and only a sorted one offers its order upwards.
 */
function bucketRows(buckets: number): string {
  const branches = Array.from({ length: buckets }, (_, k) => `(SELECT tx_id, seq, ${rowColumns} FROM ledger.events
        WHERE stream_bucket = ($6::int[])[${k + 1}] ORDER BY tx_id, seq)`);
  return `(${branches.join('\n      UNION ALL ')}) b`;
}

const partitionReads = new Map<number, ReturnType<typeof filteredRead>>();

/**
 * Events of the stream buckets $6 (the buckets of one partition: as many
 * as `bucketsOf` gives for its count), of some types ($4) or all ($4 NULL).
 * The window counts only the partition's own rows. One statement per
 * number of buckets, prepared once per connection; run after
 * `bucketMergePlanSql`.
 */
export function readAllOfBuckets(buckets: number): ReturnType<typeof filteredRead> {
  let read = partitionReads.get(buckets);
  if (!read) {
    read = filteredRead(`ledger_read_all_buckets_v1_${buckets}`, '($4::text[] IS NULL OR type = ANY($4::text[]))', 'tx_id, seq, type', bucketRows(buckets));
    partitionReads.set(buckets, read);
  }
  return read;
}

/**
 * Opens the transaction a partition's read runs in: the merge of its
 * buckets' index scans is the only plan left. Otherwise, whenever it
 * reckons the window reaches past most of the partition's rows, the planner
 * prefers to fetch all of them (a bitmap scan, in parallel) and sort them,
 * on disk: on a 200,000-event log that is 0.5 s a page instead of a few ms,
 * and each page sorts everything the partition has left again.
 */
export const bucketMergePlanSql = 'BEGIN READ ONLY ISOLATION LEVEL READ COMMITTED; SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL max_parallel_workers_per_gather = 0';

export const streamHeadSql = {
  name: 'ledger_stream_head_v1',
  text: 'SELECT revision FROM ledger.events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1',
};

export const headPositionSql = {
  name: 'ledger_head_position_v1',
  text: 'SELECT ledger.format_position(tx_id, seq) FROM ledger.events ORDER BY tx_id DESC, seq DESC LIMIT 1',
};

/**
 * Newest vs safe position, events not yet readable, and the age of the
 * transaction that holds readers back (the one whose xid is the snapshot's
 * xmin), all from one snapshot. pg_stat_activity shows a 32-bit xid.
 */
export const readLagSql = {
  name: 'ledger_read_lag_v1',
  text: `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
    behind AS (SELECT count(*) AS n FROM ledger.events, horizon WHERE tx_id >= horizon.xmin)
    SELECT
      (SELECT ledger.format_position(tx_id, seq) FROM ledger.events ORDER BY tx_id DESC, seq DESC LIMIT 1),
      (SELECT ledger.format_position(tx_id, seq) FROM ledger.events, horizon
        WHERE tx_id < horizon.xmin ORDER BY tx_id DESC, seq DESC LIMIT 1),
      behind.n,
      CASE WHEN behind.n > 0 THEN
        (SELECT extract(epoch FROM clock_timestamp() - a.xact_start)::float8 FROM pg_stat_activity a
          WHERE a.backend_xid::text::bigint = horizon.xmin::text::bigint % 4294967296 LIMIT 1)
      END
    FROM horizon, behind`,
};

export const notifyChannel = 'ledger_events';

/** Served by the expression index of migrations/1764230000410; sorted in position order. */
export const readCorrelatedSql = {
  name: 'ledger_read_correlated_v2',
  text: `SELECT ${eventColumns} FROM ledger.events
          WHERE metadata->>'correlationId' = $1 AND (tx_id, seq) > ($3::xid8, $4::bigint) ORDER BY tx_id, seq LIMIT $2`,
};

/** The whole log stream by stream, keyset-paged on the primary key: what the verifier walks. */
export const readStreamsInOrderSql = {
  name: 'ledger_read_streams_in_order_v1',
  text: `SELECT ${eventColumns} FROM ledger.events WHERE (stream_id, revision) > ($1, $2) ORDER BY stream_id, revision LIMIT $3`,
};
