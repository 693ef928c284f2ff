// Folds the CRM, circles and ideas events into the read models of one schema (live or being rebuilt).
import type { PoolClient } from 'pg';
import type {
  CirclesEventPayloads,
  CrmEvent,
  EventEnvelope,
  IdeaProposed,
  IdeasEventPayloads,
  PlainObject,
} from '@hc/contracts';
import { localDateOf } from '../calendar.js';
import type { MetricInputs } from '../metric-definitions.js';
import { assertSchemaName, NO_DEPARTMENT } from '../migrations/read-model.migrations.js';

export type EventSource = 'crm' | 'circles' | 'ideas';

/** One event's effect on the read models; the payload was validated against its type's DTO. */
type Applier = (client: PoolClient, payload: PlainObject, envelope: AppliedEnvelope) => Promise<void>;

type Appliers<TPayloads> = {
  [K in keyof TPayloads]?: (
    client: PoolClient,
    payload: TPayloads[K],
    envelope: AppliedEnvelope,
  ) => Promise<void>;
};

interface AppliedEnvelope {
  eventId: string;
  occurredAt: string;
  /** The company-local date of `occurredAt`. */
  localDate: string;
}

/** PostgreSQL's SQLSTATE for a duplicate key. */
const UNIQUE_VIOLATION = '23505';

/** From this many events a batch is claimed by a plain insert in a savepoint (see `claim`). */
const PLAIN_CLAIM_MIN_EVENTS = 100;

/**
 * A `uuid[]` literal. pg would quote and escape every element of a string array; ids validated as UUIDs
 * (hex digits and hyphens) need neither, and a batch holds thousands of them.
 */
function uuidArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** One array per column, in the order of `keys`: rows sent to PostgreSQL as `unnest` parameters. */
function columnsOf<R>(rows: readonly R[], keys: readonly (keyof R)[]): unknown[][] {
  return keys.map((key) => rows.map((row) => row[key]));
}

interface ComplaintSums {
  localDate: string;
  departmentId: string;
  category: string;
  complaints: number;
}

interface GratitudeSums {
  localDate: string;
  departmentId: string;
  gratitudes: number;
  written: number;
}

/** The columns of `crm_surveys_daily` for one date and department: the survey inputs of the figures. */
type SurveySums = { localDate: string; departmentId: string; answers: number } & Pick<
  MetricInputs,
  'csiAnswers' | 'csiSum' | 'csiSumOfSquares' | 'csiSatisfied' | 'npsAnswers' | 'promoters' | 'detractors'
>;

function emptySurveySums(localDate: string, departmentId: string): SurveySums {
  return {
    localDate,
    departmentId,
    answers: 0,
    csiAnswers: 0,
    csiSum: 0,
    csiSumOfSquares: 0,
    csiSatisfied: 0,
    npsAnswers: 0,
    promoters: 0,
    detractors: 0,
  };
}

function addSurveyAnswer(sums: SurveySums, csi: number | null, nps: number | null): void {
  sums.answers += 1;
  if (csi !== null) {
    sums.csiAnswers += 1;
    sums.csiSum += csi;
    sums.csiSumOfSquares += csi * csi;
    if (csi >= 4) sums.csiSatisfied += 1;
  }
  if (nps !== null) {
    sums.npsAnswers += 1;
    if (nps >= 9) sums.promoters += 1;
    if (nps <= 6) sums.detractors += 1;
  }
}

/**
 * One instance per schema. Every apply first records the event id in the schema's `applied_events`,
 * so an event reaches these tables once even when a rebuild and the live consumers both deliver it.
 */
export class MetricsProjection {
  constructor(
    readonly schema: string,
    private readonly timeZone: string,
  ) {
    assertSchemaName(schema);
  }

  async applyCrm(client: PoolClient, event: CrmEvent): Promise<void> {
    await this.applyCrmBatch(client, [event]);
  }

  /**
   * A whole batch in a handful of statements: one claim, then one upsert per table fed by arrays. Per-event
   * statements cost a round trip each, which capped ingest at a few thousand events per second. The sums are
   * order-free; for handled contacts the batch keeps, per department and date, what sequential application
   * would have kept (greatest `occurredAt`, the later arrival on a tie). Rows are written in key order, so
   * chunks of several partitions applied at once wait for each other's row locks but never deadlock.
   */
  async applyCrmBatch(client: PoolClient, events: CrmEvent[]): Promise<void> {
    await this.applyClaimedCrm(client, await this.claim(client, 'crm', events, (event) => event));
  }

