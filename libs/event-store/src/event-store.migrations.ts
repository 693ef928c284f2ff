import type { Migration } from './migrations.js';

/** SQLSTATE raised by `append_to_stream` when the expected version does not match. */
export const STREAM_VERSION_CONFLICT_SQLSTATE = 'HC409';

export const eventStoreMigrations: readonly Migration[] = [
  {
    id: '202611270001_event_store',
    sql: `
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id uuid NOT NULL UNIQUE,
  stream_id text NOT NULL,
  stream_version integer NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  payload jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  correlation_id text NOT NULL,
  causation_id text,
  actor jsonb,
  command_id text,
  PRIMARY KEY (stream_id, stream_version)
);
-- Readers of "everything after a checkpoint" walk this index in commit-visibility order.
CREATE INDEX events_commit_order ON events (transaction_id, global_position);

CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  version integer NOT NULL,
  -- The transaction that wrote the head: a later writer must hold a larger xid (see append_to_stream).
  last_transaction_id xid8 NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE command_log (
  command_id text PRIMARY KEY,
  stream_id text NOT NULL,
  first_version integer NOT NULL,
  last_version integer NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One round trip per append: idempotency check, optimistic concurrency and insert in one call,
-- inside the caller's transaction when there is one.
-- expected_version: -1 = any, 0 = the stream must not exist, n = the stream must be at n.
CREATE FUNCTION append_to_stream(p_stream_id text, p_expected_version integer, p_command_id text, p_events jsonb)
RETURNS TABLE (outcome text, first_version integer, last_version integer, positions bigint[], transaction_id xid8)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_current integer;
  v_last_xid xid8;
  v_xid xid8 := pg_current_xact_id();
  v_positions bigint[];
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'append_to_stream needs at least one event' USING ERRCODE = '22023';
  END IF;
  IF p_command_id IS NOT NULL THEN
    INSERT INTO command_log (command_id, stream_id, first_version, last_version)
    VALUES (p_command_id, p_stream_id, 0, 0)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RETURN QUERY
        SELECT 'duplicate'::text, c.first_version, c.last_version,
               ARRAY(SELECT e.global_position FROM events e
                     WHERE e.stream_id = c.stream_id AND e.stream_version BETWEEN c.first_version AND c.last_version
                     ORDER BY e.stream_version),
               NULL::xid8
        FROM command_log c WHERE c.command_id = p_command_id;
      RETURN;
    END IF;
  END IF;

  SELECT s.version, s.last_transaction_id INTO v_current, v_last_xid
  FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;

  IF NOT FOUND THEN
    IF p_expected_version > 0 THEN
      RAISE EXCEPTION 'stream % expected at version %, but it does not exist', p_stream_id, p_expected_version
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = '0';
    END IF;
    v_current := 0;
    INSERT INTO streams (stream_id, version, last_transaction_id) VALUES (p_stream_id, v_count, v_xid)
    ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      -- Another transaction created the stream between our read and insert.
      RAISE EXCEPTION 'stream % was created concurrently', p_stream_id
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = '-1';
    END IF;
  ELSE
    IF p_expected_version >= 0 AND v_current <> p_expected_version THEN
      RAISE EXCEPTION 'stream % expected at version %, but it is at %', p_stream_id, p_expected_version, v_current
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = v_current::text;
    END IF;
    -- Readers order by (transaction_id, global_position). A transaction whose xid predates the
    -- stream's last writer would sort before an event it follows, so it must retry with a new xid.
    IF v_xid < v_last_xid THEN
      RAISE EXCEPTION 'stream % was last written by a newer transaction; retry', p_stream_id
        USING ERRCODE = '40001';
    END IF;
    UPDATE streams SET version = v_current + v_count, last_transaction_id = v_xid, updated_at = clock_timestamp()
    WHERE stream_id = p_stream_id;
  END IF;

  WITH inserted AS (
    INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, payload, occurred_at,
                        correlation_id, causation_id, actor, command_id)
    SELECT (e.value->>'eventId')::uuid, p_stream_id, v_current + e.ordinality::integer, e.value->>'type',
           (e.value->>'schemaVersion')::integer, e.value->'payload', (e.value->>'occurredAt')::timestamptz,
           e.value->>'correlationId', e.value->>'causationId', NULLIF(e.value->'actor', 'null'::jsonb), p_command_id
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality)
    ORDER BY e.ordinality
    RETURNING global_position, stream_version
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_version) INTO v_positions FROM inserted i;

  IF p_command_id IS NOT NULL THEN
    UPDATE command_log SET first_version = v_current + 1, last_version = v_current + v_count
    WHERE command_id = p_command_id;
  END IF;

  RETURN QUERY SELECT 'appended'::text, v_current + 1, v_current + v_count, v_positions, v_xid;
END
$fn$;
`,
  },
  {
    id: '202611280001_event_trace_context',
    sql: `
-- The trace context of the operation that appended an event, continued by the relay's publish span.
ALTER TABLE events ADD COLUMN trace_context jsonb;

CREATE OR REPLACE FUNCTION append_to_stream(p_stream_id text, p_expected_version integer, p_command_id text, p_events jsonb)
RETURNS TABLE (outcome text, first_version integer, last_version integer, positions bigint[], transaction_id xid8)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_current integer;
  v_last_xid xid8;
  v_xid xid8 := pg_current_xact_id();
  v_positions bigint[];
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'append_to_stream needs at least one event' USING ERRCODE = '22023';
  END IF;
  IF p_command_id IS NOT NULL THEN
    INSERT INTO command_log (command_id, stream_id, first_version, last_version)
    VALUES (p_command_id, p_stream_id, 0, 0)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RETURN QUERY
        SELECT 'duplicate'::text, c.first_version, c.last_version,
               ARRAY(SELECT e.global_position FROM events e
                     WHERE e.stream_id = c.stream_id AND e.stream_version BETWEEN c.first_version AND c.last_version
                     ORDER BY e.stream_version),
               NULL::xid8
        FROM command_log c WHERE c.command_id = p_command_id;
      RETURN;
    END IF;
  END IF;

  SELECT s.version, s.last_transaction_id INTO v_current, v_last_xid
  FROM streams s WHERE s.stream_id = p_stream_id FOR UPDATE;

  IF NOT FOUND THEN
    IF p_expected_version > 0 THEN
      RAISE EXCEPTION 'stream % expected at version %, but it does not exist', p_stream_id, p_expected_version
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = '0';
    END IF;
    v_current := 0;
    INSERT INTO streams (stream_id, version, last_transaction_id) VALUES (p_stream_id, v_count, v_xid)
    ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      -- Another transaction created the stream between our read and insert.
      RAISE EXCEPTION 'stream % was created concurrently', p_stream_id
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = '-1';
    END IF;
  ELSE
    IF p_expected_version >= 0 AND v_current <> p_expected_version THEN
      RAISE EXCEPTION 'stream % expected at version %, but it is at %', p_stream_id, p_expected_version, v_current
        USING ERRCODE = '${STREAM_VERSION_CONFLICT_SQLSTATE}', DETAIL = v_current::text;
    END IF;
    -- Readers order by (transaction_id, global_position). A transaction whose xid predates the
    -- stream's last writer would sort before an event it follows, so it must retry with a new xid.
    IF v_xid < v_last_xid THEN
      RAISE EXCEPTION 'stream % was last written by a newer transaction; retry', p_stream_id
        USING ERRCODE = '40001';
    END IF;
    UPDATE streams SET version = v_current + v_count, last_transaction_id = v_xid, updated_at = clock_timestamp()
    WHERE stream_id = p_stream_id;
  END IF;

  WITH inserted AS (
    INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, payload, occurred_at,
                        correlation_id, causation_id, actor, command_id, trace_context)
    SELECT (e.value->>'eventId')::uuid, p_stream_id, v_current + e.ordinality::integer, e.value->>'type',
           (e.value->>'schemaVersion')::integer, e.value->'payload', (e.value->>'occurredAt')::timestamptz,
           e.value->>'correlationId', e.value->>'causationId', NULLIF(e.value->'actor', 'null'::jsonb), p_command_id,
           NULLIF(e.value->'traceContext', 'null'::jsonb)
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality)
    ORDER BY e.ordinality
    RETURNING global_position, stream_version
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_version) INTO v_positions FROM inserted i;

  IF p_command_id IS NOT NULL THEN
    UPDATE command_log SET first_version = v_current + 1, last_version = v_current + v_count
    WHERE command_id = p_command_id;
  END IF;

  RETURN QUERY SELECT 'appended'::text, v_current + 1, v_current + v_count, v_positions, v_xid;
END
$fn$;
`,
  },
];
