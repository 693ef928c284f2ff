// class-validator DTOs of the circles.events.v1 payloads, one per interface of circles.events.ts.
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, Matches, ValidateBy, ValidateNested } from 'class-validator';
import {
  IsDateTimeWithOffset,
  IsIdentifier,
  IsIntegerInRange,
  IsOneOf,
  IsStrictBoolean,
  IsTextOfLength,
  MAX_ID_LENGTH,
  codePointLength,
  unlessNull,
} from '../validation.js';
import {
  SITUATION_CATEGORIES,
  STAGES,
  type AttendanceRecorded,
  type CircleCancelled,
  type CircleCompleted,
  type CircleScheduled,
  type CircleStarted,
  type ComplaintLinkedToSituation,
  type DepartmentRegistered,
  type DepartmentRenamed,
  type EmployeeDeactivated,
  type EmployeeReactivated,
  type EmployeeRegistered,
  type EmployeeUpdated,
  type IdeaPraised,
  type IdeaProposed,
  type ImprovementProposed,
  type LeafletCompleted,
  type ParticipantInvited,
  type ParticipantJoined,
  type ParticipantLeft,
  type PulseAnswered,
  type SituationAddedToCircle,
  type SituationArchived,
  type SituationCategory,
  type SituationRegistered,
  type SituationsMerged,
  type Stage,
  type StageCompleted,
  type StageStarted,
  type StageSteppedBack,
  type WowSolutionChosen,
} from './circles.events.js';

/** Text limits of circles payloads, in characters (Unicode code points). */
export const CIRCLES_TEXT_LIMITS = {
  name: 200,
  title: 200,
  description: 4000,
  reason: 1000,
  ideaText: 2000,
  wording: 2000,
  leafletSituation: 4000,
  leafletStep: 1000,
  leafletSteps: 20,
  wowEffect: 2000,
  additionalQuestion: 1000,
  additionalQuestions: 10,
  pulseComment: 2000,
} as const;

/** Upper bound of any list of identifiers in a payload (complaints of a situation, attendees, …). */
export const MAX_ID_LIST_LENGTH = 1000;

const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

interface ListRule {
  minItems?: number;
  maxItems: number;
}

/** An array of strings, each `minLength..maxLength` code points (identifiers by default). */
function IsStringList(
  { minItems = 0, maxItems }: ListRule,
  { minLength, maxLength }: { minLength: number; maxLength: number } = {
    minLength: 1,
    maxLength: MAX_ID_LENGTH,
  },
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringList',
      constraints: [minItems, maxItems, minLength, maxLength],
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length >= minItems &&
          value.length <= maxItems &&
          value.every(
            (item) =>
              typeof item === 'string' &&
              item.isWellFormed() &&
              codePointLength(item) >= minLength &&
              codePointLength(item) <= maxLength,
          ),
      },
    },
    {
      message: `must be an array of ${minItems}..${maxItems} strings of ${minLength}..${maxLength} characters`,
    },
  );
}

export class DepartmentRegisteredDto implements DepartmentRegistered {
  @IsIdentifier() departmentId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.name }) name!: string;
}

export class DepartmentRenamedDto implements DepartmentRenamed {
  @IsIdentifier() departmentId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.name }) name!: string;
}

export class EmployeeRegisteredDto implements EmployeeRegistered {
  @IsIdentifier() employeeId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.name }) fullName!: string;
  @IsIdentifier() departmentId!: string;
  @IsStrictBoolean() leaderEligible!: boolean;
}

export class EmployeeUpdatedDto implements EmployeeUpdated {
  @IsIdentifier() employeeId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.name }) fullName!: string;
  @IsIdentifier() departmentId!: string;
  @IsStrictBoolean() leaderEligible!: boolean;
}

export class EmployeeDeactivatedDto implements EmployeeDeactivated {
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() departmentId!: string;
}

export class EmployeeReactivatedDto implements EmployeeReactivated {
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() departmentId!: string;
}

export class SituationRegisteredDto implements SituationRegistered {
  @IsIdentifier() situationId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.title }) title!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.description }) description!: string;
  @IsOneOf(SITUATION_CATEGORIES) category!: SituationCategory;
  @IsOneOf(['employee', 'crm']) source!: 'employee' | 'crm';
  @IsIdentifier({ validateIf: unlessNull }) authorId!: string | null;
  @IsIdentifier({ validateIf: unlessNull }) departmentId!: string | null;
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) complaintIds!: string[];
}

export class ComplaintLinkedToSituationDto implements ComplaintLinkedToSituation {
  @IsIdentifier() situationId!: string;
  @IsIdentifier() complaintId!: string;
}

export class SituationsMergedDto implements SituationsMerged {
  @IsIdentifier() situationId!: string;
  @IsIdentifier() mergedSituationId!: string;
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) complaintIds!: string[];
}

export class SituationArchivedDto implements SituationArchived {
  @IsIdentifier() situationId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.reason }) reason!: string;
}

