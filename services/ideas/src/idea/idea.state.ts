// The state of one idea, folded from its stream.
import type { IdeaOrigin, IdeaScope, IdeaStatus } from '@hc/contracts';
import type { IdeaEvent } from './idea.events.js';

export interface ExistingIdea {
  exists: true;
  ideaId: string;
  status: IdeaStatus;
  origin: IdeaOrigin;
  proposedBy: string;
  departmentId: string;
  scope: IdeaScope | null;
  targetDepartmentId: string | null;
  ownerId: string | null;
  dueDate: string | null;
  revisitOn: string | null;
  supporterIds: string[];
  commentIds: string[];
}

export type IdeaState = { exists: false } | ExistingIdea;

export const initialIdeaState = (): IdeaState => ({ exists: false });

export function evolveIdea(state: IdeaState, event: IdeaEvent): IdeaState {
  if (event.type === 'IdeaRegistered') {
    const { ideaId, origin, proposedBy, departmentId } = event.data;
    return {
      exists: true,
      ideaId,
      status: 'proposed',
      origin,
      proposedBy,
      departmentId,
      scope: null,
      targetDepartmentId: null,
      ownerId: null,
      dueDate: null,
      revisitOn: null,
      supporterIds: [],
      commentIds: [],
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'IdeaReviewStarted':
    case 'IdeaReturnedToReview':
      return { ...state, status: 'under_review', revisitOn: null };
    case 'IdeaApproved':
      return {
        ...state,
        status: 'approved',
        scope: event.data.scope,
        targetDepartmentId: event.data.targetDepartmentId,
      };
    case 'IdeaSubmitted':
      return { ...state, targetDepartmentId: event.data.targetDepartmentId };
    case 'IdeaImplementationStarted':
      return { ...state, status: 'in_progress' };
    case 'ImprovementImplemented':
      return { ...state, status: 'implemented' };
    case 'IdeaRejected':
      return { ...state, status: 'rejected' };
    case 'IdeaDeferred':
      return { ...state, status: 'deferred', revisitOn: event.data.revisitOn };
    case 'IdeaWithdrawn':
      return { ...state, status: 'withdrawn' };
    case 'IdeaOwnerAssigned':
      return { ...state, ownerId: event.data.ownerId, dueDate: event.data.dueDate };
    case 'IdeaSupported':
      return { ...state, supporterIds: [...state.supporterIds, event.data.employeeId] };
    case 'IdeaCommented':
      return { ...state, commentIds: [...state.commentIds, event.data.commentId] };
    case 'IdeasMerged':
      // The absorbing idea goes on as it was; the merged one records where it went.
      return state;
    case 'IdeaMergedInto':
      return { ...state, status: 'merged' };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
