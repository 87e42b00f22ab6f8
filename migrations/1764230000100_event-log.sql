-- Up Migration
-- The order event log. See docs/event-store.md for the design.
--
-- Global order is (tx_id, seq): readers only return rows whose writing
-- transaction id is below the oldest transaction still in flight
-- (pg_snapshot_xmin), so a slower transaction can never commit an event
-- *behind* a reader's checkpoint. seq orders events within one transaction.
CREATE SEQUENCE ledger.events_seq AS bigint;

CREATE TABLE ledger.events (
  tx_id       xid8        NOT NULL DEFAULT pg_current_xact_id(),
  seq         bigint      NOT NULL DEFAULT nextval('ledger.events_seq'),
  stream_id   text        NOT NULL,
  revision    bigint      NOT NULL CHECK (revision >= 0),
  event_id    uuid        NOT NULL,
  type        text        NOT NULL,
  data        jsonb       NOT NULL,
  metadata    jsonb       NOT NULL,
  recorded_at timestamptz NOT NULL,
  prev_hash   text,
  hash        text        NOT NULL,
  CONSTRAINT events_stream_revision PRIMARY KEY (stream_id, revision),
  CONSTRAINT events_event_id UNIQUE (event_id),
  CONSTRAINT events_position UNIQUE (tx_id, seq)
);
ALTER SEQUENCE ledger.events_seq OWNED BY ledger.events.seq;

