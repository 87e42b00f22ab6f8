-- Up Migration
-- Integrations: named pull-consumer checkpoints, outbound integrators with
-- their checkpoints, and the parking table (the exception queue).
-- A position is the event store's fixed-width text: text order = log order.
CREATE SCHEMA IF NOT EXISTS integration;
COMMENT ON SCHEMA integration IS 'Consumer checkpoints, outbound integrators and their exception queue.';

CREATE TABLE integration.consumer_checkpoints (
  name        text        PRIMARY KEY,
  position    text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text
);
COMMENT ON TABLE integration.consumer_checkpoints IS 'Server-side checkpoints of named pull consumers; never moves backwards except by a recorded admin reset.';

CREATE TABLE integration.consumer_checkpoint_resets (
  id            bigserial   PRIMARY KEY,
  name          text        NOT NULL,
  from_position text,
  to_position   text        NOT NULL,
  actor         text        NOT NULL,
  reason        text        NOT NULL,
  at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE integration.consumer_checkpoint_resets IS 'Every admin reset of a consumer checkpoint: who, why, from where to where.';

CREATE TABLE integration.integrators (
  name                      text        PRIMARY KEY,
  url                       text        NOT NULL,
  types                     text[],
  secret                    text        NOT NULL,
  preset                    text        NOT NULL DEFAULT 'cloudevent' CHECK (preset IN ('cloudevent', 'crm-sync')),
  max_attempts              integer     NOT NULL CHECK (max_attempts > 0),
  backoff_base_ms           integer     NOT NULL CHECK (backoff_base_ms >= 0),
  backoff_max_ms            integer     NOT NULL CHECK (backoff_max_ms >= 0),
  timeout_ms                integer     NOT NULL CHECK (timeout_ms > 0),
  breaker_failure_threshold integer     NOT NULL CHECK (breaker_failure_threshold > 0),
  breaker_open_ms           integer     NOT NULL CHECK (breaker_open_ms >= 0),
  on_failure                text        NOT NULL DEFAULT 'stop' CHECK (on_failure IN ('stop', 'park')),
  origin                    text        NOT NULL DEFAULT 'api' CHECK (origin IN ('file', 'api')),
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE integration.integrators IS 'Outbound integrators (webhooks): target, filter, Standard Webhooks secret, retry and failure policy.';
COMMENT ON COLUMN integration.integrators.secret IS 'whsec_<base64 key>: signs deliveries. Never logged nor returned by the API.';
COMMENT ON COLUMN integration.integrators.types IS 'Event types delivered; NULL delivers every type.';

CREATE TABLE integration.integrator_checkpoints (
  name              text        PRIMARY KEY REFERENCES integration.integrators (name) ON DELETE CASCADE,
  position          text        NOT NULL DEFAULT '',
  epoch             bigint      NOT NULL DEFAULT 0,
  paused            boolean     NOT NULL DEFAULT false,
  status            text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopped')),
  breaker_state     text        NOT NULL DEFAULT 'closed' CHECK (breaker_state IN ('closed', 'open', 'half-open')),
  delivered_count   bigint      NOT NULL DEFAULT 0,
  last_delivered_at timestamptz,
  last_error        text,
  last_error_at     timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE integration.integrator_checkpoints IS 'Each integrator''s checkpoint and run state. epoch changes on reset/resume: a runner advances the checkpoint only while the epoch it started with still holds.';
COMMENT ON COLUMN integration.integrator_checkpoints.position IS 'Last position delivered with a 2xx (or parked); delivery resumes after it.';
COMMENT ON COLUMN integration.integrator_checkpoints.status IS 'stopped: an event exhausted its attempts under the stop policy; see integration.parked_events.';

CREATE TABLE integration.parked_events (
  id           bigserial   PRIMARY KEY,
  integrator   text        NOT NULL REFERENCES integration.integrators (name) ON DELETE CASCADE,
  event_id     uuid        NOT NULL,
  position     text        NOT NULL,
  stream_id    text        NOT NULL,
  order_key    text,
  event_type   text        NOT NULL,
  priority     numeric     NOT NULL DEFAULT 0,
  currency     text,
  policy       text        NOT NULL CHECK (policy IN ('stop', 'park')),
  attempts     integer     NOT NULL,
  last_error   text        NOT NULL,
  body         text        NOT NULL,
  state        text        NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'delivered', 'discarded')),
  parked_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz,
  CONSTRAINT parked_events_once UNIQUE (integrator, event_id)
);
CREATE INDEX parked_events_open ON integration.parked_events (priority DESC, parked_at) WHERE state = 'parked';
COMMENT ON TABLE integration.parked_events IS 'The exception queue: events an integrator could not deliver after its attempts, ranked by the order''s open value at risk.';
COMMENT ON COLUMN integration.parked_events.priority IS 'Open value at risk of the order when parked: sum of open quantity x net unit price.';
COMMENT ON COLUMN integration.parked_events.body IS 'The exact JSON body that was refused; a retry re-signs and re-sends it.';

CREATE TABLE integration.parked_event_actions (
  id         bigserial   PRIMARY KEY,
  parked_id  bigint      NOT NULL REFERENCES integration.parked_events (id) ON DELETE CASCADE,
  action     text        NOT NULL CHECK (action IN ('retry', 'discard')),
  outcome    text        NOT NULL CHECK (outcome IN ('delivered', 'failed', 'discarded')),
  actor      text        NOT NULL,
  reason     text,
  detail     text,
  at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE integration.parked_event_actions IS 'Every retry or discard of a parked event: who, why, and what happened.';

-- Down Migration
DROP SCHEMA IF EXISTS integration CASCADE;
