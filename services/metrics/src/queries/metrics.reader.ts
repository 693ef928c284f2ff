// Reads the figures' inputs for a period and department from the read models.
import type { Pool } from 'pg';
import { EMPTY_INPUTS, type MetricInputs } from '../metric-definitions.js';
import { assertSchemaName, NO_DEPARTMENT } from '../migrations/read-model.migrations.js';

export interface PeriodQuery {
  /** Company-local dates, inclusive. */
  from: string;
  to: string;
  /** Null: the whole programme. */
  departmentId: string | null;
}

export interface DepartmentRow {
  departmentId: string;
  name: string | null;
}

type InputRow = { [K in keyof MetricInputs]: number };

export class MetricsReader {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    assertSchemaName(schema);
  }

  async inputs({ from, to, departmentId }: PeriodQuery): Promise<MetricInputs> {
    const s = this.schema;
    // $3 is null for the whole programme. Sums are cast to float8: exact for integers below 2^53.
    const { rows } = await this.pool.query<InputRow>(
      `WITH
       complaints AS (
         SELECT coalesce(sum(complaints), 0)::float8 AS complaints,
                coalesce(sum(complaints) FILTER (WHERE category = 'service_quality'), 0)::float8 AS service_quality
         FROM ${s}.crm_complaints_daily
         WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR department_id = $3)),
       gratitudes AS (
         SELECT coalesce(sum(gratitudes), 0)::float8 AS gratitudes, coalesce(sum(written), 0)::float8 AS written
         FROM ${s}.crm_gratitudes_daily
         WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR department_id = $3)),
       surveys AS (
         SELECT coalesce(sum(answers), 0)::float8 AS answers, coalesce(sum(csi_answers), 0)::float8 AS csi_answers,
                coalesce(sum(csi_sum), 0)::float8 AS csi_sum,
                coalesce(sum(csi_sum_of_squares), 0)::float8 AS csi_sum_of_squares,
                coalesce(sum(csi_satisfied), 0)::float8 AS csi_satisfied,
                coalesce(sum(nps_answers), 0)::float8 AS nps_answers,
                coalesce(sum(promoters), 0)::float8 AS promoters, coalesce(sum(detractors), 0)::float8 AS detractors
         FROM ${s}.crm_surveys_daily
         WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR department_id = $3)),
       contacts AS (
         SELECT coalesce(sum(contacts), 0)::float8 AS contacts FROM ${s}.crm_contacts
         WHERE contact_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR department_id = $3)),
       department_circles AS (
         SELECT circle_id FROM ${s}.circles_held WHERE $3::text IS NULL OR $3 = ANY (department_ids)),
       held AS (
         SELECT count(*)::float8 AS circles FROM ${s}.circles_held
         WHERE held_on BETWEEN $1 AND $2 AND ($3::text IS NULL OR $3 = ANY (department_ids))),
       leaflets AS (
         SELECT count(DISTINCT situation_id)::float8 AS situations FROM ${s}.leaflets
         WHERE local_date BETWEEN $1 AND $2
           AND ($3::text IS NULL OR circle_id IN (SELECT circle_id FROM department_circles))),
       ideas AS (
         SELECT count(*)::float8 AS proposed, count(*) FILTER (WHERE builds_on)::float8 AS build_on
         FROM ${s}.brainstorm_ideas
         WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR author_department_id = $3)),
       milestones AS (
         SELECT count(*) FILTER (WHERE milestone = 'submitted')::float8 AS submitted,
                count(*) FILTER (WHERE milestone = 'implemented' AND scope = 'contact_centre')::float8 AS implemented
         FROM ${s}.idea_milestones
         WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR department_id = $3)),
       pulses AS (
         SELECT count(*)::float8 AS answers, count(*) FILTER (WHERE sees_benefit)::float8 AS benefit
         FROM ${s}.pulses
         WHERE local_date BETWEEN $1 AND $2
           AND ($3::text IS NULL OR circle_id IN (SELECT circle_id FROM department_circles))),
       staff AS (
         SELECT DISTINCT ON (employee_id) employee_id, change, department_id FROM ${s}.employee_changes
         WHERE local_date <= $2 ORDER BY employee_id, occurred_at DESC, arrival DESC),
       active AS (
         SELECT employee_id FROM staff
         WHERE change <> 'deactivated' AND ($3::text IS NULL OR department_id = $3)),
       engagement AS (
         SELECT (SELECT count(*) FROM active)::float8 AS active,
                (SELECT count(DISTINCT a.employee_id) FROM ${s}.attendance a JOIN active USING (employee_id)
                 WHERE a.local_date BETWEEN $1 AND $2)::float8 AS engaged)
       SELECT held.circles AS "circlesHeld", leaflets.situations AS "situationsDiscussed",
              ideas.proposed AS "ideasProposed", ideas.build_on AS "buildOnIdeas",
              milestones.submitted AS "ideasSubmitted", milestones.implemented AS "improvementsImplemented",
              gratitudes.written AS "writtenThanks", gratitudes.gratitudes AS "gratitudes",
              complaints.complaints AS "complaints", complaints.service_quality AS "serviceQualityComplaints",
              contacts.contacts AS "contactsHandled", surveys.answers AS "surveyAnswers",
              surveys.csi_answers AS "csiAnswers", surveys.csi_sum AS "csiSum",
              surveys.csi_sum_of_squares AS "csiSumOfSquares", surveys.csi_satisfied AS "csiSatisfied",
              surveys.nps_answers AS "npsAnswers", surveys.promoters AS "promoters", surveys.detractors AS "detractors",
              pulses.answers AS "pulseAnswers", pulses.benefit AS "pulsesSeeingBenefit",
              engagement.engaged AS "engagedEmployees", engagement.active AS "activeEmployees"
       FROM complaints, gratitudes, surveys, contacts, held, leaflets, ideas, milestones, pulses, engagement`,
      [from, to, departmentId],
    );
    return { ...EMPTY_INPUTS, ...rows[0] };
  }

  /** The time of the newest event applied (by its occurredAt), null before the first. */
  async asOf(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ as_of: Date | null }>(
      `SELECT max(latest_occurred_at) AS as_of FROM ${this.schema}.applied_watermarks`,
    );
    return rows[0]?.as_of ?? null;
  }

  /** Every department the read models know: from the directory and from CRM facts. */
  async departments(): Promise<DepartmentRow[]> {
    const s = this.schema;
    const { rows } = await this.pool.query<DepartmentRow>(
      `SELECT id AS "departmentId", d.name FROM (
         SELECT department_id AS id FROM ${s}.departments
         UNION SELECT department_id FROM ${s}.employee_changes
         UNION SELECT department_id FROM ${s}.crm_complaints_daily
         UNION SELECT department_id FROM ${s}.crm_gratitudes_daily
         UNION SELECT department_id FROM ${s}.crm_surveys_daily
         UNION SELECT department_id FROM ${s}.crm_contacts) ids
       LEFT JOIN ${s}.departments d ON d.department_id = ids.id
       WHERE id <> $1 ORDER BY id`,
      [NO_DEPARTMENT],
    );
    return rows;
  }

  /** Messages sent to dead-letter topics, per consumer group (exact, whatever redelivery happened). */
  async deadLetters(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ consumer: string; count: number }>(
      `SELECT consumer, count(*)::int AS count FROM dead_letters GROUP BY consumer`,
    );
    return new Map(rows.map((row) => [row.consumer, row.count]));
  }
}
