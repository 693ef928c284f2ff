// The `analytics` schema BI tools read: documented read-only views over the live read models, and the role `hc_analyst`.
import type { Migration } from '@hc/event-store';
import { assertSchemaName, LIVE_SCHEMA, NO_DEPARTMENT } from './read-model.migrations.js';

export const ANALYST_ROLE = 'hc_analyst';

/**
 * The views over `schema`. Views are bound to tables, not names, so a rebuild that swaps the live
 * schema runs this again in its switch-over transaction.
 */
export function analyticsViewsSql(schema: string): string {
  assertSchemaName(schema);
  const department = `NULLIF(department_id, '${NO_DEPARTMENT}') AS department_id`;
  return `
CREATE OR REPLACE VIEW analytics.complaints_daily AS
  SELECT local_date, ${department}, category, complaints FROM ${schema}.crm_complaints_daily;
COMMENT ON VIEW analytics.complaints_daily IS
  'CRM complaints per company-local date (of occurredAt), responsible department (null: unknown) and category.';

CREATE OR REPLACE VIEW analytics.gratitudes_daily AS
  SELECT local_date, ${department}, gratitudes, written AS written_thanks FROM ${schema}.crm_gratitudes_daily;
COMMENT ON VIEW analytics.gratitudes_daily IS
  'Customer thank-yous per company-local date and department; written_thanks counts letters, e-mails and reviews.';

CREATE OR REPLACE VIEW analytics.surveys_daily AS
  SELECT local_date, ${department}, answers, csi_answers, csi_sum, csi_sum_of_squares, csi_satisfied,
         nps_answers, promoters, detractors
  FROM ${schema}.crm_surveys_daily;
COMMENT ON VIEW analytics.surveys_daily IS
  'Survey answers per company-local date and department: sums for CSI (1..5; satisfied = 4..5) and NPS counts (promoters 9..10, detractors 0..6).';

CREATE OR REPLACE VIEW analytics.contacts_daily AS
  SELECT contact_date, department_id, contacts FROM ${schema}.crm_contacts;
COMMENT ON VIEW analytics.contacts_daily IS
  'Handled contacts per department and date: the latest ContactsHandled (greatest occurredAt, ties: last to arrive).';

CREATE OR REPLACE VIEW analytics.circles_held AS
  SELECT circle_id, held_on, department_ids FROM ${schema}.circles_held;
COMMENT ON VIEW analytics.circles_held IS
  'Circles held, on the company-local date of completion, with the departments that had an attending participant.';

CREATE OR REPLACE VIEW analytics.attendance AS
  SELECT circle_id, employee_id, local_date FROM ${schema}.attendance;
COMMENT ON VIEW analytics.attendance IS 'One row per employee attending a circle, on the date the circle was held.';

CREATE OR REPLACE VIEW analytics.leaflets AS
  SELECT leaflet_id, circle_id, situation_id, category, local_date FROM ${schema}.leaflets;
COMMENT ON VIEW analytics.leaflets IS 'Completed leaflets: the situations discussed.';

CREATE OR REPLACE VIEW analytics.brainstorm_ideas AS
  SELECT idea_id, circle_id, author_department_id, builds_on, local_date FROM ${schema}.brainstorm_ideas;
COMMENT ON VIEW analytics.brainstorm_ideas IS 'Brainstorm ideas; builds_on when the idea builds on another.';

CREATE OR REPLACE VIEW analytics.idea_milestones AS
  SELECT idea_id, milestone, department_id, scope, category, local_date FROM ${schema}.idea_milestones;
COMMENT ON VIEW analytics.idea_milestones IS
  'Improvement ideas submitted to other departments and improvements implemented (scope contact_centre or other_department).';

CREATE OR REPLACE VIEW analytics.pulses AS
  SELECT circle_id, department_id, sees_benefit, local_date FROM ${schema}.pulses;
COMMENT ON VIEW analytics.pulses IS 'Each employee''s latest circle pulse answer (without the employee id).';

CREATE OR REPLACE VIEW analytics.departments AS SELECT department_id, name FROM ${schema}.departments;
COMMENT ON VIEW analytics.departments IS 'Department names from the circles directory.';

GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO ${ANALYST_ROLE};
`;
}

export const analyticsMigrations: Migration[] = [
  {
    id: '202611271200_analytics_views',
    sql: `
-- The role is cluster-wide: created once, by whichever database migrates first.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ANALYST_ROLE}') THEN
    CREATE ROLE ${ANALYST_ROLE} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

CREATE SCHEMA analytics;
COMMENT ON SCHEMA analytics IS 'Read-only views of the programme figures for BI tools (role ${ANALYST_ROLE}).';
GRANT USAGE ON SCHEMA analytics TO ${ANALYST_ROLE};
${analyticsViewsSql(LIVE_SCHEMA)}`,
  },
];
