// The outcome of a change: complaints of its category per 1000 contacts for N weeks before and after,
// against the other categories as control (difference in differences).
import type { Pool } from 'pg';
import { addDays } from '../calendar.js';
import { badInput, notFound, type DomainError } from '@hc/service-kit';
import { CRM_COMPLAINT_CATEGORIES } from '@hc/contracts';
import { csiScore, ratio } from '../formulas.js';
import { assertSchemaName } from '../migrations/read-model.migrations.js';

export type ChangeReference =
  { kind: 'improvement'; ideaId: string } | { kind: 'wow_solution'; circleId: string; situationId: string };

export interface ChangeFacts {
  category: string | null;
  /** The company-local date of the change (the improvement implemented, the WOW solution chosen). */
  changedOn: string;
}

export interface OutcomeWindowCounts {
  from: string;
  to: string;
  categoryComplaints: number;
  otherComplaints: number;
  contactsHandled: number;
  csiAnswers: number;
  csiSum: number;
}

export interface OutcomeWindow extends OutcomeWindowCounts {
  /** Complaints of the change's category per 1000 contacts. */
  categoryRate: number | null;
  /** Complaints of every other category per 1000 contacts: the control. */
  controlRate: number | null;
  /** CSI of every survey in the window: CRM surveys carry no complaint category. */
  csi: number | null;
}

export interface ChangeOutcomeFigures {
  category: string;
  changedOn: string;
  weeks: number;
  before: OutcomeWindow;
  after: OutcomeWindow;
  /** (category after − before) − (control after − before), per 1000 contacts; negative: fewer complaints. */
  differenceInDifferences: number | null;
}

/** Before: the N weeks ending the day before the change; after: the N weeks starting the day after it. */
export function outcomeWindows(
  changedOn: string,
  weeks: number,
): { before: [string, string]; after: [string, string] } {
  return {
    before: [addDays(changedOn, -7 * weeks), addDays(changedOn, -1)],
    after: [addDays(changedOn, 1), addDays(changedOn, 7 * weeks)],
  };
}

export function outcomeWindow(counts: OutcomeWindowCounts): OutcomeWindow {
  return {
    ...counts,
    categoryRate: ratio(counts.categoryComplaints, counts.contactsHandled, 1000),
    controlRate: ratio(counts.otherComplaints, counts.contactsHandled, 1000),
    csi: csiScore({ answers: counts.csiAnswers, sum: counts.csiSum, sumOfSquares: 0 }),
  };
}

export function differenceInDifferences(before: OutcomeWindow, after: OutcomeWindow): number | null {
  const { categoryRate: categoryBefore, controlRate: controlBefore } = before;
  const { categoryRate: categoryAfter, controlRate: controlAfter } = after;
  if (categoryBefore === null || categoryAfter === null || controlBefore === null || controlAfter === null) {
    return null;
  }
  return categoryAfter - categoryBefore - (controlAfter - controlBefore);
}

export class ChangeOutcomeReader {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    assertSchemaName(schema);
  }

  /** Null when the change is unknown: no such implemented improvement or chosen WOW solution. */
  async facts(change: ChangeReference): Promise<ChangeFacts | null> {
    const { rows } =
      change.kind === 'improvement'
        ? await this.pool.query<ChangeFacts>(
            `SELECT category, to_char(local_date, 'YYYY-MM-DD') AS "changedOn" FROM ${this.schema}.idea_milestones
             WHERE milestone = 'implemented' AND idea_id = $1 ORDER BY local_date LIMIT 1`,
            [change.ideaId],
          )
        : await this.pool.query<ChangeFacts>(
            `SELECT category, to_char(local_date, 'YYYY-MM-DD') AS "changedOn" FROM ${this.schema}.wow_solutions
             WHERE circle_id = $1 AND situation_id = $2`,
            [change.circleId, change.situationId],
          );
    return rows[0] ?? null;
  }

  async window(from: string, to: string, category: string): Promise<OutcomeWindowCounts> {
    const s = this.schema;
    const { rows } = await this.pool.query<Omit<OutcomeWindowCounts, 'from' | 'to'>>(
      `SELECT
         (SELECT coalesce(sum(complaints) FILTER (WHERE category = $3), 0) FROM ${s}.crm_complaints_daily
          WHERE local_date BETWEEN $1 AND $2)::float8 AS "categoryComplaints",
         (SELECT coalesce(sum(complaints) FILTER (WHERE category <> $3), 0) FROM ${s}.crm_complaints_daily
          WHERE local_date BETWEEN $1 AND $2)::float8 AS "otherComplaints",
         (SELECT coalesce(sum(contacts), 0) FROM ${s}.crm_contacts WHERE contact_date BETWEEN $1 AND $2)::float8
           AS "contactsHandled",
         (SELECT coalesce(sum(csi_answers), 0) FROM ${s}.crm_surveys_daily WHERE local_date BETWEEN $1 AND $2)::float8
           AS "csiAnswers",
         (SELECT coalesce(sum(csi_sum), 0) FROM ${s}.crm_surveys_daily WHERE local_date BETWEEN $1 AND $2)::float8
           AS "csiSum"`,
      [from, to, category],
    );
    const [counts] = rows;
    if (!counts) throw new Error('an aggregate query returned no row');
    return { from, to, ...counts };
  }
}

export const MAX_OUTCOME_WEEKS = 52;

/** Field names of the GraphQL arguments, for errors. */
const REFERENCE_FIELD: Record<ChangeReference['kind'], string> = {
  improvement: 'improvementIdeaId',
  wow_solution: 'wowCircleId',
};

export async function changeOutcome(
  reader: ChangeOutcomeReader,
  change: ChangeReference,
  weeks: number,
): Promise<ChangeOutcomeFigures | DomainError> {
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_OUTCOME_WEEKS) {
    return badInput('weeks', `must be a whole number of weeks 1..${MAX_OUTCOME_WEEKS}`);
  }
  const facts = await reader.facts(change);
  if (!facts)
    return notFound(
      `No ${change.kind === 'improvement' ? 'implemented improvement' : 'chosen WOW solution'} found`,
    );
  const { category, changedOn } = facts;
  if (category === null || !(CRM_COMPLAINT_CATEGORIES as readonly string[]).includes(category)) {
    return badInput(REFERENCE_FIELD[change.kind], 'the change has no complaint category to measure');
  }
  const windows = outcomeWindows(changedOn, weeks);
  const before = outcomeWindow(await reader.window(...windows.before, category));
  const after = outcomeWindow(await reader.window(...windows.after, category));
  return {
    category,
    changedOn,
    weeks,
    before,
    after,
    differenceInDifferences: differenceInDifferences(before, after),
  };
}
