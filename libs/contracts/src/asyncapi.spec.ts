import { describe, expect, it, beforeAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  DiagnosticSeverity,
  Parser,
  type AsyncAPIDocumentInterface,
  type Diagnostic,
} from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { asyncApiDocumentPath } from './asyncapi.js';
import { CRM_CHANNELS, CRM_COMPLAINT_CATEGORIES, CRM_EVENT_TYPES } from './crm/crm.events.js';
import { decodeCrmEvent } from './crm/crm.decoder.js';
import { DEAD_LETTER_REASONS } from './decode.js';
import { DLQ_HEADERS, TOPICS, deadLetterTopic } from './topics.js';

let document: AsyncAPIDocumentInterface;
let diagnostics: Diagnostic[];
let raw: { components: { schemas: Record<string, Record<string, unknown>> } };

beforeAll(async () => {
  const text = readFileSync(asyncApiDocumentPath(), 'utf8');
  raw = parseYaml(text) as typeof raw;
  const output = await new Parser().parse(text, { source: asyncApiDocumentPath() });
  diagnostics = output.diagnostics;
  if (!output.document)
    throw new Error(`asyncapi.yaml did not parse: ${JSON.stringify(output.diagnostics, null, 2)}`);
  document = output.document;
});

function channelAt(address: string) {
  const channel = document
    .channels()
    .all()
    .find((candidate) => candidate.address() === address);
  if (!channel) throw new Error(`no channel for ${address}`);
  return channel;
}

describe('asyncapi.yaml', () => {
  it('is found at an absolute path', () => {
    expect(isAbsolute(asyncApiDocumentPath())).toBe(true);
  });

  it('is a valid AsyncAPI 3.0.0 document', () => {
    expect(document.version()).toBe('3.0.0');
    // The parser's DiagnosticSeverity and its diagnostics' come from two copies of @stoplight/types: same numbers.
    const errors = diagnostics.filter(
      ({ severity }) => Number(severity) === Number(DiagnosticSeverity.Error),
    );
    expect(errors).toEqual([]);
  });

  it('names the local Kafka server', () => {
    const server = document.servers().get('local');
    expect(server?.host()).toBe('127.0.0.1:9092');
    expect(server?.protocol()).toBe('kafka');
  });

  it('has a channel for every topic and its dead-letter topic', () => {
    const addresses = document
      .channels()
      .all()
      .map((channel) => channel.address());
    for (const topic of Object.values(TOPICS)) {
      expect(addresses).toContain(topic);
      expect(addresses).toContain(deadLetterTopic(topic));
    }
  });

  it('has a crm.events.v1 message for every CRM type in code, and no other', () => {
    const names = channelAt(TOPICS.crm)
      .messages()
      .all()
      .map((message) => message.name());
    expect([...names].sort()).toEqual([...CRM_EVENT_TYPES].sort());
  });

  it('receives every CRM message', () => {
    const receive = document
      .operations()
      .all()
      .find((operation) => operation.channels().all()[0]?.address() === TOPICS.crm);
    expect(receive?.action()).toBe('receive');
    expect(
      receive
        ?.messages()
        .all()
        .map((message) => message.name())
        .sort(),
    ).toEqual([...CRM_EVENT_TYPES].sort());
  });

  it('has examples for every CRM message, and each decodes with decodeCrmEvent', () => {
    for (const message of channelAt(TOPICS.crm).messages().all()) {
      const examples = message.examples().all();
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const result = decodeCrmEvent(Buffer.from(JSON.stringify(example.payload()), 'utf8'));
        if (!result.ok)
          throw new Error(`${message.name()} example ${example.name()}: ${result.reason}: ${result.detail}`);
        expect(result.value.type).toBe(message.name());
      }
    }
  });

  it('keys CRM messages by customerId and domain events by streamId', () => {
    for (const message of channelAt(TOPICS.crm).messages().all()) {
      expect(message.bindings().get('kafka')?.value()).toHaveProperty('key');
    }
    const domainKey = channelAt(TOPICS.circles).messages().all()[0]?.bindings().get('kafka')?.value() as {
      key: { description: string };
    };
    expect(domainKey.key.description).toContain('streamId');
  });

  it('lists the same channels and categories as the code', () => {
    expect(raw.components.schemas.CrmChannel?.enum).toEqual([...CRM_CHANNELS]);
    expect(raw.components.schemas.CrmComplaintCategory?.enum).toEqual([...CRM_COMPLAINT_CATEGORIES]);
  });

  it('describes every DLQ header and reason', () => {
    const headers = raw.components.schemas.DeadLetterHeaders as {
      required: string[];
      properties: Record<string, { enum?: string[] }>;
    };
    expect([...headers.required].sort()).toEqual(Object.values(DLQ_HEADERS).sort());
    expect(headers.properties[DLQ_HEADERS.reason]?.enum).toEqual([...DEAD_LETTER_REASONS]);
  });
});

