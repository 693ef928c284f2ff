// Read-model rows as GraphQL objects.
import type { IdeaRow } from '../projections/ideas.read-model.js';
import { isOverdue } from '../projections/ideas.read-model.js';
import type { Idea } from './graphql/idea.model.js';

export function toIdea(row: IdeaRow, today: string): Idea {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    scope: row.scope,
    targetDepartmentId: row.target_department_id,
    departmentId: row.department_id,
    proposedBy: row.proposed_by,
    origin: {
      kind: row.origin_kind,
      circleId: row.circle_id,
      leafletId: row.leaflet_id,
      situationId: row.situation_id,
      sourceEventId: row.source_event_id,
      complaintIds: row.complaint_ids,
      category: row.category,
    },
    ownerId: row.owner_id,
    dueDate: row.due_date,
    revisitOn: row.revisit_on,
    statusReason: row.status_reason,
    mergedIntoId: row.merged_into_id,
    improvement:
      row.implementation_description !== null && row.implemented_at !== null
        ? {
            description: row.implementation_description,
            implementedAt: row.implemented_at,
            scope: row.scope ?? 'contact_centre',
          }
        : null,
    overdue: isOverdue(row, today),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
