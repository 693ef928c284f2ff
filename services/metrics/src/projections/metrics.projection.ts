// Folds the CRM, circles and ideas events into the read models of one schema (live or being rebuilt).
import type { PoolClient } from 'pg';
import type {
  CirclesEventPayloads,
  CrmEvent,
  CrmEventOf,
  EventEnvelope,
  IdeasEventPayloads,
  PlainObject,
} from '@hc/contracts';
import { localDateOf } from '../calendar.js';
import { assertSchemaName, NO_DEPARTMENT } from '../migrations/read-model.migrations.js';

export type EventSource = 'crm' | 'circles' | 'ideas';

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
    const envelope = await this.claim(client, 'crm', event.eventId, event.occurredAt);
    if (!envelope) return;
    switch (event.type) {
      case 'ComplaintLogged':
        return this.complaint(client, event, envelope);
      case 'GratitudeReceived':
        return this.gratitude(client, event, envelope);
      case 'SurveyAnswered':
        return this.survey(client, event, envelope);
      case 'ContactsHandled':
        return this.contacts(client, event);
    }
  }

  async applyCircles(client: PoolClient, event: EventEnvelope<string, PlainObject>): Promise<void> {
    await this.applyDomainEvent(client, 'circles', event, this.circlesAppliers);
  }

  async applyIdeas(client: PoolClient, event: EventEnvelope<string, PlainObject>): Promise<void> {
    await this.applyDomainEvent(client, 'ideas', event, this.ideasAppliers);
  }

  private async applyDomainEvent<TPayloads>(
    client: PoolClient,
    source: EventSource,
    event: EventEnvelope<string, PlainObject>,
    appliers: Appliers<TPayloads>,
  ): Promise<void> {
    const envelope = await this.claim(client, source, event.eventId, event.occurredAt);
    if (!envelope) return;
    const apply = appliers[event.type as keyof TPayloads];
    // The registry validated the payload against the DTO of this type, which implements its interface.
    if (apply) await apply(client, event.payload as TPayloads[keyof TPayloads], envelope);
  }

  private async claim(
    client: PoolClient,
    source: EventSource,
    eventId: string,
    occurredAt: string,
  ): Promise<AppliedEnvelope | null> {
    const { rowCount } = await client.query(
      `INSERT INTO ${this.schema}.applied_events (source, event_id, occurred_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [source, eventId, occurredAt],
    );
    if (rowCount === 0) return null;
    return { eventId, occurredAt, localDate: localDateOf(occurredAt, this.timeZone) };
  }

  private async complaint(
    client: PoolClient,
    { payload }: CrmEventOf<'ComplaintLogged'>,
    { localDate }: AppliedEnvelope,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.crm_complaints_daily (local_date, department_id, category, complaints)
       VALUES ($1, $2, $3, 1)
       ON CONFLICT (local_date, department_id, category) DO UPDATE
       SET complaints = crm_complaints_daily.complaints + 1`,
      [localDate, payload.departmentId ?? NO_DEPARTMENT, payload.category],
    );
  }

  private async gratitude(
    client: PoolClient,
    { payload }: CrmEventOf<'GratitudeReceived'>,
    { localDate }: AppliedEnvelope,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.schema}.crm_gratitudes_daily (local_date, department_id, gratitudes, written)
       VALUES ($1, $2, 1, $3)
       ON CONFLICT (local_date, department_id) DO UPDATE
       SET gratitudes = crm_gratitudes_daily.gratitudes + 1,
           written = crm_gratitudes_daily.written + EXCLUDED.written`,
      [localDate, payload.departmentId ?? NO_DEPARTMENT, payload.written ? 1 : 0],
    );
  }

  private async survey(
    client: PoolClient,
    { payload }: CrmEventOf<'SurveyAnswered'>,
    { localDate }: AppliedEnvelope,
  ): Promise<void> {
    const csi = payload.csi ?? null;
    const nps = payload.nps ?? null;
    await client.query(
      `INSERT INTO ${this.schema}.crm_surveys_daily AS d (local_date, department_id, answers, csi_answers,
         csi_sum, csi_sum_of_squares, csi_satisfied, nps_answers, promoters, detractors)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (local_date, department_id) DO UPDATE SET
         answers = d.answers + 1,
         csi_answers = d.csi_answers + EXCLUDED.csi_answers,
         csi_sum = d.csi_sum + EXCLUDED.csi_sum,
         csi_sum_of_squares = d.csi_sum_of_squares + EXCLUDED.csi_sum_of_squares,
         csi_satisfied = d.csi_satisfied + EXCLUDED.csi_satisfied,
         nps_answers = d.nps_answers + EXCLUDED.nps_answers,
         promoters = d.promoters + EXCLUDED.promoters,
         detractors = d.detractors + EXCLUDED.detractors`,
      [
        localDate,
        payload.departmentId ?? NO_DEPARTMENT,
        csi === null ? 0 : 1,
        csi ?? 0,
        csi === null ? 0 : csi * csi,
        csi !== null && csi >= 4 ? 1 : 0,
        nps === null ? 0 : 1,
        nps !== null && nps >= 9 ? 1 : 0,
        nps !== null && nps <= 6 ? 1 : 0,
      ],
    );
  }

  /** Bucketed by its own `date` (the day the contacts were handled); `occurredAt` decides which message is the latest. */
  private async contacts(client: PoolClient, event: CrmEventOf<'ContactsHandled'>): Promise<void> {
    const { payload } = event;
    await client.query(
      `INSERT INTO ${this.schema}.crm_contacts AS c (department_id, contact_date, contacts, occurred_at, event_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (department_id, contact_date) DO UPDATE
       SET contacts = EXCLUDED.contacts, occurred_at = EXCLUDED.occurred_at, event_id = EXCLUDED.event_id
       WHERE EXCLUDED.occurred_at >= c.occurred_at`,
      [payload.departmentId, payload.date, payload.count, event.occurredAt, event.eventId],
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
    IdeaProposed: async (client, payload, { localDate }) => {
      await client.query(
        `INSERT INTO ${this.schema}.brainstorm_ideas (idea_id, circle_id, author_department_id, builds_on, local_date)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idea_id) DO NOTHING`,
        [
          payload.ideaId,
          payload.circleId,
          payload.authorDepartmentId,
          payload.parentIdeaId !== null,
          localDate,
        ],
      );
    },
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