  /**
   * Records the events of `items` in `applied_events` and returns the items not applied before (first
   * occurrence only: a repeated id in one batch is a redelivery), and moves the source's watermark in the
   * same statement. Ids are written in order, so batches claimed at once wait for each other but never
   * deadlock.
   *
   * A large batch is almost always new: a plain insert inside a savepoint claims it at the cost of one index
   * entry per event. `ON CONFLICT DO NOTHING RETURNING` (a speculative insertion and a row back per event)
   * costs PostgreSQL about twice as much per event, but no extra round trips: small batches take it at once,
   * large ones only after the plain insert met an id applied before (a redelivery).
   */
  async claim<E>(
    client: PoolClient,
    source: EventSource,
    items: readonly E[],
    eventOf: (item: E) => { eventId: string; occurredAt: string },
  ): Promise<E[]> {
    if (items.length === 0) return [];
    // PostgreSQL answers UUIDs in lower case; the CRM may write them in upper case.
    const firsts = new Map<string, E>();
    let latest = -Infinity;
    for (const item of items) {
      const { eventId, occurredAt } = eventOf(item);
      const id = eventId.toLowerCase();
      if (firsts.has(id)) continue;
      firsts.set(id, item);
      latest = Math.max(latest, Date.parse(occurredAt));
    }
    const values = [source, uuidArrayLiteral([...firsts.keys()]), new Date(latest)];
    const claimInto = (tail: string) =>
      `WITH watermark AS (
         INSERT INTO ${this.schema}.applied_watermarks AS w (source, latest_occurred_at) VALUES ($1, $3)
         ON CONFLICT (source) DO UPDATE
         SET latest_occurred_at = greatest(w.latest_occurred_at, EXCLUDED.latest_occurred_at))
       INSERT INTO ${this.schema}.applied_events (source, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS x(id) ORDER BY id ${tail}`;
    if (firsts.size >= PLAIN_CLAIM_MIN_EVENTS) {
      await client.query('SAVEPOINT claim');
      try {
        await client.query(claimInto(''), values);
        // Left open: the commit releases it, and releasing now would cost another round trip.
        return [...firsts.values()];
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK TO SAVEPOINT claim');
      }
    }
    const { rows } = await client.query<{ event_id: string }>(
      claimInto('ON CONFLICT DO NOTHING RETURNING event_id'),
      values,
    );
    // In arrival order, which decides ties (the latest ContactsHandled), not in the order of the rows.
    const claimed = new Set(rows.map((row) => row.event_id));
    return [...firsts].filter(([id]) => claimed.has(id)).map(([, item]) => item);
  }

