-- Up Migration
-- Which API keys may move a named consumer's checkpoint forward. A read key
-- can read the feed and any checkpoint, but writes only the checkpoints of
-- consumers it is bound to (an admin key writes any): otherwise one
-- integration could move another's checkpoint and make it skip events.
CREATE TABLE integration.consumer_keys (
  consumer  text        NOT NULL,
  key_id    text        NOT NULL CHECK (key_id ~ '^[a-z0-9]{12}$'),
  bound_by  text        NOT NULL,
  bound_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, key_id)
);
COMMENT ON TABLE integration.consumer_keys IS 'API keys bound to a named pull consumer: besides admin keys, only these may store its checkpoint.';
COMMENT ON COLUMN integration.consumer_keys.key_id IS 'The id part of the key (olk_<id>_…); a revoked key no longer authenticates, so its binding does nothing.';
COMMENT ON COLUMN integration.consumer_keys.bound_by IS 'The admin who bound it, as SYSTEM:keyId.';

-- Down Migration
DROP TABLE IF EXISTS integration.consumer_keys;
