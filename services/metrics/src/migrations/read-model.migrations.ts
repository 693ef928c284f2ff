// The read models, parameterised by schema: the live ones live in `metrics`, a rebuild fills a fresh schema.
import type { Migration } from '@hc/event-store';

export const LIVE_SCHEMA = 'metrics';

/** The department of a CRM fact that names none: identifiers are never empty, so it collides with none. */
export const NO_DEPARTMENT = '';

export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
}

export function readModelMigrations(schema: string): Migration[] {
  assertSchemaName(schema);
  return [
    {
      id: '202611271130_read_models',
      sql: `
CREATE SCHEMA IF NOT EXISTS ${schema};

-- Every event applied to this schema, whichever consumer group applied it: a rebuild and the live
-- consumers never count one event twice in the same tables.
CREATE TABLE ${schema}.applied_events (
  source text NOT NULL,
  event_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (source, event_id)
);
CREATE INDEX ON ${schema}.applied_events (occurred_at);

-- CRM figures are sums, so daily aggregates per company-local date and department answer exactly.
CREATE TABLE ${schema}.crm_complaints_daily (
  local_date date NOT NULL,
  department_id text NOT NULL,
  category text NOT NULL,
  complaints integer NOT NULL,
  PRIMARY KEY (local_date, department_id, category)
);

CREATE TABLE ${schema}.crm_gratitudes_daily (
  local_date date NOT NULL,
  department_id text NOT NULL,
  gratitudes integer NOT NULL,
  written integer NOT NULL,
  PRIMARY KEY (local_date, department_id)
);

CREATE TABLE ${schema}.crm_surveys_daily (
  local_date date NOT NULL,
  department_id text NOT NULL,
  answers integer NOT NULL,
  csi_answers integer NOT NULL,
  csi_sum bigint NOT NULL,
  csi_sum_of_squares bigint NOT NULL,
  csi_satisfied integer NOT NULL,
  nps_answers integer NOT NULL,
  promoters integer NOT NULL,
  detractors integer NOT NULL,
  PRIMARY KEY (local_date, department_id)
);

-- The latest ContactsHandled per department and date: greatest occurredAt, on a tie the last to arrive.
CREATE TABLE ${schema}.crm_contacts (
  department_id text NOT NULL,
  contact_date date NOT NULL,
  contacts integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  event_id text NOT NULL,
  PRIMARY KEY (department_id, contact_date)
);

CREATE TABLE ${schema}.departments (
  department_id text PRIMARY KEY,
  name text NOT NULL
);

-- The employee directory as a history, so "active as of a date" and the department then can be read.
CREATE TABLE ${schema}.employee_changes (
  arrival bigserial PRIMARY KEY,
  employee_id text NOT NULL,
  change text NOT NULL CHECK (change IN ('registered', 'updated', 'deactivated', 'reactivated')),
  department_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  local_date date NOT NULL
);
CREATE INDEX ON ${schema}.employee_changes (employee_id, occurred_at DESC, arrival DESC);

CREATE TABLE ${schema}.circles_held (
  circle_id text PRIMARY KEY,
  held_on date NOT NULL,
  completed_at timestamptz NOT NULL,
  department_ids text[] NOT NULL
);
CREATE INDEX ON ${schema}.circles_held (held_on);

-- Raw facts: distinct employees per period need one row per attendance.
CREATE TABLE ${schema}.attendance (
  circle_id text NOT NULL,
  employee_id text NOT NULL,
  local_date date NOT NULL,
  PRIMARY KEY (circle_id, employee_id)
);
CREATE INDEX ON ${schema}.attendance (local_date);

CREATE TABLE ${schema}.leaflets (
  leaflet_id text PRIMARY KEY,
  circle_id text NOT NULL,
  situation_id text NOT NULL,
  category text NOT NULL,
  local_date date NOT NULL
);

CREATE TABLE ${schema}.brainstorm_ideas (
  idea_id text PRIMARY KEY,
  circle_id text NOT NULL,
  author_department_id text NOT NULL,
  builds_on boolean NOT NULL,
  local_date date NOT NULL
);

-- An employee's latest pulse answer per circle.
CREATE TABLE ${schema}.pulses (
  circle_id text NOT NULL,
  employee_id text NOT NULL,
  department_id text NOT NULL,
  sees_benefit boolean NOT NULL,
  occurred_at timestamptz NOT NULL,
  local_date date NOT NULL,
  PRIMARY KEY (circle_id, employee_id)
);

CREATE TABLE ${schema}.idea_milestones (
  event_id text PRIMARY KEY,
  milestone text NOT NULL CHECK (milestone IN ('submitted', 'implemented')),
  idea_id text NOT NULL,
  department_id text NOT NULL,
  scope text,
  category text,
  local_date date NOT NULL
);
`,
    },
    {
      id: '202611271300_wow_solutions',
      sql: `
-- Adopted WOW solutions, for the outcome of a change (complaints of their category before and after).
CREATE TABLE ${schema}.wow_solutions (
  circle_id text NOT NULL,
  situation_id text NOT NULL,
  category text NOT NULL,
  occurred_at timestamptz NOT NULL,
  local_date date NOT NULL,
  PRIMARY KEY (circle_id, situation_id)
);
`,
    },
    {
      id: '202611281000_applied_event_uuid',
      sql: `
-- Every event id is a UUID (both envelopes validate it): 16-byte keys make the per-event claim cheaper than text.
ALTER TABLE ${schema}.applied_events ALTER COLUMN event_id TYPE uuid USING event_id::uuid;
`,
    },
    {
      id: '202611290900_applied_watermarks',
      sql: `
-- The newest occurredAt applied, per source, kept per chunk: an index on every ledger row's occurredAt cost
-- an insert per event for the one figure (the read models' "as of") that needs it.
CREATE TABLE ${schema}.applied_watermarks (
  source text PRIMARY KEY,
  latest_occurred_at timestamptz NOT NULL
);
INSERT INTO ${schema}.applied_watermarks (source, latest_occurred_at)
SELECT source, max(occurred_at) FROM ${schema}.applied_events GROUP BY source;
ALTER TABLE ${schema}.applied_events DROP COLUMN occurred_at;
`,
    },
  ];
}
