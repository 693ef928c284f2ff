// Decoding of crm.events.v1 values: the CRM's own envelope, then the registry's shared type/version/payload steps.
import {
  decodeFailure,
  decodeJson,
  decoded,
  type DecodeJsonOptions,
  type MessageDecoder,
} from '../decode.js';
import { EventRegistry } from '../registry.js';
import {
  IsDateTimeWithOffset,
  IsIntegerInRange,
  IsNonEmptyString,
  IsPlainObject,
  IsUuidString,
  validatePlainObject,
  type DtoClass,
  type PlainObject,
} from '../validation.js';
import {
  CRM_EVENT_TYPES,
  CRM_SCHEMA_VERSION,
  type CrmEvent,
  type CrmEventPayloads,
  type CrmEventType,
} from './crm.events.js';
import {
  ComplaintLoggedPayloadDto,
  ContactsHandledPayloadDto,
  GratitudeReceivedPayloadDto,
  SurveyAnsweredPayloadDto,
} from './crm.payloads.js';

/** The CRM envelope has no stream, correlation or actor fields, and nothing else is allowed at its top level. */
export class CrmEnvelopeDto {
  @IsUuidString()
  eventId!: string;

  @IsNonEmptyString()
  type!: string;

  @IsIntegerInRange(1)
  schemaVersion!: number;

  @IsDateTimeWithOffset()
  occurredAt!: string;

  @IsPlainObject()
  payload!: PlainObject;
}

// A mapped type, so a type added to CRM_EVENT_TYPES without a DTO does not compile.
const CRM_PAYLOAD_DTOS: { [K in CrmEventType]: DtoClass<CrmEventPayloads[K]> } = {
  ComplaintLogged: ComplaintLoggedPayloadDto,
  GratitudeReceived: GratitudeReceivedPayloadDto,
  SurveyAnswered: SurveyAnsweredPayloadDto,
  ContactsHandled: ContactsHandledPayloadDto,
};

const crmEventRegistry: EventRegistry = CRM_EVENT_TYPES.reduce(
  (registry, type) =>
    registry.register({ type, schemaVersion: CRM_SCHEMA_VERSION, payload: CRM_PAYLOAD_DTOS[type] }),
  new EventRegistry(),
);

/** A crm.events.v1 decoder with its own size limit; `decodeCrmEvent` uses the default 1 MiB. */
export function createCrmEventDecoder(options: DecodeJsonOptions = {}): MessageDecoder<CrmEvent> {
  return (bytes) => {
    const json = decodeJson(bytes, options);
    if (!json.ok) return json;
    const problems = validatePlainObject(CrmEnvelopeDto, json.value, { opaqueFields: ['payload'] });
    if (problems.length > 0) return decodeFailure('invalid_envelope', problems.join('; '));
    // Validated above, so the shape is known.
    const envelope = json.value as unknown as CrmEnvelopeDto;
    const current = crmEventRegistry.readPayload(envelope.type, envelope.schemaVersion, envelope.payload);
    if (!current.ok) return current;
    // The registry validated the payload against the DTO of this type, which implements its payload interface.
    return decoded({
      eventId: envelope.eventId,
      type: envelope.type,
      schemaVersion: current.value.schemaVersion,
      occurredAt: envelope.occurredAt,
      payload: current.value.payload,
    } as unknown as CrmEvent);
  };
}

export const decodeCrmEvent: MessageDecoder<CrmEvent> = createCrmEventDecoder();

/** For producers of CRM events (simulators, fixtures): throws InvalidEventPayloadError when the payload breaks the contract. */
export function assertValidCrmPayload<K extends CrmEventType>(
  type: K,
  payload: unknown,
): asserts payload is CrmEventPayloads[K] {
  crmEventRegistry.assertValidPayload(type, payload);
}
