// Every ideas event type at its current schema version, and the decoder of ideas.events.v1.
import { EventRegistry } from '../registry.js';
import type { DtoClass } from '../validation.js';
import type { IdeasEventType } from './ideas.events.js';
import {
  IdeaApprovedPayloadDto,
  IdeaCommentedPayloadDto,
  IdeaDeferredPayloadDto,
  IdeaImplementationStartedPayloadDto,
  IdeaMergedIntoPayloadDto,
  IdeaOwnerAssignedPayloadDto,
  IdeaRegisteredPayloadDto,
  IdeaRejectedPayloadDto,
  IdeaReturnedToReviewPayloadDto,
  IdeaReviewStartedPayloadDto,
  IdeaSubmittedPayloadDto,
  IdeaSupportedPayloadDto,
  IdeaWithdrawnPayloadDto,
  IdeasMergedPayloadDto,
  ImprovementImplementedPayloadDto,
} from './ideas.payloads.js';

/** A record, so the compiler insists on a DTO for every type of IdeasEventPayloads. */
export const IDEAS_PAYLOAD_DTOS: Record<IdeasEventType, DtoClass> = {
  IdeaRegistered: IdeaRegisteredPayloadDto,
  IdeaReviewStarted: IdeaReviewStartedPayloadDto,
  IdeaApproved: IdeaApprovedPayloadDto,
  IdeaSubmitted: IdeaSubmittedPayloadDto,
  IdeaImplementationStarted: IdeaImplementationStartedPayloadDto,
  ImprovementImplemented: ImprovementImplementedPayloadDto,
  IdeaRejected: IdeaRejectedPayloadDto,
  IdeaDeferred: IdeaDeferredPayloadDto,
  IdeaReturnedToReview: IdeaReturnedToReviewPayloadDto,
  IdeaWithdrawn: IdeaWithdrawnPayloadDto,
  IdeaOwnerAssigned: IdeaOwnerAssignedPayloadDto,
  IdeaSupported: IdeaSupportedPayloadDto,
  IdeaCommented: IdeaCommentedPayloadDto,
  IdeasMerged: IdeasMergedPayloadDto,
  IdeaMergedInto: IdeaMergedIntoPayloadDto,
};

export const IDEAS_EVENT_TYPES = Object.keys(IDEAS_PAYLOAD_DTOS) as IdeasEventType[];

export const ideasEventRegistry = IDEAS_EVENT_TYPES.reduce(
  (registry, type) => registry.register({ type, schemaVersion: 1, payload: IDEAS_PAYLOAD_DTOS[type] }),
  new EventRegistry(),
);

export const decodeIdeasEvent = ideasEventRegistry.decoder();
