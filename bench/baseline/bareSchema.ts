/**
 * BENCH-ANCHORS.md's "bare" table: the physical limit for this shape of
 * work (plain SQL, no guarantees beyond unique (stream, position)).
 */
export const bareSchemaSql = `
CREATE TABLE bare_events (
  global_position bigserial   PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_position bigint      NOT NULL,
  event_id        uuid        NOT NULL,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_position)
)`;

const columns = 'stream_id, stream_position, event_id, type, data, metadata';
const readColumns = `global_position, ${columns}, created_at`;

export const bareInsertOneSql = {
  name: 'bare_insert_1',
  text: `INSERT INTO bare_events (${columns}) VALUES ($1, $2, $3, $4, $5, $6)`,
};

/** One multi-row INSERT of `rows` rows (prepared once per connection). */
export function bareInsertManySql(rows: number): { name: string; text: string } {
  const tuples = Array.from({ length: rows }, (_, r) => `(${Array.from({ length: 6 }, (_, c) => `$${r * 6 + c + 1}`).join(', ')})`);
  return { name: `bare_insert_${rows}`, text: `INSERT INTO bare_events (${columns}) VALUES ${tuples.join(', ')}` };
}

export const bareCopySql = `COPY bare_events (${columns}) FROM STDIN`;

export const bareReadStreamSql = {
  name: 'bare_read_stream',
  text: `SELECT ${readColumns} FROM bare_events WHERE stream_id = $1 ORDER BY stream_position`,
};

export const bareReadPageSql = {
  name: 'bare_read_page',
  text: `SELECT ${readColumns} FROM bare_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
};

export const bareCursorBeforeEndSql = 'SELECT global_position::text AS p FROM bare_events ORDER BY global_position DESC OFFSET $1 LIMIT 1';