COMMENT ON TABLE ledger.events IS 'The order event log: append-only (UPDATE, DELETE and TRUNCATE are refused), hash-chained per stream. Global order is (tx_id, seq); read only rows with tx_id < pg_snapshot_xmin(pg_current_snapshot()).';
COMMENT ON COLUMN ledger.events.tx_id IS 'Id of the writing transaction; with seq, the global position. Rows at or above the oldest in-flight transaction id are not yet safe to read.';
COMMENT ON COLUMN ledger.events.seq IS 'Order of events within the writing transaction (a global sequence, so unique).';
COMMENT ON COLUMN ledger.events.stream_id IS 'The stream, e.g. order-<orderId>.';
COMMENT ON COLUMN ledger.events.revision IS 'Position of the event in its stream, from 0 with no gaps.';
COMMENT ON COLUMN ledger.events.event_id IS 'Deterministic event id (UUIDv5 of the idempotency key): a retried append is recognised by it.';
COMMENT ON COLUMN ledger.events.recorded_at IS 'When the log recorded the event (the store''s clock, millisecond precision).';
COMMENT ON COLUMN ledger.events.prev_hash IS 'hash of the previous event in the stream; NULL for the first.';
COMMENT ON COLUMN ledger.events.hash IS 'hex sha256(coalesce(prev_hash, '''') || canonical JSON of {id, streamId, type, data, metadata, recordedAt}).';

-- History is immutable, whoever asks: the database itself refuses edits.
CREATE FUNCTION ledger.refuse_history_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger.events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Record a correcting event instead of editing history.';
END;
$$;

CREATE TRIGGER events_refuse_edit
  BEFORE UPDATE OR DELETE ON ledger.events
  FOR EACH ROW EXECUTE FUNCTION ledger.refuse_history_edit();
CREATE TRIGGER events_refuse_truncate
  BEFORE TRUNCATE ON ledger.events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_history_edit();
REVOKE UPDATE, DELETE, TRUNCATE ON ledger.events FROM PUBLIC;

-- Appends events to one stream in one statement (one round trip, no lock
-- held beyond the row locks the unique indexes take until commit).
--
-- expected: 'any' | 'no_stream' | 'stream_exists' | a revision number.
-- canonical[i] is hashedText() of event i computed by the caller; the hash
-- chain is sha256(prev_hash || canonical[i]).
--
-- Raises SQLSTATE 'LG409' with DETAIL 'actual=<revision|no_stream>' when the
-- expectation fails or the ids partially overlap stored events. A concurrent
-- appender that wins the race for the same revision makes this one fail with
-- unique_violation (23505); the caller retries, and the retry answers with
-- either LG409 or an idempotent replay.
--
-- Rule: one transaction appends to exactly one stream (a single call in
-- autocommit). The xid is assigned at the first INSERT, after the head was
-- read, so an append that saw revision n gets a higher xid than n's writer:
-- (tx_id, seq) order agrees with every stream's revision order.
CREATE FUNCTION ledger.format_position(t xid8, s bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lpad(to_hex(t::text::bigint), 16, '0') || '-' || lpad(to_hex(s), 16, '0');
COMMENT ON FUNCTION ledger.format_position IS 'A position as text: 16 hex digits of tx_id, a dash, 16 of seq; text order = log order.';

CREATE FUNCTION ledger.append_events(
  p_stream_id text,
  p_expected text,
  p_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_recorded_at timestamptz,
  p_canonical text[],
  OUT next_revision bigint,
  OUT last_position text,
  OUT idempotent_replay boolean
)
LANGUAGE plpgsql AS $$
DECLARE
  n int := cardinality(p_ids);
  found_count int;
  same_stream boolean;
  in_order boolean;
  last_revision bigint;
  head_revision bigint;
  head_hash text;
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
  h text;
  last_seq bigint;
BEGIN
  IF n IS NULL OR n = 0 THEN
    RAISE EXCEPTION 'append_events needs at least one event' USING ERRCODE = 'invalid_parameter_value';
  END IF;

  -- One statement for the stream head (the primary key, backwards) and for
  -- idempotency: ids already stored. All of them in this stream, consecutive
  -- and in the same order, is a replay; any other overlap is a conflict.
  -- (= ANY, not a join with unnest: the plan must stay an index probe per id.)
  SELECT head.revision, head.hash, found.n, found.same_stream, found.in_order, found.last_revision
    INTO head_revision, head_hash, found_count, same_stream, in_order, last_revision
    FROM (SELECT count(*) AS n, bool_and(e.stream_id = p_stream_id) AS same_stream,
                 min(e.revision - array_position(p_ids, e.event_id))
                   = max(e.revision - array_position(p_ids, e.event_id)) AS in_order,
                 max(e.revision) AS last_revision
            FROM ledger.events e WHERE e.event_id = ANY(p_ids)) found
    LEFT JOIN LATERAL (SELECT e.revision, e.hash FROM ledger.events e
                        WHERE e.stream_id = p_stream_id ORDER BY e.revision DESC LIMIT 1) head ON true;
  IF found_count > 0 THEN
    IF found_count = n AND same_stream AND in_order THEN
      SELECT last_revision, ledger.format_position(e.tx_id, e.seq), true
        INTO next_revision, last_position, idempotent_replay
        FROM ledger.events e WHERE e.stream_id = p_stream_id AND e.revision = last_revision;
      RETURN;
    END IF;
    RAISE EXCEPTION 'stream %: % of the % event ids are already stored, at other revisions or in another stream', p_stream_id, found_count, n
      USING ERRCODE = 'LG409', DETAIL = 'actual=' || coalesce(head_revision::text, 'no_stream');
  END IF;

  -- The expectation (IF, not one boolean expression: 'any'::bigint must never be evaluated).
  IF p_expected = 'any' THEN
    NULL;
  ELSIF p_expected = 'no_stream' THEN
    IF head_revision IS NOT NULL THEN
      RAISE EXCEPTION 'stream % exists', p_stream_id
        USING ERRCODE = 'LG409', DETAIL = 'actual=' || head_revision::text;
    END IF;
  ELSIF p_expected = 'stream_exists' THEN
    IF head_revision IS NULL THEN
      RAISE EXCEPTION 'stream % does not exist', p_stream_id
        USING ERRCODE = 'LG409', DETAIL = 'actual=no_stream';
    END IF;
  ELSIF head_revision IS DISTINCT FROM p_expected::bigint THEN
    RAISE EXCEPTION 'stream % is not at revision %', p_stream_id, p_expected
      USING ERRCODE = 'LG409', DETAIL = 'actual=' || coalesce(head_revision::text, 'no_stream');
  END IF;

  IF n = 1 THEN
    -- The common case, without arrays.
    h := encode(sha256(convert_to(coalesce(head_hash, '') || p_canonical[1], 'UTF8')), 'hex');
    INSERT INTO ledger.events (stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash)
    VALUES (p_stream_id, coalesce(head_revision, -1) + 1, p_ids[1], p_types[1], p_data[1], p_metadata[1], p_recorded_at, head_hash, h)
    RETURNING ledger.events.seq INTO last_seq;
  ELSE
    -- Chain the hashes and take the sequence numbers in revision order.
    h := head_hash;
    FOR i IN 1..n LOOP
      prevs[i] := h;
      h := encode(sha256(convert_to(coalesce(h, '') || p_canonical[i], 'UTF8')), 'hex');
      hashes[i] := h;
      seqs[i] := nextval('ledger.events_seq');
    END LOOP;
    INSERT INTO ledger.events (seq, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash)
    SELECT u.s, p_stream_id, coalesce(head_revision, -1) + u.ord, u.id, u.t, u.d, u.m, p_recorded_at, u.p, u.h
      FROM unnest(seqs, p_ids, p_types, p_data, p_metadata, prevs, hashes)
           WITH ORDINALITY AS u(s, id, t, d, m, p, h, ord);
    last_seq := seqs[n];
  END IF;

  next_revision := coalesce(head_revision, -1) + n;
  last_position := ledger.format_position(pg_current_xact_id(), last_seq);
  idempotent_replay := false;
END;
$$;

COMMENT ON FUNCTION ledger.append_events IS 'Appends events to one stream with an expected revision, idempotently by event id, chaining the audit hash. One call = one transaction = one stream.';

-- Down Migration
DROP FUNCTION IF EXISTS ledger.append_events;
DROP FUNCTION IF EXISTS ledger.format_position;
DROP TABLE IF EXISTS ledger.events;
DROP FUNCTION IF EXISTS ledger.refuse_history_edit;
DROP SEQUENCE IF EXISTS ledger.events_seq;
