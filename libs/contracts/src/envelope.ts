// The envelope of the project's own domain events (circles.events.v1, ideas.events.v1) and its validation.
import { Type } from 'class-transformer';
import { IsArray, IsObject, IsString, ValidateIf, ValidateNested } from 'class-validator';
import {
  IsDateTimeWithOffset,
  IsIdentifier,
  IsIntegerInRange,
  IsNonEmptyString,
  IsPlainObject,
  IsTextOfLength,
  IsUuidString,
  unlessNull,
  validatePlainObject,
  type PlainObject,
} from './validation.js';

export interface Actor {
  id: string;
  roles: string[];
}

export interface EventEnvelope<TType extends string = string, TPayload = unknown> {
  eventId: string;
  type: TType;
  schemaVersion: number;
  /** The aggregate's stream; also the Kafka key, so one aggregate's events stay ordered. */
  streamId: string;
  streamVersion: number;
  /** ISO-8601 with an offset or Z. */
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor | null;
  payload: TPayload;
}

export const MAX_STREAM_ID_LENGTH = 200;

export class ActorDto implements Actor {
  @IsIdentifier()
  id!: string;

  @IsArray({ message: 'must be an array of strings' })
  @IsString({ each: true, message: 'must contain only strings' })
  roles!: string[];
}

export class EventEnvelopeDto implements EventEnvelope<string, PlainObject> {
  @IsUuidString()
  eventId!: string;

  @IsNonEmptyString()
  type!: string;

  @IsIntegerInRange(1)
  schemaVersion!: number;

  @IsTextOfLength({ minLength: 1, maxLength: MAX_STREAM_ID_LENGTH })
  streamId!: string;

  @IsIntegerInRange(1)
  streamVersion!: number;

  @IsDateTimeWithOffset()
  occurredAt!: string;

  @IsNonEmptyString()
  correlationId!: string;

  @ValidateIf(unlessNull)
  @IsNonEmptyString()
  causationId!: string | null;

  @ValidateIf(unlessNull)
  @IsObject({ message: ({ value }) => (value === undefined ? 'is required' : 'must be an object or null') })
  @ValidateNested()
  @Type(() => ActorDto)
  actor!: ActorDto | null;

  @IsPlainObject()
  payload!: PlainObject;
}

/** Problems with a domain envelope as `field: message` lines; empty when it is valid. */
export function validateEventEnvelope(plain: PlainObject): string[] {
  return validatePlainObject(EventEnvelopeDto, plain, { opaqueFields: ['payload'] });
}
