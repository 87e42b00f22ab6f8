/**
 * Every statement the PostgreSQL adapter runs, named so pg prepares each
 * once per connection (parsed and planned once, not on every call).
 */

/** Columns in the order `rowToEvent` reads them (rowMode 'array'). */
const eventColumns = `event_id, stream_id, revision, ledger.format_position(tx_id, seq), type, data, metadata,
  (extract(epoch FROM recorded_at) * 1000)::float8, hash, prev_hash`;

/** Rows every transaction below the oldest in-flight one wrote: nothing can appear behind them. */
const safe = 'tx_id < pg_snapshot_xmin(pg_current_snapshot())';

export const appendBatchSql = {
  name: 'ledger_append_batch_v1',
  text: 'SELECT item, status, next_revision, last_position, actual FROM ledger.append_batch($1::json, $2::timestamptz)',
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
 * A type-filtered page scans at most $5 rows of the log past `after`, so a
 * rare type never makes one call walk the whole log; it returns the picked
 * events plus how far it scanned (`scanned`, `scanned_to`), which becomes the
 * next position when fewer than $3 matched.
 */
export const readAllOfTypesSql = {
  name: 'ledger_read_all_types_v2',
  text: `WITH scanned AS (
      SELECT tx_id, seq, type FROM ledger.events
      WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND ${safe}
      ORDER BY tx_id, seq LIMIT $5
    ), bounds AS (
      SELECT count(*)::int AS scanned, max(ledger.format_position(tx_id, seq)) AS scanned_to FROM scanned
    ), picked AS (
      SELECT tx_id, seq FROM scanned WHERE type = ANY($4::text[]) ORDER BY tx_id, seq LIMIT $3
    )
    SELECT ${eventColumns.replaceAll(/\b(event_id|stream_id|revision|type|data|metadata|recorded_at|hash|prev_hash)\b/g, 'e.$1').replace('format_position(tx_id, seq)', 'format_position(e.tx_id, e.seq)')},
      b.scanned, b.scanned_to
    FROM bounds b
    LEFT JOIN (picked p JOIN ledger.events e ON e.tx_id = p.tx_id AND e.seq = p.seq) ON true
    ORDER BY e.tx_id, e.seq`,
};

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
  name: 'ledger_read_correlated_v1',
  text: `SELECT ${eventColumns} FROM ledger.events WHERE metadata->>'correlationId' = $1 ORDER BY tx_id, seq LIMIT $2`,
};

/** The whole log stream by stream, keyset-paged on the primary key: what the verifier walks. */
export const readStreamsInOrderSql = {
  name: 'ledger_read_streams_in_order_v1',
  text: `SELECT ${eventColumns} FROM ledger.events WHERE (stream_id, revision) > ($1, $2) ORDER BY stream_id, revision LIMIT $3`,
};
