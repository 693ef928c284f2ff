// The public contract of ideas.events.v1: the lifecycle of improvement ideas.
// Payload DTOs (ideas.payloads.ts) and asyncapi.yaml mirror these interfaces field for field.
import type { SituationCategory } from '../circles/circles.events.js';

export const IDEAS_TOPIC = 'ideas.events.v1';

export const IDEA_STATUSES = [
  'proposed',
  'under_review',
  'approved',
  'in_progress',
  'implemented',
  'rejected',
  'deferred',
  'withdrawn',
  'merged',
] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

/** Inside the contact centre, or submitted for implementation to another department. */
export const IDEA_SCOPES = ['contact_centre', 'other_department'] as const;
export type IdeaScope = (typeof IDEA_SCOPES)[number];

export const IDEA_ORIGIN_KINDS = ['circle_proposal', 'wow_solution', 'direct'] as const;
export type IdeaOriginKind = (typeof IDEA_ORIGIN_KINDS)[number];

/** Where an idea came from: through the situation, the CRM complaints it answers. */
export interface IdeaOrigin {
  kind: IdeaOriginKind;
  circleId: string | null;
  leafletId: string | null;
  situationId: string | null;
  /** The circles event it was taken in from (deduplicates intake), null for direct ideas. */
  sourceEventId: string | null;
  complaintIds: string[];
  category: SituationCategory | null;
}

export interface IdeaRegistered {
  ideaId: string;
  title: string;
  description: string;
  origin: IdeaOrigin;
  proposedBy: string;
  departmentId: string;
}
export interface IdeaReviewStarted {
  ideaId: string;
  reviewerId: string;
}
export interface IdeaApproved {
  ideaId: string;
  scope: IdeaScope;
  targetDepartmentId: string | null;
  approvedBy: string;
}
/** Submitted for implementation to another department. */
export interface IdeaSubmitted {
  ideaId: string;
  targetDepartmentId: string;
  departmentId: string;
  category: SituationCategory | null;
  submittedBy: string;
}
export interface IdeaImplementationStarted {
  ideaId: string;
  startedBy: string;
}
export interface ImprovementImplemented {
  ideaId: string;
  scope: IdeaScope;
  /** What changed. */
  description: string;
  departmentId: string;
  category: SituationCategory | null;
  complaintIds: string[];
  implementedBy: string;
}
export interface IdeaRejected {
  ideaId: string;
  reason: string;
  rejectedBy: string;
}
export interface IdeaDeferred {
  ideaId: string;
  reason: string;
  /** YYYY-MM-DD: the idea returns to review then. */
  revisitOn: string;
  deferredBy: string;
}
export interface IdeaReturnedToReview {
  ideaId: string;
  reason: string;
}
export interface IdeaWithdrawn {
  ideaId: string;
  reason: string;
  withdrawnBy: string;
}
export interface IdeaOwnerAssigned {
  ideaId: string;
  ownerId: string;
  /** YYYY-MM-DD */
  dueDate: string;
  assignedBy: string;
}
export interface IdeaSupported {
  ideaId: string;
  employeeId: string;
}
export interface IdeaCommented {
  ideaId: string;
  commentId: string;
  authorId: string;
  text: string;
}
/** This idea absorbed another; the other's history stays in its own stream. */
export interface IdeasMerged {
  ideaId: string;
  mergedIdeaId: string;
  mergedBy: string;
}
export interface IdeaMergedInto {
  ideaId: string;
  targetIdeaId: string;
  mergedBy: string;
}

export interface IdeasEventPayloads {
  IdeaRegistered: IdeaRegistered;
  IdeaReviewStarted: IdeaReviewStarted;
  IdeaApproved: IdeaApproved;
  IdeaSubmitted: IdeaSubmitted;
  IdeaImplementationStarted: IdeaImplementationStarted;
  ImprovementImplemented: ImprovementImplemented;
  IdeaRejected: IdeaRejected;
  IdeaDeferred: IdeaDeferred;
  IdeaReturnedToReview: IdeaReturnedToReview;
  IdeaWithdrawn: IdeaWithdrawn;
  IdeaOwnerAssigned: IdeaOwnerAssigned;
  IdeaSupported: IdeaSupported;
  IdeaCommented: IdeaCommented;
  IdeasMerged: IdeasMerged;
  IdeaMergedInto: IdeaMergedInto;
}
export type IdeasEventType = keyof IdeasEventPayloads;

export const ideaStreamId = (ideaId: string) => `idea-${ideaId}`;
