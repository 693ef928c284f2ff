// The situation aggregate (stream `situation-<id>`): a case for a circle, from an employee or a CRM complaint.
import {
  CIRCLES_TEXT_LIMITS,
  SITUATION_CATEGORIES,
  textProblem,
  type SituationCategory,
} from '@hc/contracts';
import { badInput, conflict, notFound, type Decider, type DomainError } from '@hc/service-kit';
import { assertNever, event, type CirclesEvent } from '../domain.js';
import { maskPersonalData } from './personal-data.js';

export type SituationEvent = CirclesEvent<
  'SituationRegistered' | 'ComplaintLinkedToSituation' | 'SituationsMerged' | 'SituationArchived'
>;

export type SituationState =
  | { exists: false }
  | {
      exists: true;
      situationId: string;
      category: SituationCategory;
      complaintIds: string[];
      archived: boolean;
    };

export interface RegisterSituation {
  type: 'RegisterSituation';
  situationId: string;
  title: string;
  description: string;
  category: string;
  source: 'employee' | 'crm';
  authorId: string | null;
  departmentId: string | null;
  complaintIds: string[];
}

export type SituationCommand =
  | RegisterSituation
  /** On the situation that absorbs another one. */
  | { type: 'AbsorbSituation'; mergedSituationId: string; complaintIds: string[] }
  | { type: 'ArchiveSituation'; reason: string };

function boundedText(field: string, value: string, maxLength: number): DomainError | null {
  const problem = textProblem(value, maxLength);
  return problem === null ? null : badInput(field, problem);
}

function isCategory(value: string): value is SituationCategory {
  return (SITUATION_CATEGORIES as readonly string[]).includes(value);
}

/** The first `maxLength` characters, cut at a character (not a UTF-16 unit) boundary. */
export function truncate(text: string, maxLength: number): string {
  const characters = [...text];
  return characters.length <= maxLength ? text : `${characters.slice(0, maxLength - 1).join('')}…`;
}

export const situationDecider: Decider<SituationCommand, SituationEvent, SituationState> = {
  initialState: () => ({ exists: false }),
  evolve: (state, { type, data }) => {
    switch (type) {
      case 'SituationRegistered':
        return {
          exists: true,
          situationId: data.situationId,
          category: data.category,
          complaintIds: data.complaintIds,
          archived: false,
        };
      case 'ComplaintLinkedToSituation':
        return state.exists ? { ...state, complaintIds: [...state.complaintIds, data.complaintId] } : state;
      case 'SituationsMerged':
        return state.exists
          ? { ...state, complaintIds: [...new Set([...state.complaintIds, ...data.complaintIds])] }
          : state;
      case 'SituationArchived':
        return state.exists ? { ...state, archived: true } : state;
      default:
        return assertNever(type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterSituation': {
        // A second delivery of the same complaint (or a retried command) registers nothing.
        if (state.exists) return [];
        const invalid =
          boundedText('title', command.title, CIRCLES_TEXT_LIMITS.title) ??
          boundedText('description', command.description, CIRCLES_TEXT_LIMITS.description);
        if (invalid) return invalid;
        if (!isCategory(command.category))
          return badInput('category', `must be one of ${SITUATION_CATEGORIES.join(', ')}`);
        return [
          event('SituationRegistered', {
            situationId: command.situationId,
            title: maskPersonalData(command.title.trim()),
            description: maskPersonalData(command.description.trim()),
            category: command.category,
            source: command.source,
            authorId: command.authorId,
            departmentId: command.departmentId,
            complaintIds: command.complaintIds,
          }),
        ];
      }
      case 'AbsorbSituation':
        if (!state.exists) return notFound('No such situation');
        if (state.archived) return conflict('An archived situation cannot take in another one');
        if (command.mergedSituationId === state.situationId)
          return badInput('mergedSituationId', 'must name another situation');
        return [
          event('SituationsMerged', {
            situationId: state.situationId,
            mergedSituationId: command.mergedSituationId,
            complaintIds: command.complaintIds,
          }),
        ];
      case 'ArchiveSituation': {
        if (!state.exists) return notFound('No such situation');
        if (state.archived) return conflict('The situation is already archived');
        const invalid = boundedText('reason', command.reason, CIRCLES_TEXT_LIMITS.reason);
        if (invalid) return invalid;
        return [
          event('SituationArchived', { situationId: state.situationId, reason: command.reason.trim() }),
        ];
      }
      default:
        return assertNever(command);
    }
  },
};
