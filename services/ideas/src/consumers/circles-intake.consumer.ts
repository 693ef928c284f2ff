// Takes improvement proposals in from circles.events.v1: a leaflet's additional questions, and WOW
// solutions that need a change elsewhere. Every other circles event is acknowledged and ignored.
import {
  IDEA_TEXT_MAX_LENGTH,
  IDEA_TITLE_MAX_LENGTH,
  decodeCirclesEvent,
  ideaStreamId,
  type EventEnvelope,
  type ImprovementProposed,
  type PlainObject,
  type WowSolutionChosen,
} from '@hc/contracts';
import type { MessageHandler } from '@hc/messaging';
import type { Decider, ServiceRuntime } from '@hc/service-kit';
import { RejectedMessageError, eachInMessageContext } from '@hc/messaging';
import type { PoolClient } from 'pg';
import type { IdeaCommand } from '../idea/idea.decide.js';
import type { IdeaEvent } from '../idea/idea.events.js';
import { ideaIdFromSourceEvent } from '../idea/idea-id.js';
import type { IdeaState } from '../idea/idea.state.js';

/**
 * WowSolutionChosen names no department; circles are held in the contact centre, so its ideas are
 * recorded as the contact centre's.
 */
export const CONTACT_CENTRE_DEPARTMENT_ID = 'contact-centre';

type CirclesEnvelope = EventEnvelope<string, PlainObject>;

/** The first `max` code points, so a long proposal still makes a valid title. */
function clip(text: string, max: number): string {
  const points = [...text.trim()];
  return points.length <= max ? points.join('') : `${points.slice(0, max - 1).join('')}…`;
}

function titleOf(text: string): string {
  return clip(text.split('\n').find((line) => line.trim() !== '') ?? text, IDEA_TITLE_MAX_LENGTH);
}

export function intakeCommand(
  envelope: CirclesEnvelope,
): Extract<IdeaCommand, { type: 'RegisterIdea' }> | null {
  const sourceEventId = envelope.eventId;
  const ideaId = ideaIdFromSourceEvent(sourceEventId);
  if (envelope.type === 'ImprovementProposed') {
    // Validated against the circles registry by the decoder.
    const proposal = envelope.payload as unknown as ImprovementProposed;
    return {
      type: 'RegisterIdea',
      ideaId,
      title: titleOf(proposal.text),
      description: clip(proposal.text, IDEA_TEXT_MAX_LENGTH),
      origin: {
        kind: 'circle_proposal',
        circleId: proposal.circleId,
        leafletId: proposal.leafletId,
        situationId: proposal.situationId,
        sourceEventId,
        complaintIds: proposal.complaintIds,
        category: proposal.category,
      },
      proposedBy: proposal.proposedBy,
      departmentId: proposal.departmentId,
    };
  }
  if (envelope.type === 'WowSolutionChosen') {
    const solution = envelope.payload as unknown as WowSolutionChosen;
    if (!solution.needsChange) return null;
    return {
      type: 'RegisterIdea',
      ideaId,
      title: titleOf(solution.wording),
      description: clip(solution.wording, IDEA_TEXT_MAX_LENGTH),
      origin: {
        kind: 'wow_solution',
        circleId: solution.circleId,
        leafletId: null,
        situationId: solution.situationId,
        sourceEventId,
        complaintIds: [],
        category: solution.category,
      },
      // The one who chose the solution (the circle's leader); the circle itself when unknown.
      proposedBy: envelope.actor?.id ?? `circle-${solution.circleId}`,
      departmentId: CONTACT_CENTRE_DEPARTMENT_ID,
    };
  }
  return null;
}

export function circlesIntakeHandler(
  runtime: ServiceRuntime,
  decider: Decider<IdeaCommand, IdeaEvent, IdeaState>,
): MessageHandler<CirclesEnvelope> {
  return {
    decode: decodeCirclesEvent,
    messageIdOf: (envelope) => envelope.eventId,
    // Most circles events (a brainstorm's ideas above all) propose nothing: no transaction for them.
    isRelevant: (envelope) => intakeCommand(envelope) !== null,
    async apply(client: PoolClient, messages) {
      await eachInMessageContext(messages, async ({ value: envelope }) => {
        const command = intakeCommand(envelope);
        if (!command) return;
        const outcome = await runtime.commands.run(decider, ideaStreamId(command.ideaId), command, {
          commandId: `intake-${envelope.eventId}`,
          correlationId: envelope.correlationId,
          causationId: envelope.eventId,
          actor: null,
          client,
        });
        if (!outcome.ok)
          throw new RejectedMessageError(`${envelope.type} ${envelope.eventId}: ${outcome.error.message}`);
      });
    },
  };
}
