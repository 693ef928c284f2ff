// The registry of circles.events.v1: every event type at its current schema version, with its payload DTO.
import type { DtoClass } from '../validation.js';
import { EventRegistry } from '../registry.js';
import type { CirclesEventPayloads, CirclesEventType } from './circles.events.js';
import {
  AttendanceRecordedDto,
  CircleCancelledDto,
  CircleCompletedDto,
  CircleScheduledDto,
  CircleStartedDto,
  ComplaintLinkedToSituationDto,
  DepartmentRegisteredDto,
  DepartmentRenamedDto,
  EmployeeDeactivatedDto,
  EmployeeReactivatedDto,
  EmployeeRegisteredDto,
  EmployeeUpdatedDto,
  IdeaPraisedDto,
  IdeaProposedDto,
  ImprovementProposedDto,
  LeafletCompletedDto,
  ParticipantInvitedDto,
  ParticipantJoinedDto,
  ParticipantLeftDto,
  PulseAnsweredDto,
  SituationAddedToCircleDto,
  SituationArchivedDto,
  SituationRegisteredDto,
  SituationsMergedDto,
  StageCompletedDto,
  StageStartedDto,
  StageSteppedBackDto,
  WowSolutionChosenDto,
} from './circles.payloads.js';

export const CIRCLES_SCHEMA_VERSION = 1;

// A mapped type, so an event type added to CirclesEventPayloads without a DTO does not compile.
export const CIRCLES_PAYLOAD_DTOS: { [K in CirclesEventType]: DtoClass<CirclesEventPayloads[K]> } = {
  DepartmentRegistered: DepartmentRegisteredDto,
  DepartmentRenamed: DepartmentRenamedDto,
  EmployeeRegistered: EmployeeRegisteredDto,
  EmployeeUpdated: EmployeeUpdatedDto,
  EmployeeDeactivated: EmployeeDeactivatedDto,
  EmployeeReactivated: EmployeeReactivatedDto,
  SituationRegistered: SituationRegisteredDto,
  ComplaintLinkedToSituation: ComplaintLinkedToSituationDto,
  SituationsMerged: SituationsMergedDto,
  SituationArchived: SituationArchivedDto,
  CircleScheduled: CircleScheduledDto,
  SituationAddedToCircle: SituationAddedToCircleDto,
  ParticipantInvited: ParticipantInvitedDto,
  ParticipantJoined: ParticipantJoinedDto,
  ParticipantLeft: ParticipantLeftDto,
  CircleStarted: CircleStartedDto,
  StageStarted: StageStartedDto,
  StageCompleted: StageCompletedDto,
  StageSteppedBack: StageSteppedBackDto,
  IdeaProposed: IdeaProposedDto,
  IdeaPraised: IdeaPraisedDto,
  WowSolutionChosen: WowSolutionChosenDto,
  LeafletCompleted: LeafletCompletedDto,
  ImprovementProposed: ImprovementProposedDto,
  AttendanceRecorded: AttendanceRecordedDto,
  CircleCompleted: CircleCompletedDto,
  CircleCancelled: CircleCancelledDto,
  PulseAnswered: PulseAnsweredDto,
};

export const CIRCLES_EVENT_TYPES = Object.keys(CIRCLES_PAYLOAD_DTOS) as CirclesEventType[];

export const circlesEventRegistry: EventRegistry = CIRCLES_EVENT_TYPES.reduce(
  (registry, type) =>
    registry.register({ type, schemaVersion: CIRCLES_SCHEMA_VERSION, payload: CIRCLES_PAYLOAD_DTOS[type] }),
  new EventRegistry(),
);

/** Decodes circles.events.v1 messages (EventEnvelope) and validates their payloads. */
export const decodeCirclesEvent = circlesEventRegistry.decoder();
