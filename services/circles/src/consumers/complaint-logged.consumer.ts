// Turns each CRM ComplaintLogged into one situation of the backlog, whatever the number of deliveries.
import { createHash } from 'node:crypto';
import { circlesStreamId, decodeCrmEvent, type CrmEvent } from '@hc/contracts';
import { RejectedMessageError, eachInMessageContext, type MessageHandler } from '@hc/messaging';
import type { CommandRunner } from '@hc/service-kit';
import { situationDecider, truncate } from '../situations/situation.decide.js';
import { maskPersonalData } from '../situations/personal-data.js';

const TITLE_LENGTH = 120;

/**
 * The same complaint always maps to the same situation id, so a redelivery, or another CRM event
 * about the same complaint id, finds the situation's stream already written and adds nothing.
 */
export function situationIdOfComplaint(complaintId: string): string {
  return `crm-${createHash('sha256').update(complaintId, 'utf8').digest('hex').slice(0, 32)}`;
}

export function complaintLoggedHandler(commands: CommandRunner): MessageHandler<CrmEvent> {
  return {
    decode: decodeCrmEvent,
    messageIdOf: (event) => event.eventId,
    // Surveys, thanks and contact volumes are the metrics service's: no transaction here.
    isRelevant: (event) => event.type === 'ComplaintLogged',
    async apply(client, messages) {
      // A CRM message carries no correlation header: its correlation id is its own event id.
      await eachInMessageContext(messages, async ({ value: event }) => {
        if (event.type !== 'ComplaintLogged') return;
        const { complaintId, category, departmentId, summary } = event.payload;
        const situationId = situationIdOfComplaint(complaintId);
        const firstLine = summary
          .split('\n')
          .map((line) => line.trim())
          .find((line) => line !== '');
        const outcome = await commands.run(
          situationDecider,
          circlesStreamId.situation(situationId),
          {
            type: 'RegisterSituation',
            situationId,
            title: truncate(maskPersonalData(firstLine ?? ''), TITLE_LENGTH),
            description: summary,
            category,
            source: 'crm',
            authorId: null,
            departmentId: departmentId ?? null,
            complaintIds: [complaintId],
          },
          { correlationId: event.eventId, causationId: event.eventId, actor: null, client },
        );
        // A summary of blanks only: bad input, for the dead-letter topic.
        if (!outcome.ok)
          throw new RejectedMessageError(
            `Complaint ${complaintId} was not registered: ${outcome.error.message}`,
          );
      });
    },
  };
}
