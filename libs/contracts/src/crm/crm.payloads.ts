// class-validator DTOs of the CRM payloads; asyncapi.yaml mirrors them rule for rule.
import { IsOptional } from 'class-validator';
import {
  IsAtLeastOnePresent,
  IsCalendarDate,
  IsIdentifier,
  IsIntegerInRange,
  IsOneOf,
  IsStrictBoolean,
  IsTextOfLength,
  isPresent,
} from '../validation.js';
import {
  CRM_CHANNELS,
  CRM_COMPLAINT_CATEGORIES,
  CRM_SUMMARY_MAX_LENGTH,
  CRM_TEXT_MAX_LENGTH,
  type ComplaintLoggedPayload,
  type ContactsHandledPayload,
  type CrmChannel,
  type CrmComplaintCategory,
  type GratitudeReceivedPayload,
  type SurveyAnsweredPayload,
} from './crm.events.js';

export class ComplaintLoggedPayloadDto implements ComplaintLoggedPayload {
  @IsIdentifier()
  complaintId!: string;

  @IsIdentifier()
  customerId!: string;

  @IsOneOf(CRM_CHANNELS)
  channel!: CrmChannel;

  @IsOneOf(CRM_COMPLAINT_CATEGORIES)
  category!: CrmComplaintCategory;

  @IsOptional()
  @IsIdentifier()
  departmentId?: string | null;

  @IsOptional()
  @IsIdentifier()
  employeeId?: string | null;

  @IsTextOfLength({ minLength: 1, maxLength: CRM_SUMMARY_MAX_LENGTH })
  summary!: string;
}

export class GratitudeReceivedPayloadDto implements GratitudeReceivedPayload {
  @IsIdentifier()
  gratitudeId!: string;

  @IsIdentifier()
  customerId!: string;

  @IsOneOf(CRM_CHANNELS)
  channel!: CrmChannel;

  @IsStrictBoolean()
  written!: boolean;

  @IsOptional()
  @IsIdentifier()
  departmentId?: string | null;

  @IsOptional()
  @IsIdentifier()
  employeeId?: string | null;

  @IsOptional()
  @IsTextOfLength({ maxLength: CRM_TEXT_MAX_LENGTH })
  text?: string | null;
}

export class SurveyAnsweredPayloadDto implements SurveyAnsweredPayload {
  @IsIdentifier()
  surveyId!: string;

  @IsIdentifier()
  customerId!: string;

  @IsOptional()
  @IsIdentifier()
  departmentId?: string | null;

  // Not @IsOptional: that would skip the at-least-one rule too when csi is absent.
  @IsAtLeastOnePresent(['csi', 'nps'])
  @IsIntegerInRange(1, 5, { validateIf: isPresent })
  csi?: number | null;

  @IsOptional()
  @IsIntegerInRange(0, 10)
  nps?: number | null;

  @IsOptional()
  @IsTextOfLength({ maxLength: CRM_TEXT_MAX_LENGTH })
  comment?: string | null;
}

export class ContactsHandledPayloadDto implements ContactsHandledPayload {
  @IsIdentifier()
  departmentId!: string;

  @IsCalendarDate()
  date!: string;

  @IsIntegerInRange(0)
  count!: number;
}
