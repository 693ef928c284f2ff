// The read models behind the GraphQL queries, fed from the event store in commit order.
import type { PoolClient } from 'pg';
import type { CirclesEventPayloads, CirclesEventType } from '@hc/contracts';
import type { RecordedEvent } from '@hc/event-store';
import type { Projection } from '@hc/service-kit';

type Handler<K extends CirclesEventType> = (
  client: PoolClient,
  data: CirclesEventPayloads[K],
  event: RecordedEvent,
) => Promise<unknown>;

/** Only the events that change a read model; the rest (stages, ideas, …) are read from the circle's stream. */
const handlers: { [K in CirclesEventType]?: Handler<K> } = {
  DepartmentRegistered: (client, { departmentId, name }) =>
    client.query(
      'INSERT INTO departments (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = $2',
      [departmentId, name],
    ),
  DepartmentRenamed: (client, { departmentId, name }) =>
    client.query('UPDATE departments SET name = $2 WHERE id = $1', [departmentId, name]),
  EmployeeRegistered: (client, data) =>
    client.query(
      `INSERT INTO employees (id, full_name, department_id, leader_eligible, active) VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (id) DO UPDATE SET full_name = $2, department_id = $3, leader_eligible = $4`,
      [data.employeeId, data.fullName, data.departmentId, data.leaderEligible],
    ),
  EmployeeUpdated: (client, data) =>
    client.query(
      'UPDATE employees SET full_name = $2, department_id = $3, leader_eligible = $4 WHERE id = $1',
      [data.employeeId, data.fullName, data.departmentId, data.leaderEligible],
    ),
  EmployeeDeactivated: (client, { employeeId }) =>
    client.query('UPDATE employees SET active = false WHERE id = $1', [employeeId]),
  EmployeeReactivated: (client, { employeeId }) =>
    client.query('UPDATE employees SET active = true WHERE id = $1', [employeeId]),
  SituationRegistered: (client, data, event) =>
    client.query(
      `INSERT INTO situations (id, title, description, category, source, author_id, department_id, complaint_ids,
         status, registered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) ON CONFLICT (id) DO NOTHING`,
      [
        data.situationId,
        data.title,
        data.description,
        data.category,
        data.source,
        data.authorId,
        data.departmentId,
        data.complaintIds,
        event.occurredAt,
      ],
    ),
  ComplaintLinkedToSituation: (client, { situationId, complaintId }) =>
    client.query('UPDATE situations SET complaint_ids = array_append(complaint_ids, $2) WHERE id = $1', [
      situationId,
      complaintId,
    ]),
  SituationsMerged: async (client, { situationId, mergedSituationId, complaintIds }) => {
    await client.query(
      `UPDATE situations SET complaint_ids = ARRAY(SELECT DISTINCT unnest(complaint_ids || $2::text[])) WHERE id = $1`,
      [situationId, complaintIds],
    );
    await client.query('UPDATE situations SET merged_into = $2 WHERE id = $1', [
      mergedSituationId,
      situationId,
    ]);
  },
  SituationArchived: (client, { situationId }) =>
    client.query(`UPDATE situations SET status = 'archived' WHERE id = $1`, [situationId]),
  CircleScheduled: async (client, data) => {
    await client.query(
      `INSERT INTO circles (id, scheduled_at, iso_week, leader_id, situation_ids, status)
       VALUES ($1, $2, $3, $4, $5, 'scheduled') ON CONFLICT (id) DO NOTHING`,
      [data.circleId, data.scheduledAt, data.isoWeek, data.leaderId, data.situationIds],
    );
    await client.query(`UPDATE situations SET status = 'scheduled' WHERE id = ANY($1) AND status = 'open'`, [
      data.situationIds,
    ]);
  },
  ParticipantJoined: (client, { circleId, employeeId }) =>
    client.query('UPDATE circles SET participant_ids = array_append(participant_ids, $2) WHERE id = $1', [
      circleId,
      employeeId,
    ]),
  ParticipantLeft: (client, { circleId, employeeId }) =>
    client.query('UPDATE circles SET participant_ids = array_remove(participant_ids, $2) WHERE id = $1', [
      circleId,
      employeeId,
    ]),
  CircleStarted: (client, { circleId }) =>
    client.query(`UPDATE circles SET status = 'running' WHERE id = $1`, [circleId]),
  WowSolutionChosen: (client, data, event) =>
    client.query(
      `INSERT INTO wow_solutions (circle_id, situation_id, wording, needs_change, category, chosen_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (circle_id, situation_id) DO UPDATE SET wording = $3, needs_change = $4, chosen_at = $6`,
      [data.circleId, data.situationId, data.wording, data.needsChange, data.category, event.occurredAt],
    ),
  LeafletCompleted: async (client, data, event) => {
    await client.query(
      `INSERT INTO leaflets (id, circle_id, situation_id, title, situation, standard_solution, wow_effect,
         additional_questions, category, department_ids, complaint_ids, completed_at, document)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
         setweight(to_tsvector('russian', $4), 'A') || setweight(to_tsvector('russian', $7), 'A') ||
         setweight(to_tsvector('russian', $5), 'B') ||
         setweight(to_tsvector('russian', array_to_string($6::text[], ' ')), 'B') ||
         setweight(to_tsvector('russian', array_to_string($8::text[], ' ')), 'C'))
       ON CONFLICT (id) DO NOTHING`,
      [
        data.leafletId,
        data.circleId,
        data.situationId,
        data.title,
        data.situation,
        data.standardSolution,
        data.wowEffect,
        data.additionalQuestions,
        data.category,
        data.departmentIds,
        data.complaintIds,
        event.occurredAt,
      ],
    );
    await client.query(`UPDATE situations SET status = 'discussed' WHERE id = $1 AND status <> 'archived'`, [
      data.situationId,
    ]);
  },
  CircleCompleted: (client, { circleId, completedAt }) =>
    client.query(`UPDATE circles SET status = 'completed', completed_at = $2 WHERE id = $1`, [
      circleId,
      completedAt,
    ]),
};

export const readModelProjection: Projection = {
  name: 'circles-read-model',
  async apply(client, events) {
    for (const event of events) {
      const handler = handlers[event.type as CirclesEventType] as Handler<CirclesEventType> | undefined;
      await handler?.(client, event.payload as CirclesEventPayloads[CirclesEventType], event);
    }
  },
  async reset(client) {
    await client.query('TRUNCATE departments, employees, situations, circles, wow_solutions, leaflets');
  },
};