  /**
   * Folds events already claimed in the same transaction into the daily aggregates. The sums are added up
   * here, so PostgreSQL receives one row per date, department (and category) rather than one per event.
   */
  async applyClaimedCrm(client: PoolClient, events: readonly CrmEvent[]): Promise<void> {
    if (events.length === 0) return;
    const complaints = new Map<string, ComplaintSums>();
    const gratitudes = new Map<string, GratitudeSums>();
    const surveys = new Map<string, SurveySums>();
    const contacts: [string[], string[], number[], string[], string[]] = [[], [], [], [], []];
    for (const event of events) {
      if (event.type === 'ContactsHandled') {
        const { payload } = event;
        contacts[0].push(payload.departmentId);
        contacts[1].push(payload.date);
        contacts[2].push(payload.count);
        contacts[3].push(event.occurredAt);
        contacts[4].push(event.eventId);
        continue;
      }
      const localDate = localDateOf(event.occurredAt, this.timeZone);
      const departmentId = event.payload.departmentId ?? NO_DEPARTMENT;
      // Identifiers cannot hold NUL (validated as storable text), so it separates the parts of a key.
      const day = `${localDate}\u0000${departmentId}`;
      switch (event.type) {
        case 'ComplaintLogged': {
          const key = `${day}\u0000${event.payload.category}`;
          const sums = complaints.get(key);
          if (sums) sums.complaints += 1;
          else
            complaints.set(key, { localDate, departmentId, category: event.payload.category, complaints: 1 });
          break;
        }
        case 'GratitudeReceived': {
          let sums = gratitudes.get(day);
          if (!sums) gratitudes.set(day, (sums = { localDate, departmentId, gratitudes: 0, written: 0 }));
          sums.gratitudes += 1;
          if (event.payload.written) sums.written += 1;
          break;
        }
        case 'SurveyAnswered': {
          let sums = surveys.get(day);
          if (!sums) surveys.set(day, (sums = emptySurveySums(localDate, departmentId)));
          addSurveyAnswer(sums, event.payload.csi ?? null, event.payload.nps ?? null);
          break;
        }
      }
    }
    const complaintRows = [...complaints.values()];
    const gratitudeRows = [...gratitudes.values()];
    const surveyRows = [...surveys.values()];
    // One statement, so one round trip, whatever the mix; a table with no rows gets empty arrays.
    await client.query(
      `WITH complaints AS (
         INSERT INTO ${this.schema}.crm_complaints_daily AS d (local_date, department_id, category, complaints)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::int[])
         ORDER BY 1, 2, 3
         ON CONFLICT (local_date, department_id, category) DO UPDATE
         SET complaints = d.complaints + EXCLUDED.complaints),
       gratitudes AS (
         INSERT INTO ${this.schema}.crm_gratitudes_daily AS d (local_date, department_id, gratitudes, written)
         SELECT * FROM unnest($5::date[], $6::text[], $7::int[], $8::int[])
         ORDER BY 1, 2
         ON CONFLICT (local_date, department_id) DO UPDATE
         SET gratitudes = d.gratitudes + EXCLUDED.gratitudes, written = d.written + EXCLUDED.written),
       surveys AS (
         INSERT INTO ${this.schema}.crm_surveys_daily AS d (local_date, department_id, answers, csi_answers,
           csi_sum, csi_sum_of_squares, csi_satisfied, nps_answers, promoters, detractors)
         SELECT * FROM unnest($9::date[], $10::text[], $11::int[], $12::int[], $13::bigint[], $14::bigint[],
           $15::int[], $16::int[], $17::int[], $18::int[])
         ORDER BY 1, 2
         ON CONFLICT (local_date, department_id) DO UPDATE SET
           answers = d.answers + EXCLUDED.answers,
           csi_answers = d.csi_answers + EXCLUDED.csi_answers,
           csi_sum = d.csi_sum + EXCLUDED.csi_sum,
           csi_sum_of_squares = d.csi_sum_of_squares + EXCLUDED.csi_sum_of_squares,
           csi_satisfied = d.csi_satisfied + EXCLUDED.csi_satisfied,
           nps_answers = d.nps_answers + EXCLUDED.nps_answers,
           promoters = d.promoters + EXCLUDED.promoters,
           detractors = d.detractors + EXCLUDED.detractors)
       -- Contacts are bucketed by their own date (the day they were handled); occurredAt decides the latest.
       INSERT INTO ${this.schema}.crm_contacts AS c (department_id, contact_date, contacts, occurred_at, event_id)
       SELECT DISTINCT ON (department_id, contact_date) department_id, contact_date, contacts, occurred_at, event_id
       FROM unnest($19::text[], $20::date[], $21::int[], $22::timestamptz[], $23::text[])
         WITH ORDINALITY AS x(department_id, contact_date, contacts, occurred_at, event_id, arrival)
       ORDER BY department_id, contact_date, occurred_at DESC, arrival DESC
       ON CONFLICT (department_id, contact_date) DO UPDATE
       SET contacts = EXCLUDED.contacts, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
       WHERE EXCLUDED.occurred_at >= c.occurred_at`,
      [
        ...columnsOf(complaintRows, ['localDate', 'departmentId', 'category', 'complaints']),
        ...columnsOf(gratitudeRows, ['localDate', 'departmentId', 'gratitudes', 'written']),
        ...columnsOf(surveyRows, [
          'localDate',
          'departmentId',
          'answers',
          'csiAnswers',
          'csiSum',
          'csiSumOfSquares',
          'csiSatisfied',
          'npsAnswers',
          'promoters',
          'detractors',
        ]),
        ...contacts,
      ],
    );
  }

