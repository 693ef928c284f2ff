// The peer of the rebuild: the same CRM events in Emmett's PostgreSQL event store, its projections rebuilt by
// `rebuildPostgreSQLProjections` into the same daily tables with the same deduplication. Emmett's projections
// read its own event store, not Kafka, so this is the comparison that applies to a rebuild (not to live ingest).
import { sql } from '@event-driven-io/dumbo';
import {
  getPostgreSQLEventStore,
  postgreSQLRawBatchSQLProjection,
  rebuildPostgreSQLProjections,
} from '@event-driven-io/emmett-postgresql';
import type { CrmEvent } from '@hc/contracts';
import pg from 'pg';
import { crmEvent } from './crm-events.js';

const SCHEMA = 'emmett_crm';

/** Matches the metrics read models the rebuild fills. */
const TABLES_SQL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.applied_events (source text NOT NULL, event_id text NOT NULL,
  occurred_at timestamptz NOT NULL, PRIMARY KEY (source, event_id));
CREATE INDEX IF NOT EXISTS applied_events_occurred_at ON ${SCHEMA}.applied_events (occurred_at);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.crm_complaints_daily (local_date date NOT NULL, department_id text NOT NULL,
  category text NOT NULL, complaints integer NOT NULL, PRIMARY KEY (local_date, department_id, category));
CREATE TABLE IF NOT EXISTS ${SCHEMA}.crm_gratitudes_daily (local_date date NOT NULL, department_id text NOT NULL,
  gratitudes integer NOT NULL, written integer NOT NULL, PRIMARY KEY (local_date, department_id));
CREATE TABLE IF NOT EXISTS ${SCHEMA}.crm_surveys_daily (local_date date NOT NULL, department_id text NOT NULL,
  answers integer NOT NULL, csi_answers integer NOT NULL, csi_sum bigint NOT NULL, csi_sum_of_squares bigint NOT NULL,
  csi_satisfied integer NOT NULL, nps_answers integer NOT NULL, promoters integer NOT NULL, detractors integer NOT NULL,
  PRIMARY KEY (local_date, department_id));
CREATE TABLE IF NOT EXISTS ${SCHEMA}.crm_contacts (department_id text NOT NULL, contact_date date NOT NULL,
  contacts integer NOT NULL, occurred_at timestamptz NOT NULL, event_id text NOT NULL,
  PRIMARY KEY (department_id, contact_date));`;

/**
 * A whole batch in one statement (claim, then every table through data-modifying CTEs): as set-based as the
 * metrics projection, and a single round trip, so Emmett is not held back by per-event statements.
 */
const BATCH_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset(%L::jsonb) AS x(ord int, event_id text, type text, occurred_at timestamptz,
    local_date date, department_id text, category text, written int, csi int, nps int, contact_date date, contacts int)
), claimed AS (
  INSERT INTO ${SCHEMA}.applied_events (source, event_id, occurred_at)
  SELECT DISTINCT ON (event_id) 'crm', event_id, occurred_at FROM input ORDER BY event_id, ord
  ON CONFLICT DO NOTHING RETURNING event_id
), fresh AS (
  SELECT DISTINCT ON (i.event_id) i.* FROM input i JOIN claimed c USING (event_id) ORDER BY i.event_id, i.ord
), complaints AS (
  INSERT INTO ${SCHEMA}.crm_complaints_daily AS d (local_date, department_id, category, complaints)
  SELECT local_date, department_id, category, count(*) FROM fresh WHERE type = 'ComplaintLogged'
  GROUP BY local_date, department_id, category
  ON CONFLICT (local_date, department_id, category) DO UPDATE SET complaints = d.complaints + EXCLUDED.complaints
  RETURNING 1
), gratitudes AS (
  INSERT INTO ${SCHEMA}.crm_gratitudes_daily AS d (local_date, department_id, gratitudes, written)
  SELECT local_date, department_id, count(*), sum(written) FROM fresh WHERE type = 'GratitudeReceived'
  GROUP BY local_date, department_id
  ON CONFLICT (local_date, department_id) DO UPDATE
  SET gratitudes = d.gratitudes + EXCLUDED.gratitudes, written = d.written + EXCLUDED.written
  RETURNING 1
), surveys AS (
  INSERT INTO ${SCHEMA}.crm_surveys_daily AS d (local_date, department_id, answers, csi_answers, csi_sum,
    csi_sum_of_squares, csi_satisfied, nps_answers, promoters, detractors)
  SELECT local_date, department_id, count(*), count(csi), coalesce(sum(csi), 0), coalesce(sum(csi * csi), 0),
    count(*) FILTER (WHERE csi >= 4), count(nps), count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6)
  FROM fresh WHERE type = 'SurveyAnswered' GROUP BY local_date, department_id
  ON CONFLICT (local_date, department_id) DO UPDATE SET answers = d.answers + EXCLUDED.answers,
    csi_answers = d.csi_answers + EXCLUDED.csi_answers, csi_sum = d.csi_sum + EXCLUDED.csi_sum,
    csi_sum_of_squares = d.csi_sum_of_squares + EXCLUDED.csi_sum_of_squares,
    csi_satisfied = d.csi_satisfied + EXCLUDED.csi_satisfied, nps_answers = d.nps_answers + EXCLUDED.nps_answers,
    promoters = d.promoters + EXCLUDED.promoters, detractors = d.detractors + EXCLUDED.detractors
  RETURNING 1
), contacts AS (
  INSERT INTO ${SCHEMA}.crm_contacts AS c (department_id, contact_date, contacts, occurred_at, event_id)
  SELECT DISTINCT ON (department_id, contact_date) department_id, contact_date, contacts, occurred_at, event_id
  FROM fresh WHERE type = 'ContactsHandled' ORDER BY department_id, contact_date, occurred_at DESC, ord DESC
  ON CONFLICT (department_id, contact_date) DO UPDATE
  SET contacts = EXCLUDED.contacts, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
  WHERE EXCLUDED.occurred_at >= c.occurred_at
  RETURNING 1
)
SELECT (SELECT count(*) FROM claimed) AS applied`;

