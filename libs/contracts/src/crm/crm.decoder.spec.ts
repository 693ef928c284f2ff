import { describe, expect, it } from '@jest/globals';
import { InvalidEventPayloadError } from '../registry.js';
import type { DecodeResult, DeadLetterReason } from '../decode.js';
import { CRM_EVENT_TYPES, type CrmEvent } from './crm.events.js';
import { assertValidCrmPayload, createCrmEventDecoder, decodeCrmEvent } from './crm.decoder.js';

const RUSSIAN_SUMMARY = 'Клиент ждал ответа 3 дня, оператор не перезвонил';

type Json = Record<string, unknown>;

function complaint(payload: Json = {}, envelope: Json = {}): Json {
  return {
    eventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
    type: 'ComplaintLogged',
    schemaVersion: 1,
    occurredAt: '2026-05-14T10:22:00+03:00',
    payload: {
      complaintId: 'CMP-1001',
      customerId: 'CUST-42',
      channel: 'phone',
      category: 'service_quality',
      departmentId: 'DEP-7',
      employeeId: 'EMP-19',
      summary: RUSSIAN_SUMMARY,
      ...payload,
    },
    ...envelope,
  };
}

function gratitude(payload: Json = {}): Json {
  return complaint(
    {},
    {
      type: 'GratitudeReceived',
      payload: { gratitudeId: 'GR-1', customerId: 'CUST-42', channel: 'email', written: true, ...payload },
    },
  );
}

function survey(payload: Json = {}): Json {
  return complaint(
    {},
    {
      type: 'SurveyAnswered',
      payload: { surveyId: 'SRV-1', customerId: 'CUST-42', csi: 4, nps: 9, ...payload },
    },
  );
}

function contacts(payload: Json = {}): Json {
  return complaint(
    {},
    {
      type: 'ContactsHandled',
      payload: { departmentId: 'DEP-7', date: '2026-05-14', count: 125, ...payload },
    },
  );
}

