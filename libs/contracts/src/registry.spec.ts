import { describe, expect, it } from '@jest/globals';
import type { DecodeResult, DeadLetterReason } from './decode.js';
import type { EventEnvelope } from './envelope.js';
import { EventRegistry, InvalidEventPayloadError, UnknownEventTypeError } from './registry.js';
import { IsIdentifier, IsIntegerInRange, IsOneOf, IsTextOfLength, type PlainObject } from './validation.js';

// A test type at v3. v1 had `title`; v2 renamed it to `name`; v3 added `seats`, defaulting to 10.
class RoomBookedV3Dto {
  @IsIdentifier()
  roomId!: string;

  @IsTextOfLength({ minLength: 1, maxLength: 100 })
  name!: string;

  @IsIntegerInRange(1, 500)
  seats!: number;
}

class CircleScheduledDto {
  @IsIdentifier()
  circleId!: string;

  @IsOneOf(['weekly', 'monthly'])
  cadence!: string;
}

const calls: string[] = [];

function registry(): EventRegistry {
  return new EventRegistry()
    .register({
      type: 'RoomBooked',
      schemaVersion: 3,
      payload: RoomBookedV3Dto,
      upcasters: [
        {
          fromVersion: 2,
          upcast: (payload) => {
            calls.push('v2→v3');
            return { ...payload, seats: 10 };
          },
        },
        {
          fromVersion: 1,
          upcast: ({ title, ...rest }) => {
            calls.push('v1→v2');
            return { ...rest, name: title };
          },
        },
      ],
    })
    .register({ type: 'CircleScheduled', schemaVersion: 1, payload: CircleScheduledDto });
}

function envelope(overrides: PlainObject = {}): PlainObject {
  return {
    eventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
    type: 'CircleScheduled',
    schemaVersion: 1,
    streamId: 'circle-7f3a',
    streamVersion: 1,
    occurredAt: '2026-05-14T10:22:00+03:00',
    correlationId: 'req-1',
    causationId: null,
    actor: { id: 'user-1', roles: ['moderator'] },
    payload: { circleId: 'circle-7f3a', cadence: 'weekly' },
    ...overrides,
  };
}

const decode = (value: unknown): DecodeResult<EventEnvelope<string, PlainObject>> =>
  registry().decoder()(Buffer.from(JSON.stringify(value)));

function expectFailure(result: DecodeResult<unknown>, reason: DeadLetterReason, detail: string): void {
  expect(result).toMatchObject({ ok: false, reason });
  if (!result.ok) expect(result.detail).toContain(detail);
}