describe('the JSON Schemas of asyncapi.yaml and decodeCrmEvent', () => {
  type Event = Record<string, unknown> & { payload: Record<string, unknown> };
  type Mutation = [string, (event: Event) => void];

  const validators = new Map<string, ValidateFunction>();
  const baseEvents = new Map<string, Event>();

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const message of channelAt(TOPICS.crm).messages().all()) {
      validators.set(message.name()!, ajv.compile(message.payload()!.json()));
      baseEvents.set(message.name()!, message.examples().all()[0]!.payload() as Event);
    }
  });

  const set =
    (field: string, value: unknown): Mutation[1] =>
    (event) => {
      event.payload[field] = value;
    };
  const remove =
    (field: string): Mutation[1] =>
    (event) => {
      delete event.payload[field];
    };
  const setTop =
    (field: string, value: unknown): Mutation[1] =>
    (event) => {
      event[field] = value;
    };

  const common: Mutation[] = [
    ['as is', () => undefined],
    ['eventId not a UUID', setTop('eventId', 'evt-1')],
    ['eventId upper case', setTop('eventId', '0196C9A1-7E2B-7C4D-9A0E-2F1B3C4D5E6F')],
    ['eventId as a URN', setTop('eventId', 'urn:uuid:0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f')],
    ['schemaVersion 2', setTop('schemaVersion', 2)],
    ['schemaVersion "1"', setTop('schemaVersion', '1')],
    ['occurredAt in Z', setTop('occurredAt', '2026-05-14T07:22:00Z')],
    ['occurredAt with nanoseconds', setTop('occurredAt', '2026-05-14T07:22:00.123456789+03:00')],
    ['occurredAt without offset', setTop('occurredAt', '2026-05-14T10:22:00')],
    ['occurredAt in lower case', setTop('occurredAt', '2026-05-14t10:22:00z')],
    ['occurredAt impossible', setTop('occurredAt', '2026-02-30T10:22:00+03:00')],
    ['occurredAt a leap second', setTop('occurredAt', '2026-12-31T23:59:60Z')],
    ['occurredAt an offset without colon', setTop('occurredAt', '2026-05-14T10:22:00+0300')],
    ['an extra top-level field', setTop('streamId', 's')],
    ['no payload', (event) => void delete (event as Record<string, unknown>).payload],
    ['an extra payload field', set('extra', 1)],
  ];

  const byType: Record<string, Mutation[]> = {
    ComplaintLogged: [
      ['summary of 4000 emoji', set('summary', '😡'.repeat(4000))],
      ['summary of 4001 characters', set('summary', 'ж'.repeat(4001))],
      ['summary empty', set('summary', '')],
      ['summary of spaces', set('summary', '   ')],
      ['no summary', remove('summary')],
      ['channel office', set('channel', 'office')],
      ['channel fax', set('channel', 'fax')],
      ['category claims', set('category', 'claims')],
      ['category unknown', set('category', 'rudeness')],
      ['departmentId null', set('departmentId', null)],
      ['departmentId absent', remove('departmentId')],
      ['departmentId empty', set('departmentId', '')],
      ['employeeId of 200 characters', set('employeeId', 'е'.repeat(200))],
      ['employeeId of 201 characters', set('employeeId', 'е'.repeat(201))],
      ['customerId null', set('customerId', null)],
      ['complaintId a number', set('complaintId', 17)],
    ],
    GratitudeReceived: [
      ['written false', set('written', false)],
      ['written "true"', set('written', 'true')],
      ['no written', remove('written')],
      ['text null', set('text', null)],
      ['text empty', set('text', '')],
      ['text of 4001 characters', set('text', '🙏'.repeat(4001))],
      ['channel messenger', set('channel', 'messenger')],
    ],
    SurveyAnswered: [
      ['csi only', remove('nps')],
      ['nps only', remove('csi')],
      ['no scores', (event) => [remove('csi'), remove('nps')].forEach((apply) => apply(event))],
      ['both scores null', (event) => [set('csi', null), set('nps', null)].forEach((apply) => apply(event))],
      ['csi null, nps 0', (event) => [set('csi', null), set('nps', 0)].forEach((apply) => apply(event))],
      ['csi 0', set('csi', 0)],
      ['csi 6', set('csi', 6)],
      ['csi 4.5', set('csi', 4.5)],
      ['csi 4.0', set('csi', 4.0)],
      ['nps 10', set('nps', 10)],
      ['nps 11', set('nps', 11)],
      ['nps -1', set('nps', -1)],
      ['comment of 4001 characters', set('comment', 'ж'.repeat(4001))],
    ],
    ContactsHandled: [
      ['count 0', set('count', 0)],
      ['count -1', set('count', -1)],
      ['count 1.5', set('count', 1.5)],
      ['count "10"', set('count', '10')],
      ['date 2028-02-29', set('date', '2028-02-29')],
      ['date 2026-02-29', set('date', '2026-02-29')],
      ['date 2026-04-31', set('date', '2026-04-31')],
      ['date with a time', set('date', '2026-05-15T00:00:00Z')],
      ['date 2026-5-15', set('date', '2026-5-15')],
      ['no departmentId', remove('departmentId')],
    ],
  };

  const cases = CRM_EVENT_TYPES.flatMap((type) =>
    [...common, ...(byType[type] ?? [])].map(([name, mutate]) => [type, name, mutate] as const),
  );

  it.each(cases)('%s, %s: both accept or both reject', (type, _name, mutate) => {
    const event = structuredClone(baseEvents.get(type)!);
    mutate(event);
    const bySchema = validators.get(type)!(event);
    const byDecoder = decodeCrmEvent(Buffer.from(JSON.stringify(event))).ok;
    expect({ bySchema, errors: validators.get(type)!.errors ?? null }).toEqual({
      bySchema: byDecoder,
      errors: bySchema ? null : expect.anything(),
    });
  });
});