export class CircleScheduledDto implements CircleScheduled {
  @IsIdentifier() circleId!: string;
  @IsDateTimeWithOffset() scheduledAt!: string;
  @Matches(ISO_WEEK, { message: 'must be an ISO week YYYY-Www' }) isoWeek!: string;
  @IsIdentifier() leaderId!: string;
  @IsIdentifier() leaderDepartmentId!: string;
  @IsIdentifier() scheduledBy!: string;
  @IsStringList({ minItems: 1, maxItems: 2 }) situationIds!: string[];
}

export class SituationAddedToCircleDto implements SituationAddedToCircle {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
}

export class ParticipantInvitedDto implements ParticipantInvited {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() invitedBy!: string;
}

export class ParticipantJoinedDto implements ParticipantJoined {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() departmentId!: string;
}

export class ParticipantLeftDto implements ParticipantLeft {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() employeeId!: string;
}

export class CircleStartedDto implements CircleStarted {
  @IsIdentifier() circleId!: string;
  @IsDateTimeWithOffset() startedAt!: string;
}

export class StageStartedDto implements StageStarted {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsOneOf(STAGES) stage!: Stage;
  @IsDateTimeWithOffset() startedAt!: string;
  @IsIntegerInRange(1, 600) plannedMinutes!: number;
  @IsDateTimeWithOffset() deadline!: string;
}

export class StageCompletedDto implements StageCompleted {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsOneOf(STAGES) stage!: Stage;
  @IsDateTimeWithOffset() startedAt!: string;
  @IsDateTimeWithOffset() endedAt!: string;
  @IsIntegerInRange(0) overrunSeconds!: number;
}

export class StageSteppedBackDto implements StageSteppedBack {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsOneOf(STAGES) fromStage!: Stage;
  @IsOneOf(STAGES) toStage!: Stage;
}

export class IdeaProposedDto implements IdeaProposed {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsIdentifier() ideaId!: string;
  @IsIdentifier() authorId!: string;
  @IsIdentifier() authorDepartmentId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.ideaText }) text!: string;
  @IsIdentifier({ validateIf: unlessNull }) parentIdeaId!: string | null;
}

export class IdeaPraisedDto implements IdeaPraised {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() ideaId!: string;
  @IsIdentifier() authorId!: string;
  @IsIdentifier() praisedBy!: string;
}

export class WowSolutionChosenDto implements WowSolutionChosen {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsStringList({ minItems: 1, maxItems: MAX_ID_LIST_LENGTH }) ideaIds!: string[];
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.wording }) wording!: string;
  @IsStrictBoolean() needsChange!: boolean;
  @IsOneOf(SITUATION_CATEGORIES) category!: SituationCategory;
}

export class LeafletCompletedDto implements LeafletCompleted {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsIdentifier() leafletId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.title }) title!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.leafletSituation }) situation!: string;
  @IsStringList(
    { minItems: 1, maxItems: CIRCLES_TEXT_LIMITS.leafletSteps },
    { minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.leafletStep },
  )
  standardSolution!: string[];
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.wowEffect }) wowEffect!: string;
  @IsStringList(
    { maxItems: CIRCLES_TEXT_LIMITS.additionalQuestions },
    { minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.additionalQuestion },
  )
  additionalQuestions!: string[];
  @IsOneOf(SITUATION_CATEGORIES) category!: SituationCategory;
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) complaintIds!: string[];
  @IsStringList({ minItems: 1, maxItems: MAX_ID_LIST_LENGTH }) departmentIds!: string[];
}

export class ImprovementProposedDto implements ImprovementProposed {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() situationId!: string;
  @IsIdentifier() leafletId!: string;
  @IsIdentifier() proposalId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.additionalQuestion }) text!: string;
  @IsOneOf(SITUATION_CATEGORIES) category!: SituationCategory;
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) complaintIds!: string[];
  @IsIdentifier() proposedBy!: string;
  @IsIdentifier() departmentId!: string;
}

export class AttendeeDto {
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() departmentId!: string;
}

export class AttendanceRecordedDto implements AttendanceRecorded {
  @IsIdentifier() circleId!: string;
  @IsArray({ message: 'must be an array of attendees' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ID_LIST_LENGTH)
  @ValidateNested({ each: true })
  @Type(() => AttendeeDto)
  attendees!: AttendeeDto[];
}

export class CircleCompletedDto implements CircleCompleted {
  @IsIdentifier() circleId!: string;
  @IsDateTimeWithOffset() completedAt!: string;
  @IsIdentifier() leaderId!: string;
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) attendeeIds!: string[];
  @IsStringList({ maxItems: MAX_ID_LIST_LENGTH }) departmentIds!: string[];
  @IsStringList({ minItems: 1, maxItems: 2 }) situationIds!: string[];
}

export class CircleCancelledDto implements CircleCancelled {
  @IsIdentifier() circleId!: string;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.reason }) reason!: string;
}

export class PulseAnsweredDto implements PulseAnswered {
  @IsIdentifier() circleId!: string;
  @IsIdentifier() employeeId!: string;
  @IsIdentifier() departmentId!: string;
  @IsStrictBoolean() seesPracticalBenefit!: boolean;
  @IsIntegerInRange(1, 5) usefulness!: number;
  @IsTextOfLength({ minLength: 1, maxLength: CIRCLES_TEXT_LIMITS.pulseComment }, { validateIf: unlessNull })
  comment!: string | null;
}
