// Folds the event store into the ideas read model (ideas, supporters, comments, history).
import type { PoolClient } from 'pg';
import { ideasEventRegistry, type PlainObject } from '@hc/contracts';
import type { RecordedEvent } from '@hc/event-store';
import type { Projection } from '@hc/service-kit';
import type { IdeaEvent } from '../idea/idea.events.js';

const IDEA_STREAM_PREFIX = 'idea-';

async function applyEvent(client: PoolClient, recorded: RecordedEvent, event: IdeaEvent): Promise<void> {
  const at = recorded.occurredAt;
  const id = event.data.ideaId;
  const update = (assignments: string, values: unknown[]) =>
    client.query(`UPDATE ideas SET ${assignments}, updated_at = $2 WHERE id = $1`, [id, at, ...values]);
  const touch = () => client.query('UPDATE ideas SET updated_at = $2 WHERE id = $1', [id, at]);
  switch (event.type) {
    case 'IdeaRegistered': {
      const { title, description, origin, proposedBy, departmentId } = event.data;
      await client.query(
        `INSERT INTO ideas (id, position, title, description, status, department_id, proposed_by, origin_kind,
           circle_id, leaflet_id, situation_id, source_event_id, complaint_ids, category, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'proposed', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         ON CONFLICT (id) DO NOTHING`,
        [
          id,
          recorded.globalPosition.toString(),
          title,
          description,
          departmentId,
          proposedBy,
          origin.kind,
          origin.circleId,
          origin.leafletId,
          origin.situationId,
          origin.sourceEventId,
          origin.complaintIds,
          origin.category,
          at,
        ],
      );
      return;
    }
    case 'IdeaReviewStarted':
      await update(`status = 'under_review', status_reason = NULL`, []);
      return;
    case 'IdeaReturnedToReview':
      await update(`status = 'under_review', revisit_on = NULL, status_reason = $3`, [event.data.reason]);
      return;
    case 'IdeaApproved':
      await update(`status = 'approved', scope = $3, target_department_id = $4, status_reason = NULL`, [
        event.data.scope,
        event.data.targetDepartmentId,
      ]);
      return;
    case 'IdeaSubmitted':
      await update(`target_department_id = $3`, [event.data.targetDepartmentId]);
      return;
    case 'IdeaImplementationStarted':
      await update(`status = 'in_progress'`, []);
      return;
    case 'ImprovementImplemented':
      await update(`status = 'implemented', implementation_description = $3, implemented_at = $2`, [
        event.data.description,
      ]);
      return;
    case 'IdeaRejected':
      await update(`status = 'rejected', status_reason = $3`, [event.data.reason]);
      return;
    case 'IdeaDeferred':
      await update(`status = 'deferred', status_reason = $3, revisit_on = $4`, [
        event.data.reason,
        event.data.revisitOn,
      ]);
      return;
    case 'IdeaWithdrawn':
      await update(`status = 'withdrawn', status_reason = $3`, [event.data.reason]);
      return;
    case 'IdeaOwnerAssigned':
      await update(`owner_id = $3, due_date = $4`, [event.data.ownerId, event.data.dueDate]);
      return;
    case 'IdeaSupported':
      await client.query(
        `INSERT INTO idea_supporters (idea_id, employee_id, supported_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [id, event.data.employeeId, at],
      );
      await touch();
      return;
    case 'IdeaCommented':
      await client.query(
        `INSERT INTO idea_comments (idea_id, comment_id, author_id, text, commented_at, position)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          id,
          event.data.commentId,
          event.data.authorId,
          event.data.text,
          at,
          recorded.globalPosition.toString(),
        ],
      );
      await touch();
      return;
    case 'IdeasMerged':
      await touch();
      return;
    case 'IdeaMergedInto':
      await update(`status = 'merged', merged_into_id = $3`, [event.data.targetIdeaId]);
      return;
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled idea event ${JSON.stringify(unhandled)}`);
    }
  }
}

export const ideasProjection: Projection = {
  name: 'ideas-read-model',
  async apply(client, events) {
    for (const recorded of events) {
      if (!recorded.streamId.startsWith(IDEA_STREAM_PREFIX)) continue;
      // Brings older schema versions up to date; the store only holds payloads that were valid when appended.
      const current = ideasEventRegistry.readStoredPayload(
        recorded.type,
        recorded.schemaVersion,
        recorded.payload as PlainObject,
      );
      if (!current.ok) throw new Error(`Stored event ${recorded.eventId} cannot be read: ${current.detail}`);
      const event = { type: recorded.type, data: current.value.payload } as unknown as IdeaEvent;
      await applyEvent(client, recorded, event);
      await client.query(
        `INSERT INTO idea_history (event_id, idea_id, position, type, actor_id, occurred_at, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [
          recorded.eventId,
          event.data.ideaId,
          recorded.globalPosition.toString(),
          recorded.type,
          recorded.actor?.id ?? null,
          recorded.occurredAt,
          JSON.stringify(recorded.payload),
        ],
      );
    }
  },
  async reset(client) {
    await client.query('TRUNCATE idea_history, idea_comments, idea_supporters, ideas');
  },
};