// Emmett stores a record per event; the CRM event goes in whole.
type StoredCrmEvent = { type: string; data: Record<string, unknown> };

const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' });

function row(event: CrmEvent, ord: number) {
  const base = { ord, event_id: event.eventId, type: event.type, occurred_at: event.occurredAt };
  if (event.type === 'ContactsHandled') {
    const { payload } = event;
    return {
      ...base,
      department_id: payload.departmentId,
      contact_date: payload.date,
      contacts: payload.count,
    };
  }
  const common = {
    ...base,
    local_date: localDate.format(new Date(event.occurredAt)),
    department_id: event.payload.departmentId ?? '',
  };
  switch (event.type) {
    case 'ComplaintLogged':
      return { ...common, category: event.payload.category };
    case 'GratitudeReceived':
      return { ...common, written: event.payload.written ? 1 : 0 };
    case 'SurveyAnswered':
      return { ...common, csi: event.payload.csi ?? null, nps: event.payload.nps ?? null };
  }
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Appends `count` CRM events to a fresh Emmett store (not timed), then times the projection rebuild. */
export async function emmettRebuildRate(
  serverUrl: string,
  count: number,
  batchSize: number,
): Promise<number> {
  const connectionString = await createDatabase(serverUrl, 'hc_bench_emmett_projection');
  const store = getPostgreSQLEventStore(connectionString);
  try {
    for (let start = 0, stream = 0; start < count; start += 1_000, stream++) {
      const events = Array.from({ length: Math.min(1_000, count - start) }, (_, i) => {
        const event = crmEvent(start + i);
        return { type: event.type, data: event as unknown as Record<string, unknown> };
      });
      await store.appendToStream(`crm-${stream}`, events);
    }
  } finally {
    await store.close();
  }
  const setup = new pg.Client({ connectionString });
  await setup.connect();
  await setup.query(TABLES_SQL);
  await setup.end();
  const consumer = rebuildPostgreSQLProjections<StoredCrmEvent>({
    connectionString,
    pulling: { batchSize },
    projections: [
      postgreSQLRawBatchSQLProjection<StoredCrmEvent, StoredCrmEvent>({
        name: 'crm_metrics',
        canHandle: ['ComplaintLogged', 'GratitudeReceived', 'SurveyAnswered', 'ContactsHandled'],
        evolve: (events) => [
          sql(
            BATCH_SQL,
            JSON.stringify(events.map((event, ord) => row(event.data as unknown as CrmEvent, ord))),
          ),
        ],
      }),
    ],
  });
  const started = performance.now();
  await consumer.start();
  const seconds = (performance.now() - started) / 1000;
  await consumer.close();
  const check = new pg.Client({ connectionString });
  await check.connect();
  const { rows } = await check.query<{ applied: number }>(
    `SELECT count(*)::int AS applied FROM ${SCHEMA}.applied_events`,
  );
  await check.end();
  if (rows[0]?.applied !== count)
    throw new Error(`Emmett rebuild applied ${rows[0]?.applied} of ${count} events`);
  return count / seconds;
}
