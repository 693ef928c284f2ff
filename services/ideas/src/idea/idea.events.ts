// The events of the Idea aggregate: exactly the public contract of ideas.events.v1.
import type { IdeasEventPayloads, IdeasEventType } from '@hc/contracts';
import type { DomainEvent } from '@hc/service-kit';

export type IdeaEvent = { [T in IdeasEventType]: DomainEvent<T, IdeasEventPayloads[T]> }[IdeasEventType];

export type IdeaEventOf<T extends IdeasEventType> = Extract<IdeaEvent, { type: T }>;