describe('EventRegistry', () => {
  describe('upcasting', () => {
    it('upcasts v1 through v2 to v3 in order and reports the current version', () => {
      calls.length = 0;
      const result = decode(
        envelope({
          type: 'RoomBooked',
          schemaVersion: 1,
          payload: { roomId: 'r-1', title: 'Переговорная «Байкал»' },
        }),
      );
      expect(calls).toEqual(['v1→v2', 'v2→v3']);
      expect(result).toEqual({
        ok: true,
        value: envelope({
          type: 'RoomBooked',
          schemaVersion: 3,
          payload: { roomId: 'r-1', name: 'Переговорная «Байкал»', seats: 10 },
        }),
      });
    });

    it('upcasts v2 with the last step only', () => {
      calls.length = 0;
      const result = decode(
        envelope({ type: 'RoomBooked', schemaVersion: 2, payload: { roomId: 'r-1', name: 'A' } }),
      );
      expect(calls).toEqual(['v2→v3']);
      expect(result.ok && result.value.payload).toEqual({ roomId: 'r-1', name: 'A', seats: 10 });
    });

    it('reads the current version as it is', () => {
      calls.length = 0;
      const payload = { roomId: 'r-1', name: 'A', seats: 12 };
      expect(decode(envelope({ type: 'RoomBooked', schemaVersion: 3, payload }))).toMatchObject({
        ok: true,
        value: { payload },
      });
      expect(calls).toEqual([]);
    });

    it('reads stored events of the current version without validating them again, older ones upcast and validated', () => {
      calls.length = 0;
      const stored = { roomId: 'r-1', name: 'A', seats: 12 };
      expect(registry().readStoredPayload('RoomBooked', 3, stored)).toEqual({
        ok: true,
        value: { schemaVersion: 3, payload: stored },
      });
      expect(registry().readStoredPayload('RoomBooked', 2, { roomId: 'r-1', name: 'A' })).toEqual({
        ok: true,
        value: { schemaVersion: 3, payload: { roomId: 'r-1', name: 'A', seats: 10 } },
      });
      expect(calls).toEqual(['v2→v3']);
      expect(registry().readStoredPayload('RoomBooked', 1, { roomId: 'r-1' })).toMatchObject({ ok: false });
      expect(registry().readStoredPayload('Unknown', 1, {})).toMatchObject({
        ok: false,
        reason: 'unknown_type',
      });
    });

    it('validates the upcast payload against the current DTO', () => {
      expectFailure(
        decode(envelope({ type: 'RoomBooked', schemaVersion: 1, payload: { roomId: 'r-1', title: '' } })),
        'invalid_payload',
        'payload.name: must be a string of 1..100 characters',
      );
    });

    it('rejects a version newer than the current one', () => {
      expectFailure(
        decode(envelope({ type: 'RoomBooked', schemaVersion: 4, payload: {} })),
        'unsupported_version',
        'schemaVersion: 4 is newer than the supported version 3 of RoomBooked',
      );
    });

    it('rejects an old version with no upcaster path', () => {
      const partial = new EventRegistry().register({
        type: 'RoomBooked',
        schemaVersion: 3,
        payload: RoomBookedV3Dto,
        upcasters: [{ fromVersion: 2, upcast: (payload) => ({ ...payload, seats: 10 }) }],
      });
      const result = partial.decoder()(
        Buffer.from(
          JSON.stringify(
            envelope({ type: 'RoomBooked', schemaVersion: 1, payload: { roomId: 'r', title: 'A' } }),
          ),
        ),
      );
      expectFailure(result, 'unsupported_version', 'no upcaster from version 1');
    });

    it('turns a throwing upcaster into invalid_payload', () => {
      const failing = new EventRegistry().register({
        type: 'RoomBooked',
        schemaVersion: 2,
        payload: RoomBookedV3Dto,
        upcasters: [
          {
            fromVersion: 1,
            upcast: () => {
              throw new Error('title missing');
            },
          },
        ],
      });
      expectFailure(
        failing.readPayload('RoomBooked', 1, {}),
        'invalid_payload',
        'payload: cannot upcast RoomBooked from version 1 to 2: title missing',
      );
    });

    it('leaves the given payload untouched', () => {
      const payload = { roomId: 'r-1', title: 'A' };
      const mutating = new EventRegistry().register({
        type: 'RoomBooked',
        schemaVersion: 2,
        payload: RoomBookedV3Dto,
        upcasters: [
          {
            fromVersion: 1,
            upcast: (old) => {
              old.name = old.title;
              delete old.title;
              old.seats = 1;
              return old;
            },
          },
        ],
      });
      expect(mutating.readPayload('RoomBooked', 1, payload).ok).toBe(true);
      expect(payload).toEqual({ roomId: 'r-1', title: 'A' });
    });
  });

  describe('registration', () => {
    it('lists the registered types at their current versions', () => {
      expect(registry().types()).toEqual([
        { type: 'RoomBooked', schemaVersion: 3 },
        { type: 'CircleScheduled', schemaVersion: 1 },
      ]);
    });

    it.each<[string, () => EventRegistry]>([
      [
        'a duplicate type',
        () => registry().register({ type: 'RoomBooked', schemaVersion: 1, payload: RoomBookedV3Dto }),
      ],
      [
        'version 0',
        () => new EventRegistry().register({ type: 'X', schemaVersion: 0, payload: RoomBookedV3Dto }),
      ],
      [
        'an upcaster from the current version',
        () =>
          new EventRegistry().register({
            type: 'X',
            schemaVersion: 2,
            payload: RoomBookedV3Dto,
            upcasters: [{ fromVersion: 2, upcast: (p) => p }],
          }),
      ],
      [
        'two upcasters from one version',
        () =>
          new EventRegistry().register({
            type: 'X',
            schemaVersion: 2,
            payload: RoomBookedV3Dto,
            upcasters: [
              { fromVersion: 1, upcast: (p) => p },
              { fromVersion: 1, upcast: (p) => p },
            ],
          }),
      ],
    ])('refuses %s', (_case, register) => {
      expect(register).toThrow();
    });
  });

  describe('assertValidPayload', () => {
    it('accepts a valid payload', () => {
      expect(() =>
        registry().assertValidPayload('CircleScheduled', { circleId: 'c', cadence: 'weekly' }),
      ).not.toThrow();
    });

    it('throws InvalidEventPayloadError with every problem', () => {
      const attempt = () => registry().assertValidPayload('CircleScheduled', { cadence: 'daily', extra: 1 });
      expect(attempt).toThrow(InvalidEventPayloadError);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({
          name: 'InvalidEventPayloadError',
          type: 'CircleScheduled',
          problems: [
            'payload.extra: is not an allowed field',
            'payload.circleId: is required',
            'payload.cadence: must be one of weekly, monthly',
          ],
        });
      }
    });

    it('throws for a payload that is no object and for an unknown type', () => {
      expect(() => registry().assertValidPayload('CircleScheduled', 'weekly')).toThrow(
        InvalidEventPayloadError,
      );
      expect(() => registry().assertValidPayload('CircleCancelled', {})).toThrow(UnknownEventTypeError);
    });
  });

  describe('domain envelope', () => {
    it('decodes a valid envelope and keeps its fields', () => {
      expect(decode(envelope())).toEqual({ ok: true, value: envelope() });
      expect(decode(envelope({ actor: null, causationId: '0196c9a1-0000-7000-8000-000000000000' })).ok).toBe(
        true,
      );
    });

    it.each<[string, PlainObject, string]>([
      ['eventId not a UUID', { eventId: '123' }, 'eventId: must be a UUID'],
      ['type empty', { type: '' }, 'type: must be a non-empty string'],
      ['schemaVersion 0', { schemaVersion: 0 }, 'schemaVersion: must be an integer >= 1'],
      ['schemaVersion a string', { schemaVersion: '1' }, 'schemaVersion'],
      ['streamId empty', { streamId: '' }, 'streamId: must be a string of 1..200 characters'],
      ['streamId too long', { streamId: 's'.repeat(201) }, 'streamId'],
      ['streamVersion 0', { streamVersion: 0 }, 'streamVersion: must be an integer >= 1'],
      ['streamVersion a fraction', { streamVersion: 1.5 }, 'streamVersion'],
      ['occurredAt without offset', { occurredAt: '2026-05-14T10:22:00' }, 'occurredAt'],
      ['occurredAt impossible', { occurredAt: '2026-02-30T10:22:00Z' }, 'occurredAt'],
      ['correlationId empty', { correlationId: '' }, 'correlationId: must be a non-empty string'],
      ['causationId a number', { causationId: 5 }, 'causationId'],
      ['causationId missing', { causationId: undefined }, 'causationId: is required'],
      ['actor a string', { actor: 'user-1' }, 'actor: must be an object or null'],
      ['actor missing', { actor: undefined }, 'actor: is required'],
      ['actor without id', { actor: { roles: [] } }, 'actor.id: is required'],
      [
        'actor roles not strings',
        { actor: { id: 'u', roles: ['a', 1] } },
        'actor.roles: must contain only strings',
      ],
      ['actor roles missing', { actor: { id: 'u' } }, 'actor.roles'],
      [
        'actor with an unknown field',
        { actor: { id: 'u', roles: [], name: 'Ольга' } },
        'actor.name: is not an allowed field',
      ],
      ['payload an array', { payload: [] }, 'payload: must be a JSON object'],
      ['payload missing', { payload: undefined }, 'payload: is required'],
      ['an unknown top-level field', { partition: 1 }, 'partition: is not an allowed field'],
    ])('rejects %s as invalid_envelope', (_case, overrides, detail) => {
      expectFailure(decode(envelope(overrides)), 'invalid_envelope', detail);
    });

    it('checks the envelope before the type', () => {
      expectFailure(
        decode(envelope({ type: 'Nope', streamVersion: 0 })),
        'invalid_envelope',
        'streamVersion',
      );
    });

    it('rejects an unknown type', () => {
      expectFailure(decode(envelope({ type: 'CircleCancelled' })), 'unknown_type', 'type: "CircleCancelled"');
    });

    it('rejects an invalid payload naming its fields', () => {
      expectFailure(
        decode(envelope({ payload: { circleId: 'c', cadence: 'daily' } })),
        'invalid_payload',
        'payload.cadence: must be one of weekly, monthly',
      );
    });

    it('leaves a payload key named like a prototype member to the payload DTO', () => {
      expectFailure(
        decode(envelope({ payload: { circleId: 'c', cadence: 'weekly', constructor: 'x' } })),
        'invalid_payload',
        'payload.constructor: is not an allowed field',
      );
    });

    it('applies the byte-level rules and the size limit', () => {
      const decoder = registry().decoder({ maxBytes: 100 });
      expect(decoder(null)).toMatchObject({ reason: 'empty' });
      expect(decoder(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ reason: 'invalid_utf8' });
      expect(decoder(Buffer.from(JSON.stringify(envelope())))).toMatchObject({ reason: 'too_large' });
    });
  });
});