  /** Claims and applies one domain event (tests, and callers outside a consumer). */
  async applyDomainEvent(
    client: PoolClient,
    source: Exclude<EventSource, 'crm'>,
    event: EventEnvelope<string, PlainObject>,
  ): Promise<void> {
    const claimed = await this.claim(client, source, [event], (item) => item);
    await this.applyClaimedDomainEvents(client, source, claimed, (item) => item);
  }

  /**
   * Applies domain events already claimed in this transaction, in order. A brainstorm's ideas, the bulk of
   * the circles stream, are written in one statement; every other event through its applier, inside
   * `each` (the consumer runs each in its own message's context).
   */
  async applyClaimedDomainEvents<M>(
    client: PoolClient,
    source: Exclude<EventSource, 'crm'>,
    items: readonly M[],
    eventOf: (item: M) => EventEnvelope<string, PlainObject>,
    each: (item: M, apply: () => Promise<void>) => Promise<void> = (_item, apply) => apply(),
  ): Promise<void> {
    // Ideas depend on no other table and no other table on them, so they need not keep their place in order.
    const ideas = source === 'circles' ? items.filter((item) => eventOf(item).type === 'IdeaProposed') : [];
    if (ideas.length > 0) await this.insertProposedIdeas(client, ideas.map(eventOf));
    const appliers: Appliers<CirclesEventPayloads> | Appliers<IdeasEventPayloads> =
      source === 'circles' ? this.circlesAppliers : this.ideasAppliers;
    for (const item of items) {
      const event = eventOf(item);
      if (source === 'circles' && event.type === 'IdeaProposed') continue;
      const apply = (appliers as unknown as Record<string, Applier | undefined>)[event.type];
      if (!apply) continue;
      const envelope = {
        eventId: event.eventId,
        occurredAt: event.occurredAt,
        localDate: localDateOf(event.occurredAt, this.timeZone),
      };
      await each(item, () => apply(client, event.payload, envelope));
    }
  }

  private async insertProposedIdeas(
    client: PoolClient,
    events: readonly EventEnvelope<string, PlainObject>[],
  ): Promise<void> {
    // The registry validated each payload against the DTO of its type, which implements IdeaProposed.
    const ideas = events.map((event) => ({
      payload: event.payload as unknown as IdeaProposed,
      localDate: localDateOf(event.occurredAt, this.timeZone),
    }));
    await client.query(
      `INSERT INTO ${this.schema}.brainstorm_ideas (idea_id, circle_id, author_department_id, builds_on, local_date)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::date[])
       ON CONFLICT (idea_id) DO NOTHING`,
      [
        ideas.map(({ payload }) => payload.ideaId),
        ideas.map(({ payload }) => payload.circleId),
        ideas.map(({ payload }) => payload.authorDepartmentId),
        ideas.map(({ payload }) => payload.parentIdeaId !== null),
        ideas.map(({ localDate }) => localDate),
      ],
    );
  }

