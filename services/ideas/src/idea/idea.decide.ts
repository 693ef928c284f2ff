// The lifecycle of an idea as a pure decision: which transitions are legal from which state, who may make them.
import {
  IDEA_REASON_MAX_LENGTH,
  IDEA_SCOPES,
  IDEA_TEXT_MAX_LENGTH,
  IDEA_TITLE_MAX_LENGTH,
  MAX_ID_LENGTH,
  textProblem,
  isCalendarDate,
  type IdeaOrigin,
  type IdeaScope,
  type IdeaStatus,
} from '@hc/contracts';
import {
  badInput,
  conflict,
  forbidden,
  hasRole,
  isDomainError,
  notFound,
  type DecisionContext,
  type Decider,
  type DomainError,
  type Identity,
} from '@hc/service-kit';
import { companyLocalDate } from '../company-date.js';
import type { IdeaEvent } from './idea.events.js';
import { evolveIdea, initialIdeaState, type ExistingIdea, type IdeaState } from './idea.state.js';

export type IdeaCommand =
  | {
      type: 'RegisterIdea';
      ideaId: string;
      title: string;
      description: string;
      origin: IdeaOrigin;
      proposedBy: string;
      departmentId: string;
    }
  | { type: 'StartReview' }
  | { type: 'ApproveIdea'; scope: IdeaScope; targetDepartmentId: string | null }
  | { type: 'StartImplementation' }
  | { type: 'CompleteImplementation'; description: string }
  | { type: 'RejectIdea'; reason: string }
  | { type: 'DeferIdea'; reason: string; revisitOn: string }
  | { type: 'ReturnToReview' }
  | { type: 'WithdrawIdea'; reason: string }
  | { type: 'AssignOwner'; ownerId: string; dueDate: string }
  | { type: 'SupportIdea' }
  | { type: 'CommentOnIdea'; commentId: string; text: string }
  | { type: 'AbsorbIdea'; mergedIdeaId: string }
  | { type: 'MergeIntoIdea'; targetIdeaId: string };

export type IdeaCommandType = IdeaCommand['type'];

/** The statuses each command may start from: the lifecycle's transition table. */
export const ALLOWED_FROM: Record<Exclude<IdeaCommandType, 'RegisterIdea'>, readonly IdeaStatus[]> = {
  StartReview: ['proposed'],
  ApproveIdea: ['under_review'],
  StartImplementation: ['approved'],
  CompleteImplementation: ['in_progress'],
  RejectIdea: ['proposed', 'under_review', 'deferred'],
  DeferIdea: ['proposed', 'under_review', 'approved'],
  ReturnToReview: ['deferred'],
  WithdrawIdea: ['proposed', 'under_review', 'deferred'],
  AssignOwner: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
  SupportIdea: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
  CommentOnIdea: [
    'proposed',
    'under_review',
    'approved',
    'in_progress',
    'implemented',
    'rejected',
    'deferred',
  ],
  AbsorbIdea: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
  MergeIntoIdea: ['proposed', 'under_review', 'deferred'],
};

const ACTIONS: Record<Exclude<IdeaCommandType, 'RegisterIdea'>, string> = {
  StartReview: 'taken into review',
  ApproveIdea: 'approved',
  StartImplementation: 'taken into implementation',
  CompleteImplementation: 'marked implemented',
  RejectIdea: 'rejected',
  DeferIdea: 'deferred',
  ReturnToReview: 'returned to review',
  WithdrawIdea: 'withdrawn',
  AssignOwner: 'given an owner',
  SupportIdea: 'supported',
  CommentOnIdea: 'commented on',
  AbsorbIdea: 'merged with another idea',
  MergeIntoIdea: 'merged into another idea',
};

/** Anyone who works here: they may propose, support and comment. */
const EMPLOYEE_ROLES = ['participant', 'leader', 'coordinator'] as const;

const describeStatus = (status: IdeaStatus): string => status.replace('_', ' ');

function checkText(field: string, value: string, maxLength: number): DomainError | null {
  const problem = textProblem(value, maxLength);
  return problem === null ? null : badInput(field, problem);
}

function checkId(field: string, value: string): DomainError | null {
  return checkText(field, value, MAX_ID_LENGTH);
}

function actorOrError(context: DecisionContext): Identity | DomainError {
  return context.actor ?? forbidden('This action needs an identified employee');
}

function requireCoordinator(context: DecisionContext, action: string): Identity | DomainError {
  const actor = actorOrError(context);
  if (isDomainError(actor)) return actor;
  return hasRole(actor, 'coordinator') ? actor : forbidden(`Only a coordinator may ${action}`);
}

function requireEmployee(context: DecisionContext): Identity | DomainError {
  const actor = actorOrError(context);
  if (isDomainError(actor)) return actor;
  return hasRole(actor, ...EMPLOYEE_ROLES) ? actor : forbidden('Only an employee may do this');
}

