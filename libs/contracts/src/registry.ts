// Registered event types: version upcasting on read and payload validation, shared by every envelope's decoder.
import {
  decodeFailure,
  decodeJson,
  decoded,
  quoteInput,
  type DecodeJsonOptions,
  type DecodeResult,
  type MessageDecoder,
} from './decode.js';
import { validateEventEnvelope, type EventEnvelope } from './envelope.js';
import { isPlainObject, validatePlainObject, type DtoClass, type PlainObject } from './validation.js';

/** Turns a payload of `fromVersion` into one of `fromVersion + 1`. */
export interface PayloadUpcaster {
  fromVersion: number;
  upcast(payload: PlainObject): PlainObject;
}

export interface EventDefinition<TType extends string = string> {
  type: TType;
  /** The current version: what producers write and what decoders return. */
  schemaVersion: number;
  /** A class-validator DTO of the current payload. */
  payload: DtoClass;
  /** One per older version still readable; together they chain v1 → v2 → … → current. */
  upcasters?: readonly PayloadUpcaster[];
}

export interface RegisteredEventType {
  type: string;
  schemaVersion: number;
}

/** A payload brought to the current version of its type and validated. */
export interface CurrentPayload {
  schemaVersion: number;
  payload: PlainObject;
}

export class InvalidEventPayloadError extends Error {
  override readonly name = 'InvalidEventPayloadError';

  constructor(
    readonly type: string,
    /** `field: message` lines, e.g. `payload.summary: must be a string of 1..4000 characters`. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${type} payload: ${problems.join('; ')}`);
  }
}

export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';

  constructor(readonly type: string) {
    super(`Event type ${quoteInput(type)} is not registered`);
  }
}

interface RegisteredDefinition {
  type: string;
  schemaVersion: number;
  payload: DtoClass;
  upcasterFrom: ReadonlyMap<number, PayloadUpcaster>;
}

export class EventRegistry {
  private readonly definitions = new Map<string, RegisteredDefinition>();

  register(definition: EventDefinition): this {
    const { type, schemaVersion, payload, upcasters = [] } = definition;
    if (type === '') throw new Error('An event type needs a name');
    if (this.definitions.has(type)) throw new Error(`Event type ${type} is already registered`);
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
      throw new Error(`${type}: schemaVersion must be an integer >= 1, got ${schemaVersion}`);
    }
    const upcasterFrom = new Map<number, PayloadUpcaster>();
    for (const upcaster of upcasters) {
      const { fromVersion } = upcaster;
      if (!Number.isSafeInteger(fromVersion) || fromVersion < 1 || fromVersion >= schemaVersion) {
        throw new Error(
          `${type}: an upcaster's fromVersion must be an integer 1..${schemaVersion - 1}, got ${fromVersion}`,
        );
      }
      if (upcasterFrom.has(fromVersion))
        throw new Error(`${type}: two upcasters from version ${fromVersion}`);
      upcasterFrom.set(fromVersion, upcaster);
    }
    this.definitions.set(type, { type, schemaVersion, payload, upcasterFrom });
    return this;
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  types(): RegisteredEventType[] {
    return [...this.definitions.values()].map(({ type, schemaVersion }) => ({ type, schemaVersion }));
  }

  /** For producers: throws InvalidEventPayloadError unless `payload` is valid for the current version of `type`. */
  assertValidPayload(type: string, payload: unknown): asserts payload is PlainObject {
    const definition = this.definitions.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    if (!isPlainObject(payload)) throw new InvalidEventPayloadError(type, ['payload: must be a JSON object']);
    const problems = validatePlainObject(definition.payload, payload, { pathPrefix: 'payload' });
    if (problems.length > 0) throw new InvalidEventPayloadError(type, problems);
  }

  /**
   * The steps after the envelope, common to every envelope format: type lookup, version check,
   * upcasting to the current version, payload validation.
   */
  readPayload(type: string, schemaVersion: number, payload: PlainObject): DecodeResult<CurrentPayload> {
    const definition = this.definitions.get(type);
    if (!definition) {
      const known = [...this.definitions.keys()].join(', ');
      return decodeFailure(
        'unknown_type',
        `type: ${quoteInput(type)} is not a known event type (known: ${known})`,
      );
    }
    const upcast = this.upcastToCurrent(definition, schemaVersion, payload);
    if (!upcast.ok) return upcast;
    const problems = validatePlainObject(definition.payload, upcast.value, { pathPrefix: 'payload' });
    if (problems.length > 0) return decodeFailure('invalid_payload', problems.join('; '));
    return decoded({ schemaVersion: definition.schemaVersion, payload: upcast.value });
  }

  /**
   * For a service's own stored events, read on every command: those of the current version were validated
   * when they were appended (assertValidPayload), so only older versions are upcast and validated again.
   */
  readStoredPayload(type: string, schemaVersion: number, payload: PlainObject): DecodeResult<CurrentPayload> {
    const definition = this.definitions.get(type);
    if (definition?.schemaVersion === schemaVersion) return decoded({ schemaVersion, payload });
    return this.readPayload(type, schemaVersion, payload);
  }

  /** A decoder of domain events (EventEnvelope) of the registered types. */
  decoder(options: DecodeJsonOptions = {}): MessageDecoder<EventEnvelope<string, PlainObject>> {
    return (bytes) => {
      const json = decodeJson(bytes, options);
      if (!json.ok) return json;
      const envelopeProblems = validateEventEnvelope(json.value);
      if (envelopeProblems.length > 0) return decodeFailure('invalid_envelope', envelopeProblems.join('; '));
      // Validated above, so the shape is known.
      const envelope = json.value as unknown as EventEnvelope<string, PlainObject>;
      const current = this.readPayload(envelope.type, envelope.schemaVersion, envelope.payload);
      if (!current.ok) return current;
      return decoded({
        ...envelope,
        schemaVersion: current.value.schemaVersion,
        payload: current.value.payload,
      });
    };
  }

  private upcastToCurrent(
    definition: RegisteredDefinition,
    schemaVersion: number,
    payload: PlainObject,
  ): DecodeResult<PlainObject> {
    const { type, schemaVersion: current } = definition;
    if (schemaVersion === current) return decoded(payload);
    if (schemaVersion > current) {
      return decodeFailure(
        'unsupported_version',
        `schemaVersion: ${schemaVersion} is newer than the supported version ${current} of ${type}`,
      );
    }
    const chain: PayloadUpcaster[] = [];
    for (let version = schemaVersion; version < current; version++) {
      const upcaster = definition.upcasterFrom.get(version);
      if (!upcaster) {
        return decodeFailure(
          'unsupported_version',
          `schemaVersion: ${schemaVersion} of ${type} cannot be read (no upcaster from version ${version}; current ${current})`,
        );
      }
      chain.push(upcaster);
    }
    // Upcasters may mutate what they are given; the caller's object stays as it was.
    let upcast = structuredClone(payload);
    for (const upcaster of chain) {
      const { fromVersion } = upcaster;
      try {
        upcast = upcaster.upcast(upcast);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return decodeFailure(
          'invalid_payload',
          `payload: cannot upcast ${type} from version ${fromVersion} to ${fromVersion + 1}: ${message}`,
        );
      }
      if (!isPlainObject(upcast)) {
        return decodeFailure(
          'invalid_payload',
          `payload: upcasting ${type} from version ${fromVersion} gave no object`,
        );
      }
    }
    return decoded(upcast);
  }
}
