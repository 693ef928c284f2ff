// class-validator DTOs of the ideas payloads: one per interface of ideas.events.ts, field for field.
import { Type } from 'class-transformer';
import { IsObject, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { SITUATION_CATEGORIES, type SituationCategory } from '../circles/circles.events.js';
import {
  IsCalendarDate,
  IsIdentifier,
  IsOneOf,
  IsTextOfLength,
  MAX_ID_LENGTH,
  codePointLength,
  unlessNull,
} from '../validation.js';
import {
  IDEA_ORIGIN_KINDS,
  IDEA_SCOPES,
  type IdeaApproved,
  type IdeaCommented,
  type IdeaDeferred,
  type IdeaImplementationStarted,
  type IdeaMergedInto,
  type IdeaOrigin,
  type IdeaOriginKind,
  type IdeaOwnerAssigned,
  type IdeaRegistered,
  type IdeaRejected,
  type IdeaReturnedToReview,
  type IdeaReviewStarted,
  type IdeaScope,
  type IdeaSubmitted,
  type IdeaSupported,
  type IdeaWithdrawn,
  type IdeasMerged,
  type ImprovementImplemented,
} from './ideas.events.js';

export const IDEA_TITLE_MAX_LENGTH = 200;
export const IDEA_TEXT_MAX_LENGTH = 4000;
export const IDEA_REASON_MAX_LENGTH = 2000;

const isIdentifierValue = (value: unknown): boolean =>
  typeof value === 'string' &&
  value.isWellFormed() &&
  codePointLength(value) >= 1 &&
  codePointLength(value) <= MAX_ID_LENGTH;

/** An array (possibly empty) of identifiers, e.g. CRM complaint ids. */
function IsIdentifierList(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIdentifierList',
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every(isIdentifierValue),
      },
    },
    {
      message: ({ value }) =>
        value === undefined
          ? 'is required'
          : `must be an array of identifiers (strings of 1..${MAX_ID_LENGTH} characters)`,
    },
  );
}

/** A situation category, or null (direct ideas have none). */
function IsCategoryOrNull(): PropertyDecorator {
  return (target, property) => {
    ValidateIf(unlessNull)(target, property);
    IsOneOf(SITUATION_CATEGORIES)(target, property);
  };
}

/** An identifier, or null. */
function IsIdentifierOrNull(): PropertyDecorator {
  return (target, property) => {
    ValidateIf(unlessNull)(target, property);
    IsIdentifier()(target, property);
  };
}

const required = ({ value }: { value: unknown }) =>
  value === undefined ? 'is required' : 'must be an object';

export class IdeaOriginDto implements IdeaOrigin {
  @IsOneOf(IDEA_ORIGIN_KINDS)
  kind!: IdeaOriginKind;

  @IsIdentifierOrNull()
  circleId!: string | null;

  @IsIdentifierOrNull()
  leafletId!: string | null;

  @IsIdentifierOrNull()
  situationId!: string | null;

  @IsIdentifierOrNull()
  sourceEventId!: string | null;

  @IsIdentifierList()
  complaintIds!: string[];

  @IsCategoryOrNull()
  category!: SituationCategory | null;
}

export class IdeaRegisteredPayloadDto implements IdeaRegistered {
  @IsIdentifier()
  ideaId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_TITLE_MAX_LENGTH })
  title!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_TEXT_MAX_LENGTH })
  description!: string;

  @IsObject({ message: required })
  @ValidateNested()
  @Type(() => IdeaOriginDto)
  origin!: IdeaOriginDto;

  @IsIdentifier()
  proposedBy!: string;

  @IsIdentifier()
  departmentId!: string;
}

export class IdeaReviewStartedPayloadDto implements IdeaReviewStarted {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  reviewerId!: string;
}

export class IdeaApprovedPayloadDto implements IdeaApproved {
  @IsIdentifier()
  ideaId!: string;

  @IsOneOf(IDEA_SCOPES)
  scope!: IdeaScope;

  @IsIdentifierOrNull()
  targetDepartmentId!: string | null;

  @IsIdentifier()
  approvedBy!: string;
}

export class IdeaSubmittedPayloadDto implements IdeaSubmitted {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  targetDepartmentId!: string;

  @IsIdentifier()
  departmentId!: string;

  @IsCategoryOrNull()
  category!: SituationCategory | null;

  @IsIdentifier()
  submittedBy!: string;
}

export class IdeaImplementationStartedPayloadDto implements IdeaImplementationStarted {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  startedBy!: string;
}

export class ImprovementImplementedPayloadDto implements ImprovementImplemented {
  @IsIdentifier()
  ideaId!: string;

  @IsOneOf(IDEA_SCOPES)
  scope!: IdeaScope;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_TEXT_MAX_LENGTH })
  description!: string;

  @IsIdentifier()
  departmentId!: string;

  @IsCategoryOrNull()
  category!: SituationCategory | null;

  @IsIdentifierList()
  complaintIds!: string[];

  @IsIdentifier()
  implementedBy!: string;
}

export class IdeaRejectedPayloadDto implements IdeaRejected {
  @IsIdentifier()
  ideaId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_REASON_MAX_LENGTH })
  reason!: string;

  @IsIdentifier()
  rejectedBy!: string;
}

export class IdeaDeferredPayloadDto implements IdeaDeferred {
  @IsIdentifier()
  ideaId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_REASON_MAX_LENGTH })
  reason!: string;

  @IsCalendarDate()
  revisitOn!: string;

  @IsIdentifier()
  deferredBy!: string;
}

export class IdeaReturnedToReviewPayloadDto implements IdeaReturnedToReview {
  @IsIdentifier()
  ideaId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_REASON_MAX_LENGTH })
  reason!: string;
}

export class IdeaWithdrawnPayloadDto implements IdeaWithdrawn {
  @IsIdentifier()
  ideaId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_REASON_MAX_LENGTH })
  reason!: string;

  @IsIdentifier()
  withdrawnBy!: string;
}

export class IdeaOwnerAssignedPayloadDto implements IdeaOwnerAssigned {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  ownerId!: string;

  @IsCalendarDate()
  dueDate!: string;

  @IsIdentifier()
  assignedBy!: string;
}

export class IdeaSupportedPayloadDto implements IdeaSupported {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  employeeId!: string;
}

export class IdeaCommentedPayloadDto implements IdeaCommented {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  commentId!: string;

  @IsIdentifier()
  authorId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: IDEA_TEXT_MAX_LENGTH })
  text!: string;
}

export class IdeasMergedPayloadDto implements IdeasMerged {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  mergedIdeaId!: string;

  @IsIdentifier()
  mergedBy!: string;
}

export class IdeaMergedIntoPayloadDto implements IdeaMergedInto {
  @IsIdentifier()
  ideaId!: string;

  @IsIdentifier()
  targetIdeaId!: string;

  @IsIdentifier()
  mergedBy!: string;
}
