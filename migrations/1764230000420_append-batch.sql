-- Up Migration
-- Group commit: appends to many streams in ONE statement, so concurrent
-- callers share one transaction (and one WAL flush) instead of one each.
--
-- Gap safety still holds (docs/event-store.md): every read here (stream
-- heads, stored ids) runs before the INSERT, and the transaction id is
-- assigned at the INSERT. Whatever those reads saw was committed by a
-- transaction whose id was assigned before ours, so (tx_id, seq) order still
-- agrees with every stream's revision order. Nothing is read after the write.
--
-- p_items: [{"s": stream, "x": expected, "e": [event, ...]}, ...] where each
-- event is exactly the canonical text the audit hash covers:
-- {"data":…,"id":…,"metadata":…,"recordedAt":…,"streamId":…,"type":…}
-- (the json type keeps each element's text byte for byte).
-- expected: 'any' | 'no_stream' | 'stream_exists' | a revision number.
--
-- One row per item, in order: status 'ok' | 'replay' | 'conflict', the
-- stream revision after it, the position of its last event, and for a
-- conflict the actual revision (NULL = no stream). Expectation failures and
-- partial overlaps never abort the other items. A racing writer that takes a
-- revision first makes the INSERT fail (unique_violation): the caller then
-- appends the items one by one.
CREATE FUNCTION ledger.append_batch(p_items json, p_recorded_at timestamptz)
RETURNS TABLE (item int, status text, next_revision bigint, last_position text, actual bigint)
LANGUAGE plpgsql AS $$
DECLARE
  streams text[]; expecteds text[]; counts int[];
  ev_id uuid[]; ev_type text[]; ev_text text[]; ev_data jsonb[]; ev_meta jsonb[];
  head_streams text[]; head_revs bigint[]; head_hashes text[];
  f_ids uuid[]; f_streams text[]; f_revs bigint[]; f_pos text[];
  ins_k int[] := '{}'; ins_ev int[] := '{}'; ins_rev bigint[] := '{}'; ins_prev text[] := '{}'; ins_hash text[] := '{}'; ins_seq bigint[] := '{}'; ins_id uuid[] := '{}';
  r_status text[] := '{}'; r_rev bigint[] := '{}'; r_pos text[] := '{}'; r_seq bigint[] := '{}'; r_actual bigint[] := '{}';
  n int; i int; k int; first int := 1; last int; sidx int; head bigint; h text; p int;
  found int; consistent boolean; base bigint; rev bigint; pos text; seq bigint; tx xid8;
BEGIN
  SELECT array_agg(x.value->>'s' ORDER BY x.o), array_agg(x.value->>'x' ORDER BY x.o), array_agg(json_array_length(x.value->'e') ORDER BY x.o)
    INTO streams, expecteds, counts
    FROM json_array_elements(p_items) WITH ORDINALITY AS x(value, o);
  n := coalesce(cardinality(streams), 0);
  SELECT array_agg((e.value->>'id')::uuid ORDER BY x.o, e.o), array_agg(e.value->>'type' ORDER BY x.o, e.o),
         array_agg(e.value::text ORDER BY x.o, e.o), array_agg((e.value->'data')::jsonb ORDER BY x.o, e.o),
         array_agg((e.value->'metadata')::jsonb ORDER BY x.o, e.o)
    INTO ev_id, ev_type, ev_text, ev_data, ev_meta
    FROM json_array_elements(p_items) WITH ORDINALITY AS x(value, o),
         json_array_elements(x.value->'e') WITH ORDINALITY AS e(value, o);

  -- Every read before the write (see above).
  SELECT array_agg(s.sid), array_agg(hd.revision), array_agg(hd.hash) INTO head_streams, head_revs, head_hashes
    FROM (SELECT DISTINCT unnest(streams) AS sid) s
    LEFT JOIN LATERAL (SELECT e.revision, e.hash FROM ledger.events e WHERE e.stream_id = s.sid ORDER BY e.revision DESC LIMIT 1) hd ON true;
  SELECT coalesce(array_agg(e.event_id), '{}'), array_agg(e.stream_id), array_agg(e.revision), array_agg(ledger.format_position(e.tx_id, e.seq))
    INTO f_ids, f_streams, f_revs, f_pos
    FROM ledger.events e WHERE e.event_id = ANY(ev_id);

  FOR i IN 1..n LOOP
    last := first + counts[i] - 1;
    sidx := array_position(head_streams, streams[i]);
    head := head_revs[sidx];
    -- Idempotency: ids already stored, or already taken earlier in this batch.
    found := 0; consistent := true; base := NULL; pos := NULL; seq := NULL; rev := NULL;
    FOR k IN first..last LOOP
      p := array_position(f_ids, ev_id[k]);
      IF p IS NOT NULL THEN
        found := found + 1;
        rev := f_revs[p]; pos := f_pos[p]; seq := NULL;
        consistent := consistent AND f_streams[p] = streams[i];
      ELSE
        p := array_position(ins_id, ev_id[k]);
        IF p IS NOT NULL THEN
          found := found + 1;
          rev := ins_rev[p]; pos := NULL; seq := ins_seq[p];
          consistent := consistent AND streams[ins_k[p]] = streams[i];
        END IF;
      END IF;
      IF p IS NOT NULL THEN
        IF base IS NULL THEN base := rev - (k - first); END IF;
        consistent := consistent AND rev = base + (k - first);
      END IF;
    END LOOP;
    IF found > 0 THEN
      IF found = counts[i] AND consistent THEN
        r_status[i] := 'replay'; r_rev[i] := rev; r_pos[i] := pos; r_seq[i] := seq;
      ELSE
        r_status[i] := 'conflict'; r_actual[i] := head;
      END IF;
    ELSIF (expecteds[i] = 'no_stream' AND head IS NOT NULL)
       OR (expecteds[i] = 'stream_exists' AND head IS NULL)
       OR (expecteds[i] NOT IN ('any', 'no_stream', 'stream_exists') AND head IS DISTINCT FROM expecteds[i]::bigint) THEN
      r_status[i] := 'conflict'; r_actual[i] := head;
    ELSE
      h := head_hashes[sidx];
      FOR k IN first..last LOOP
        head := coalesce(head, -1) + 1;
        ins_k := ins_k || i; ins_ev := ins_ev || k; ins_id := ins_id || ev_id[k]; ins_rev := ins_rev || head; ins_prev := ins_prev || h;
        h := encode(sha256(convert_to(coalesce(h, '') || ev_text[k], 'UTF8')), 'hex');
        ins_hash := ins_hash || h;
        ins_seq := ins_seq || nextval('ledger.events_seq');
      END LOOP;
      head_revs[sidx] := head; head_hashes[sidx] := h;
      r_status[i] := 'ok'; r_rev[i] := head; r_seq[i] := ins_seq[cardinality(ins_seq)];
    END IF;
    first := last + 1;
  END LOOP;

  IF cardinality(ins_id) > 0 THEN
    INSERT INTO ledger.events (seq, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash)
    SELECT u.s, streams[u.item], u.rev, ev_id[u.k], ev_type[u.k], ev_data[u.k], ev_meta[u.k], p_recorded_at, u.prev, u.h
      FROM unnest(ins_seq, ins_k, ins_ev, ins_rev, ins_prev, ins_hash) AS u(s, item, k, rev, prev, h);
    tx := pg_current_xact_id();
  END IF;

  RETURN QUERY
    SELECT j, r_status[j], r_rev[j], coalesce(r_pos[j], ledger.format_position(tx, r_seq[j])), r_actual[j]
      FROM generate_series(1, n) AS j;
END;
$$;
-- append_batch with one item does all append_events did.
DROP FUNCTION ledger.append_events;

COMMENT ON FUNCTION ledger.append_batch IS 'Group commit: appends to many streams in one statement, each item with its own expected revision and idempotency; answers one row per item.';

-- Down Migration
DROP FUNCTION IF EXISTS ledger.append_batch;