/** The owner moves an idea through implementation; a coordinator may do it for them. */
function requireOwnerOrCoordinator(context: DecisionContext, idea: ExistingIdea): Identity | DomainError {
  const actor = actorOrError(context);
  if (isDomainError(actor)) return actor;
  if (hasRole(actor, 'coordinator') || (idea.ownerId !== null && idea.ownerId === actor.subject))
    return actor;
  return forbidden('Only the idea’s owner or a coordinator may move it through implementation');
}

function decideRegistration(
  command: Extract<IdeaCommand, { type: 'RegisterIdea' }>,
  state: IdeaState,
  context: DecisionContext,
): IdeaEvent[] | DomainError {
  if (state.exists) {
    // Intake redelivers: the same source event registers nothing new.
    if (command.origin.sourceEventId !== null && state.origin.sourceEventId === command.origin.sourceEventId)
      return [];
    return conflict(`Idea ${command.ideaId} already exists`);
  }
  // Intake from circles runs without a caller; a person proposing must be an employee.
  if (context.actor !== null) {
    const actor = requireEmployee(context);
    if (isDomainError(actor)) return actor;
  }
  const problem =
    checkText('title', command.title, IDEA_TITLE_MAX_LENGTH) ??
    checkText('description', command.description, IDEA_TEXT_MAX_LENGTH) ??
    checkId('proposedBy', command.proposedBy) ??
    checkId('departmentId', command.departmentId);
  if (problem) return problem;
  const { type: _type, ...data } = command;
  return [
    {
      type: 'IdeaRegistered',
      data: { ...data, title: command.title.trim(), description: command.description.trim() },
    },
  ];
}