function without(object: Json, key: string): Json {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

function withoutPayloadField(event: Json, key: string): Json {
  return { ...event, payload: without(event.payload as Json, key) };
}

function decode(value: unknown): DecodeResult<CrmEvent> {
  return decodeCrmEvent(Buffer.from(JSON.stringify(value), 'utf8'));
}

function expectFailure(result: DecodeResult<CrmEvent>, reason: DeadLetterReason, field: string): void {
  expect(result).toMatchObject({ ok: false, reason });
  if (!result.ok) expect(result.detail).toContain(field);
}

function expectOk(result: DecodeResult<CrmEvent>): CrmEvent {
  if (!result.ok) throw new Error(`expected a valid event, got ${result.reason}: ${result.detail}`);
  return result.value;
}

describe('decodeCrmEvent', () => {
  describe('valid events', () => {
    it('decodes a complaint in Russian as sent', () => {
      const event = expectOk(decode(complaint()));
      expect(event).toEqual(complaint());
      expect(event.type === 'ComplaintLogged' && event.payload.summary).toBe(RUSSIAN_SUMMARY);
    });

    it('decodes every type with optional fields absent', () => {
      expect(
        expectOk(decode(withoutPayloadField(withoutPayloadField(complaint(), 'departmentId'), 'employeeId')))
          .type,
      ).toBe('ComplaintLogged');
      expect(expectOk(decode(gratitude({ written: false }))).type).toBe('GratitudeReceived');
      expect(expectOk(decode(survey({ nps: undefined }))).type).toBe('SurveyAnswered');
      expect(expectOk(decode(contacts())).type).toBe('ContactsHandled');
    });

    it('accepts null for optional fields and keeps it', () => {
      const event = expectOk(
        decode(gratitude({ departmentId: null, employeeId: null, text: 'Спасибо Ольге за помощь 🙏' })),
      );
      expect(event.payload).toMatchObject({ departmentId: null, employeeId: null });
      expect(expectOk(decode(survey({ csi: null, nps: 0, comment: null }))).payload).toMatchObject({
        csi: null,
        nps: 0,
      });
    });

    it('accepts Z and fractional seconds in occurredAt', () => {
      expectOk(decode(complaint({}, { occurredAt: '2026-05-14T07:22:00Z' })));
      expectOk(decode(complaint({}, { occurredAt: '2026-05-14T07:22:00.123456-05:00' })));
    });

    it('accepts the bounds of every range', () => {
      expectOk(decode(survey({ csi: 1, nps: 10 })));
      expectOk(decode(survey({ csi: 5, nps: 0 })));
      expectOk(decode(contacts({ count: 0 })));
      expectOk(decode(contacts({ date: '2028-02-29' })));
      expectOk(decode(complaint({ summary: 'я' })));
      expectOk(decode(complaint({ customerId: 'К'.repeat(200) })));
    });

    it('counts length in characters, not bytes or UTF-16 units', () => {
      // 4000 Cyrillic letters are 8000 bytes; 4000 emoji are 8000 UTF-16 units and 16000 bytes.
      expectOk(decode(complaint({ summary: 'ж'.repeat(4000) })));
      expectOk(decode(complaint({ summary: '😡'.repeat(4000) })));
      expectOk(decode(gratitude({ text: '🙏'.repeat(4000) })));
      expectFailure(decode(complaint({ summary: '😡'.repeat(4001) })), 'invalid_payload', 'payload.summary');
      expectFailure(decode(survey({ comment: 'ж'.repeat(4001) })), 'invalid_payload', 'payload.comment');
      expectFailure(
        decode(complaint({ customerId: '😀'.repeat(201) })),
        'invalid_payload',
        'payload.customerId',
      );
    });

    it('types the payload by the event type', () => {
      const event = expectOk(decode(contacts()));
      if (event.type !== 'ContactsHandled') throw new Error('wrong type');
      const count: number = event.payload.count;
      expect(count).toBe(125);
    });
  });

  describe('bytes', () => {
    it.each<[string, Buffer | null, DeadLetterReason]>([
      ['null value (a tombstone)', null, 'empty'],
      ['zero bytes', Buffer.alloc(0), 'empty'],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'invalid_utf8'],
      ['truncated UTF-8 sequence', Buffer.from([0x7b, 0x22, 0xd0, 0x22, 0x7d]), 'invalid_utf8'],
      ['not JSON', Buffer.from('{"eventId": '), 'not_json'],
      [
        'a BOM before the JSON',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]),
        'not_json',
      ],
      ['a JSON array', Buffer.from('[]'), 'invalid_envelope'],
      ['a JSON string', Buffer.from('"ComplaintLogged"'), 'invalid_envelope'],
      ['JSON null', Buffer.from('null'), 'invalid_envelope'],
    ])('%s → %s', (_case, bytes, reason) => {
      const result = decodeCrmEvent(bytes);
      expect(result).toMatchObject({ ok: false, reason });
      if (!result.ok) expect(result.detail).toMatch(/^value: /);
    });

    it('rejects a value over the size limit', () => {
      const event = complaint({ summary: 'ж'.repeat(4000) });
      const bytes = Buffer.from(JSON.stringify(event));
      expect(createCrmEventDecoder({ maxBytes: bytes.length }).call(null, bytes).ok).toBe(true);
      const result = createCrmEventDecoder({ maxBytes: bytes.length - 1 })(bytes);
      expect(result).toMatchObject({ ok: false, reason: 'too_large' });
      if (!result.ok) expect(result.detail).toContain(`${bytes.length} bytes`);
    });

    it('has a default limit of 1 MiB', () => {
      const padding = ' '.repeat(1024 * 1024);
      expect(decodeCrmEvent(Buffer.from(JSON.stringify(complaint()) + padding))).toMatchObject({
        ok: false,
        reason: 'too_large',
      });
    });
  });

  describe('envelope rules', () => {
    it.each<[string, Json, string]>([
      ['eventId missing', without(complaint(), 'eventId'), 'eventId: is required'],
      ['eventId not a UUID', complaint({}, { eventId: 'evt-1' }), 'eventId: must be a UUID'],
      ['type missing', without(complaint(), 'type'), 'type: is required'],
      ['type not a string', complaint({}, { type: 7 }), 'type: must be a non-empty string'],
      ['type empty', complaint({}, { type: '' }), 'type: must be a non-empty string'],
      ['schemaVersion missing', without(complaint(), 'schemaVersion'), 'schemaVersion: is required'],
      ['schemaVersion a string', complaint({}, { schemaVersion: '1' }), 'schemaVersion: must be an integer'],
      [
        'schemaVersion a fraction',
        complaint({}, { schemaVersion: 1.5 }),
        'schemaVersion: must be an integer',
      ],
      ['occurredAt missing', without(complaint(), 'occurredAt'), 'occurredAt: is required'],
      [
        'occurredAt without offset',
        complaint({}, { occurredAt: '2026-05-14T10:22:00' }),
        'occurredAt: must be',
      ],
      ['occurredAt a date only', complaint({}, { occurredAt: '2026-05-14' }), 'occurredAt: must be'],
      ['occurredAt impossible day', complaint({}, { occurredAt: '2026-02-30T10:22:00+03:00' }), 'occurredAt'],
      ['occurredAt impossible hour', complaint({}, { occurredAt: '2026-05-14T24:00:00Z' }), 'occurredAt'],
      ['occurredAt epoch millis', complaint({}, { occurredAt: 1778743320000 }), 'occurredAt'],
      // PostgreSQL has no year 0: accepted, it would fail every write of the chunk holding it.
      ['occurredAt in year 0000', complaint({}, { occurredAt: '0000-05-14T10:22:00Z' }), 'occurredAt'],
      ['payload missing', without(complaint(), 'payload'), 'payload: is required'],
      ['payload an array', complaint({}, { payload: [] }), 'payload: must be a JSON object'],
      ['payload null', complaint({}, { payload: null }), 'payload: must be a JSON object'],
      ['an unknown top-level field', complaint({}, { streamId: 'x' }), 'streamId: is not an allowed field'],
      [
        'a field shadowing a prototype member',
        complaint({}, { toString: 'x' }),
        'toString: is not an allowed field',
      ],
    ])('%s → invalid_envelope', (_case, event, detail) => {
      expectFailure(decode(event), 'invalid_envelope', detail);
    });

    it('rejects a __proto__ key', () => {
      const bytes = Buffer.from(JSON.stringify(complaint()).replace(/^\{/, '{"__proto__":{"x":1},'));
      expectFailure(decodeCrmEvent(bytes), 'invalid_envelope', '__proto__: is not an allowed field');
    });

    it('names every offending field', () => {
      const result = decode(complaint({}, { eventId: 'nope', occurredAt: 'yesterday', extra: 1 }));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.detail).toContain('eventId');
        expect(result.detail).toContain('occurredAt');
        expect(result.detail).toContain('extra');
      }
    });
  });

  describe('type and version', () => {
    it('rejects an unknown type', () => {
      expectFailure(
        decode(complaint({}, { type: 'ComplaintClosed' })),
        'unknown_type',
        'type: "ComplaintClosed"',
      );
    });

    it('rejects a type in another case', () => {
      expectFailure(decode(complaint({}, { type: 'complaintlogged' })), 'unknown_type', 'type');
    });

    it.each([2, 3, 100])('rejects schemaVersion %i', (schemaVersion) => {
      expectFailure(decode(complaint({}, { schemaVersion })), 'unsupported_version', 'schemaVersion');
    });

    it('rejects schemaVersion 0 as a malformed envelope', () => {
      expectFailure(decode(complaint({}, { schemaVersion: 0 })), 'invalid_envelope', 'schemaVersion');
    });
  });

  describe('payload rules', () => {
    it.each<[string, Json, string]>([
      // ComplaintLogged
      [
        'complaintId missing',
        withoutPayloadField(complaint(), 'complaintId'),
        'payload.complaintId: is required',
      ],
      [
        'complaintId empty',
        complaint({ complaintId: '' }),
        'payload.complaintId: must be a string of 1..200',
      ],
      ['complaintId a number', complaint({ complaintId: 1001 }), 'payload.complaintId'],
      ['complaintId too long', complaint({ complaintId: 'x'.repeat(201) }), 'payload.complaintId'],
      [
        'customerId missing',
        withoutPayloadField(complaint(), 'customerId'),
        'payload.customerId: is required',
      ],
      ['customerId null', complaint({ customerId: null }), 'payload.customerId'],
      ['channel unknown', complaint({ channel: 'telegram' }), 'payload.channel: must be one of phone, chat'],
      ['channel in upper case', complaint({ channel: 'PHONE' }), 'payload.channel'],
      [
        'category unknown',
        complaint({ category: 'rudeness' }),
        'payload.category: must be one of service_quality',
      ],
      ['category missing', withoutPayloadField(complaint(), 'category'), 'payload.category: is required'],
      ['departmentId empty', complaint({ departmentId: '' }), 'payload.departmentId'],
      ['departmentId a number', complaint({ departmentId: 7 }), 'payload.departmentId'],
      ['employeeId too long', complaint({ employeeId: 'e'.repeat(201) }), 'payload.employeeId'],
      ['summary missing', withoutPayloadField(complaint(), 'summary'), 'payload.summary: is required'],
      [
        'summary empty',
        complaint({ summary: '' }),
        'payload.summary: must be a string of 1..4000 characters',
      ],
      ['summary null', complaint({ summary: null }), 'payload.summary'],
      ['summary too long', complaint({ summary: 'ж'.repeat(4001) }), 'payload.summary'],
      ['summary with an unpaired surrogate', complaint({ summary: 'ok \ud800' }), 'payload.summary'],
      [
        'an unknown payload field',
        complaint({ priority: 'high' }),
        'payload.priority: is not an allowed field',
      ],
      [
        'a payload field shadowing a prototype member',
        complaint({ constructor: 'x' }),
        'payload.constructor',
      ],
      // GratitudeReceived
      [
        'gratitudeId missing',
        withoutPayloadField(gratitude(), 'gratitudeId'),
        'payload.gratitudeId: is required',
      ],
      ['written missing', withoutPayloadField(gratitude(), 'written'), 'payload.written: is required'],
      ['written a string', gratitude({ written: 'true' }), 'payload.written: must be a boolean'],
      ['written a number', gratitude({ written: 1 }), 'payload.written: must be a boolean'],
      ['gratitude channel unknown', gratitude({ channel: 'fax' }), 'payload.channel'],
      [
        'text too long',
        gratitude({ text: '🙏'.repeat(4001) }),
        'payload.text: must be a string of at most 4000',
      ],
      ['text a number', gratitude({ text: 5 }), 'payload.text'],
      ['a field of another type', gratitude({ summary: 'x' }), 'payload.summary: is not an allowed field'],
      // SurveyAnswered
      ['surveyId missing', withoutPayloadField(survey(), 'surveyId'), 'payload.surveyId: is required'],
      [
        'no score at all',
        survey({ csi: undefined, nps: undefined }),
        'payload.csi: at least one of csi, nps is required',
      ],
      ['both scores null', survey({ csi: null, nps: null }), 'at least one of csi, nps is required'],
      ['csi 0', survey({ csi: 0 }), 'payload.csi: must be an integer 1..5'],
      ['csi 6', survey({ csi: 6 }), 'payload.csi: must be an integer 1..5'],
      ['csi a fraction', survey({ csi: 4.5 }), 'payload.csi'],
      ['csi a string', survey({ csi: '4' }), 'payload.csi'],
      ['nps -1', survey({ nps: -1 }), 'payload.nps: must be an integer 0..10'],
      ['nps 11', survey({ nps: 11 }), 'payload.nps: must be an integer 0..10'],
      ['nps a fraction', survey({ csi: undefined, nps: 7.5 }), 'payload.nps'],
      ['comment too long', survey({ comment: 'ж'.repeat(4001) }), 'payload.comment'],
      // ContactsHandled
      [
        'departmentId missing',
        withoutPayloadField(contacts(), 'departmentId'),
        'payload.departmentId: is required',
      ],
      ['date missing', withoutPayloadField(contacts(), 'date'), 'payload.date: is required'],
      [
        'date impossible',
        contacts({ date: '2026-02-29' }),
        'payload.date: must be a real calendar date YYYY-MM-DD',
      ],
      ['date month 13', contacts({ date: '2026-13-01' }), 'payload.date'],
      ['date with a time', contacts({ date: '2026-05-14T00:00:00+03:00' }), 'payload.date'],
      ['date in another format', contacts({ date: '14.05.2026' }), 'payload.date'],
      ['count missing', withoutPayloadField(contacts(), 'count'), 'payload.count: is required'],
      ['count negative', contacts({ count: -1 }), 'payload.count: must be an integer >= 0'],
      ['count a fraction', contacts({ count: 1.5 }), 'payload.count'],
      ['count a string', contacts({ count: '125' }), 'payload.count'],
    ])('%s → invalid_payload', (_case, event, detail) => {
      expectFailure(decode(event), 'invalid_payload', detail);
    });

    it('names every offending payload field in one detail', () => {
      const result = decode(complaint({ channel: 'fax', summary: '', extra: true }));
      expect(result).toMatchObject({ ok: false, reason: 'invalid_payload' });
      if (!result.ok) {
        expect(result.detail).toContain('payload.channel');
        expect(result.detail).toContain('payload.summary');
        expect(result.detail).toContain('payload.extra: is not an allowed field');
      }
    });
  });

  it('a decoded event is unaffected by decoding it again (pure)', () => {
    const bytes = Buffer.from(JSON.stringify(complaint()));
    expect(decodeCrmEvent(bytes)).toEqual(decodeCrmEvent(bytes));
  });
});

describe('assertValidCrmPayload', () => {
  it('passes a valid payload and throws InvalidEventPayloadError naming the fields otherwise', () => {
    expect(() =>
      assertValidCrmPayload('ContactsHandled', { departmentId: 'D', date: '2026-05-14', count: 1 }),
    ).not.toThrow();
    let thrown: unknown;
    try {
      assertValidCrmPayload('ContactsHandled', { departmentId: 'D', date: '2026-02-30', count: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPayloadError);
    expect((thrown as InvalidEventPayloadError).problems).toEqual([
      'payload.date: must be a real calendar date YYYY-MM-DD',
      'payload.count: must be an integer >= 0',
    ]);
  });

  it('knows every CRM type', () => {
    for (const type of CRM_EVENT_TYPES) {
      expect(() => assertValidCrmPayload(type, {})).toThrow(InvalidEventPayloadError);
    }
  });
});