  private async employeeChange(
    client: PoolClient,
    change: 'registered' | 'updated' | 'deactivated' | 'reactivated',
    employeeId: string,
    departmentId: string,
    { occurredAt, localDate }: AppliedEnvelope,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.employee_changes (employee_id, change, department_id, occurred_at, local_date)
       VALUES ($1, $2, $3, $4, $5)`,
      [employeeId, change, departmentId, occurredAt, localDate],
    );
  }

  private async department(client: PoolClient, departmentId: string, name: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.departments (department_id, name) VALUES ($1, $2)
       ON CONFLICT (department_id) DO UPDATE SET name = EXCLUDED.name`,
      [departmentId, name],
    );
  }

  private readonly circlesAppliers: Appliers<CirclesEventPayloads> = {
    DepartmentRegistered: (client, payload) => this.department(client, payload.departmentId, payload.name),
    DepartmentRenamed: (client, payload) => this.department(client, payload.departmentId, payload.name),
    EmployeeRegistered: (client, payload, envelope) =>
      this.employeeChange(client, 'registered', payload.employeeId, payload.departmentId, envelope),
    EmployeeUpdated: (client, payload, envelope) =>
      this.employeeChange(client, 'updated', payload.employeeId, payload.departmentId, envelope),
    EmployeeDeactivated: (client, payload, envelope) =>
      this.employeeChange(client, 'deactivated', payload.employeeId, payload.departmentId, envelope),
    EmployeeReactivated: (client, payload, envelope) =>
      this.employeeChange(client, 'reactivated', payload.employeeId, payload.departmentId, envelope),
    LeafletCompleted: async (client, payload, { localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.leaflets (leaflet_id, circle_id, situation_id, category, local_date)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (leaflet_id) DO NOTHING`,
        [payload.leafletId, payload.circleId, payload.situationId, payload.category, localDate],
      );
    },
    // Attendance is dated by the day the circle was held; before CircleCompleted arrives, by its own event.
    AttendanceRecorded: async (client, payload, { localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.attendance (circle_id, employee_id, local_date)
         SELECT $1, employee_id,
                COALESCE((SELECT held_on FROM ${this.schema}.circles_held WHERE circle_id = $1), $3::date)
         FROM unnest($2::text[]) AS employee_id
         ON CONFLICT (circle_id, employee_id) DO NOTHING`,
        [payload.circleId, payload.attendees.map((attendee) => attendee.employeeId), localDate],
      );
    },
    CircleCompleted: async (client, payload) => {
      const heldOn = localDateOf(payload.completedAt, this.timeZone);
      await client.query(
        `INSERT INTO ${this.schema}.circles_held (circle_id, held_on, completed_at, department_ids)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (circle_id) DO UPDATE
         SET held_on = EXCLUDED.held_on, completed_at = EXCLUDED.completed_at, department_ids = EXCLUDED.department_ids`,
        [payload.circleId, heldOn, payload.completedAt, payload.departmentIds],
      );
      await client.query(
        `INSERT INTO ${this.schema}.attendance (circle_id, employee_id, local_date)
         SELECT $1, employee_id, $3 FROM unnest($2::text[]) AS employee_id
         ON CONFLICT (circle_id, employee_id) DO NOTHING`,
        // The leader attends the meeting too.
        [payload.circleId, [...new Set([payload.leaderId, ...payload.attendeeIds])], heldOn],
      );
      await client.query(`UPDATE ${this.schema}.attendance SET local_date = $2 WHERE circle_id = $1`, [
        payload.circleId,
        heldOn,
      ]);
    },
    WowSolutionChosen: async (client, payload, { occurredAt, localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.wow_solutions AS w (circle_id, situation_id, category, occurred_at, local_date)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (circle_id, situation_id) DO UPDATE
         SET category = EXCLUDED.category, occurred_at = EXCLUDED.occurred_at, local_date = EXCLUDED.local_date
         WHERE EXCLUDED.occurred_at >= w.occurred_at`,
        [payload.circleId, payload.situationId, payload.category, occurredAt, localDate],
      );
    },
    PulseAnswered: async (client, payload, { occurredAt, localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.pulses AS p (circle_id, employee_id, department_id, sees_benefit, occurred_at, local_date)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (circle_id, employee_id) DO UPDATE
         SET department_id = EXCLUDED.department_id, sees_benefit = EXCLUDED.sees_benefit,
             occurred_at = EXCLUDED.occurred_at, local_date = EXCLUDED.local_date
         WHERE EXCLUDED.occurred_at >= p.occurred_at`,
        [
          payload.circleId,
          payload.employeeId,
          payload.departmentId,
          payload.seesPracticalBenefit,
          occurredAt,
          localDate,
        ],
      );
    },
  };

  private readonly ideasAppliers: Appliers<IdeasEventPayloads> = {
    IdeaSubmitted: async (client, payload, { eventId, localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.idea_milestones (event_id, milestone, idea_id, department_id, scope, category, local_date)
         VALUES ($1, 'submitted', $2, $3, NULL, $4, $5)`,
        [eventId, payload.ideaId, payload.departmentId, payload.category, localDate],
      );
    },
    ImprovementImplemented: async (client, payload, { eventId, localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.idea_milestones (event_id, milestone, idea_id, department_id, scope, category, local_date)
         VALUES ($1, 'implemented', $2, $3, $4, $5, $6)`,
        [eventId, payload.ideaId, payload.departmentId, payload.scope, payload.category, localDate],
      );
    },
  };
}