export function createIdeaDecider(timeZone: string): Decider<IdeaCommand, IdeaEvent, IdeaState> {
  const today = (context: DecisionContext) => companyLocalDate(context.now, timeZone);

  function decide(
    command: IdeaCommand,
    state: IdeaState,
    context: DecisionContext,
  ): IdeaEvent[] | DomainError {
    if (command.type === 'RegisterIdea') return decideRegistration(command, state, context);
    if (!state.exists) return notFound('The idea does not exist');
    if (!ALLOWED_FROM[command.type].includes(state.status))
      return conflict(`Idea is ${describeStatus(state.status)}; it cannot be ${ACTIONS[command.type]}`);
    const ideaId = state.ideaId;

    switch (command.type) {
      case 'StartReview': {
        const actor = requireCoordinator(context, 'review ideas');
        if (isDomainError(actor)) return actor;
        return [{ type: 'IdeaReviewStarted', data: { ideaId, reviewerId: actor.subject } }];
      }
      case 'ApproveIdea': {
        const actor = requireCoordinator(context, 'approve ideas');
        if (isDomainError(actor)) return actor;
        const by = actor.subject;
        if (!IDEA_SCOPES.includes(command.scope))
          return badInput('scope', `must be one of ${IDEA_SCOPES.join(', ')}`);
        if (command.scope === 'contact_centre') {
          if (command.targetDepartmentId !== null)
            return badInput(
              'targetDepartmentId',
              'must be empty for an improvement inside the contact centre',
            );
          return [
            {
              type: 'IdeaApproved',
              data: { ideaId, scope: 'contact_centre', targetDepartmentId: null, approvedBy: by },
            },
          ];
        }
        if (command.targetDepartmentId === null)
          return badInput('targetDepartmentId', 'is required when the idea goes to another department');
        const problem = checkId('targetDepartmentId', command.targetDepartmentId);
        if (problem) return problem;
        const targetDepartmentId = command.targetDepartmentId;
        return [
          {
            type: 'IdeaApproved',
            data: { ideaId, scope: 'other_department', targetDepartmentId, approvedBy: by },
          },
          {
            type: 'IdeaSubmitted',
            data: {
              ideaId,
              targetDepartmentId,
              departmentId: state.departmentId,
              category: state.origin.category,
              submittedBy: by,
            },
          },
        ];
      }
      case 'StartImplementation': {
        const actor = requireOwnerOrCoordinator(context, state);
        if (isDomainError(actor)) return actor;
        return [{ type: 'IdeaImplementationStarted', data: { ideaId, startedBy: actor.subject } }];
      }
      case 'CompleteImplementation': {
        const actor = requireOwnerOrCoordinator(context, state);
        if (isDomainError(actor)) return actor;
        const problem = checkText('description', command.description, IDEA_TEXT_MAX_LENGTH);
        if (problem) return problem;
        return [
          {
            type: 'ImprovementImplemented',
            data: {
              ideaId,
              // Approval always precedes implementation, so the scope is known here.
              scope: state.scope ?? 'contact_centre',
              description: command.description.trim(),
              departmentId: state.departmentId,
              category: state.origin.category,
              complaintIds: state.origin.complaintIds,
              implementedBy: actor.subject,
            },
          },
        ];
      }
      case 'RejectIdea': {
        const actor = requireCoordinator(context, 'reject ideas');
        if (isDomainError(actor)) return actor;
        const problem = checkText('reason', command.reason, IDEA_REASON_MAX_LENGTH);
        if (problem) return problem;
        return [
          {
            type: 'IdeaRejected',
            data: { ideaId, reason: command.reason.trim(), rejectedBy: actor.subject },
          },
        ];
      }
      case 'DeferIdea': {
        const actor = requireCoordinator(context, 'defer ideas');
        if (isDomainError(actor)) return actor;
        const problem = checkText('reason', command.reason, IDEA_REASON_MAX_LENGTH);
        if (problem) return problem;
        if (!isCalendarDate(command.revisitOn))
          return badInput('revisitOn', 'must be a real calendar date YYYY-MM-DD');
        if (command.revisitOn <= today(context)) return badInput('revisitOn', 'must be after today');
        return [
          {
            type: 'IdeaDeferred',
            data: {
              ideaId,
              reason: command.reason.trim(),
              revisitOn: command.revisitOn,
              deferredBy: actor.subject,
            },
          },
        ];
      }
      case 'ReturnToReview': {
        // Run by the service's timer (no caller) or by a coordinator.
        if (context.actor !== null) {
          const actor = requireCoordinator(context, 'return deferred ideas to review');
          if (isDomainError(actor)) return actor;
        }
        if (state.revisitOn !== null && state.revisitOn > today(context))
          return conflict(`Idea is deferred until ${state.revisitOn}; it is not due for review yet`);
        return [
          {
            type: 'IdeaReturnedToReview',
            data: { ideaId, reason: `revisit date ${state.revisitOn} reached` },
          },
        ];
      }
      case 'WithdrawIdea': {
        const actor = actorOrError(context);
        if (isDomainError(actor)) return actor;
        if (actor.subject !== state.proposedBy) return forbidden('Only the proposer may withdraw an idea');
        const problem = checkText('reason', command.reason, IDEA_REASON_MAX_LENGTH);
        if (problem) return problem;
        return [
          {
            type: 'IdeaWithdrawn',
            data: { ideaId, reason: command.reason.trim(), withdrawnBy: actor.subject },
          },
        ];
      }
      case 'AssignOwner': {
        const actor = requireCoordinator(context, 'assign owners');
        if (isDomainError(actor)) return actor;
        const problem = checkId('ownerId', command.ownerId);
        if (problem) return problem;
        if (!isCalendarDate(command.dueDate))
          return badInput('dueDate', 'must be a real calendar date YYYY-MM-DD');
        if (command.dueDate < today(context)) return badInput('dueDate', 'must not be in the past');
        return [
          {
            type: 'IdeaOwnerAssigned',
            data: { ideaId, ownerId: command.ownerId, dueDate: command.dueDate, assignedBy: actor.subject },
          },
        ];
      }
      case 'SupportIdea': {
        const actor = requireEmployee(context);
        if (isDomainError(actor)) return actor;
        // Support counts once per employee: supporting again changes nothing.
        if (state.supporterIds.includes(actor.subject)) return [];
        return [{ type: 'IdeaSupported', data: { ideaId, employeeId: actor.subject } }];
      }
      case 'CommentOnIdea': {
        const actor = requireEmployee(context);
        if (isDomainError(actor)) return actor;
        const problem = checkText('text', command.text, IDEA_TEXT_MAX_LENGTH);
        if (problem) return problem;
        if (state.commentIds.includes(command.commentId)) return [];
        return [
          {
            type: 'IdeaCommented',
            data: {
              ideaId,
              commentId: command.commentId,
              authorId: actor.subject,
              text: command.text.trim(),
            },
          },
        ];
      }
      case 'AbsorbIdea': {
        const actor = requireCoordinator(context, 'merge ideas');
        if (isDomainError(actor)) return actor;
        if (command.mergedIdeaId === ideaId)
          return badInput('mergedId', 'an idea cannot be merged into itself');
        return [
          {
            type: 'IdeasMerged',
            data: { ideaId, mergedIdeaId: command.mergedIdeaId, mergedBy: actor.subject },
          },
        ];
      }
      case 'MergeIntoIdea': {
        const actor = requireCoordinator(context, 'merge ideas');
        if (isDomainError(actor)) return actor;
        if (command.targetIdeaId === ideaId)
          return badInput('targetId', 'an idea cannot be merged into itself');
        return [
          {
            type: 'IdeaMergedInto',
            data: { ideaId, targetIdeaId: command.targetIdeaId, mergedBy: actor.subject },
          },
        ];
      }
      default: {
        const unhandled: never = command;
        return unhandled;
      }
    }
  }

  return { initialState: initialIdeaState, evolve: evolveIdea, decide };
}
