import { describe, expect, it, beforeAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
import { circlesEventRegistry, decodeCirclesEvent } from './circles/circles.registry.js';
import { decodeIdeasEvent, ideasEventRegistry } from './ideas/ideas.registry.js';
import type { EventRegistry } from './registry.js';
import { TOPICS } from './topics.js';

type Payload = Record<string, unknown>;
type RawMessage = { payload: { allOf: [unknown, { properties: Record<string, { const?: unknown }> }] } };

let document: AsyncAPIDocumentInterface;
let diagnostics: Diagnostic[];
let raw: { components: { messages: Record<string, RawMessage> } };

beforeAll(async () => {
  const text = readFileSync(asyncApiDocumentPath(), 'utf8');
  raw = parseYaml(text) as typeof raw;
  const output = await new Parser().parse(text, { source: asyncApiDocumentPath() });
  diagnostics = output.diagnostics;
  if (!output.document)
    throw new Error(`asyncapi.yaml did not parse: ${JSON.stringify(output.diagnostics, null, 2)}`);
  document = output.document;
});

const domains: [string, string, EventRegistry][] = [
  ['circles', TOPICS.circles, circlesEventRegistry],
  ['ideas', TOPICS.ideas, ideasEventRegistry],
];

function channelAt(address: string) {
  const channel = document
    .channels()
    .all()
    .find((candidate) => candidate.address() === address);
  if (!channel) throw new Error(`no channel for ${address}`);
  return channel;
}

function messageNames(messages: { all(): { name(): string | undefined }[] }): string[] {
  return messages.all().map((message) => message.name() ?? '');
}

describe('asyncapi.yaml, circles and ideas events', () => {
  it('still parses without errors', () => {
    const errors = diagnostics.filter(
      ({ severity }) => Number(severity) === Number(DiagnosticSeverity.Error),
    );
    expect(errors).toEqual([]);
  });

  it.each(domains)(
    'has a %s message for every registered type, at its schemaVersion',
    (_name, topic, registry) => {
      const types = registry.types();
      expect(types.length).toBeGreaterThan(0);
      const onChannel = messageNames(channelAt(topic).messages());
      expect([...onChannel].sort()).toEqual(['DomainEvent', ...types.map(({ type }) => type)].sort());
      for (const { type, schemaVersion } of types) {
        const specific = raw.components.messages[type]!.payload.allOf[1].properties;
        expect({ type, typeConst: specific.type?.const, version: specific.schemaVersion?.const }).toEqual({
          type,
          typeConst: type,
          version: schemaVersion,
        });
      }
    },
  );

  it.each(domains)('sends and receives every %s message', (_name, topic, registry) => {
    const operations = document
      .operations()
      .all()
      .filter((operation) => operation.channels().all()[0]?.address() === topic);
    expect(operations.map((operation) => operation.action()).sort()).toEqual(['receive', 'send']);
    for (const operation of operations) {
      const names = messageNames(operation.messages());
      for (const { type } of registry.types())
        expect({ operation: operation.id(), has: names.includes(type) }).toEqual({
          operation: operation.id(),
          has: true,
        });
      expect(names).toContain('DomainEvent');
    }
  });

  it.each(domains)('keys every %s message by streamId', (_name, topic) => {
    for (const message of channelAt(topic).messages().all()) {
      const binding = message.bindings().get('kafka')?.value() as { key: { description: string } };
      expect(binding.key.description).toContain('streamId');
    }
  });

  it('has DomainEvent examples that decode and match their specific message', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const decoders = { [TOPICS.circles]: decodeCirclesEvent, [TOPICS.ideas]: decodeIdeasEvent };
    let checked = 0;
    for (const [topic, decode] of Object.entries(decoders)) {
      const messages = channelAt(topic).messages().all();
      const generic = messages.find((message) => message.name() === 'DomainEvent')!;
      for (const example of generic.examples().all()) {
        const value = example.payload() as { type: string };
        const specific = messages.find((message) => message.name() === value.type);
        if (!specific) continue;
        const result = decode(Buffer.from(JSON.stringify(value), 'utf8'));
        if (!result.ok) throw new Error(`${example.name()}: ${result.reason}: ${result.detail}`);
        const validate = ajv.compile(specific.payload()!.json());
        expect({ example: example.name(), valid: validate(value), errors: validate.errors }).toEqual({
          example: example.name(),
          valid: true,
          errors: null,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('is what scripts/generate-asyncapi.mjs writes', () => {
    const script = fileURLToPath(new URL('../scripts/generate-asyncapi.mjs', import.meta.url));
    try {
      execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`generate-asyncapi.mjs --check failed:\n${stderr ?? ''}${stdout ?? ''}`, {
        cause: error,
      });
    }
  }, 60_000);
});

describe('the generated schemas and the registries agree', () => {
  type Mutation = (payload: Payload) => void;
  type Case = [type: string, name: string, accepted: boolean, mutate: Mutation];

  const set =
    (field: string, value: unknown): Mutation =>
    (payload) => {
      payload[field] = value;
    };
  const remove =
    (field: string): Mutation =>
    (payload) => {
      delete payload[field];
    };
  const setIn =
    (object: string, field: string, value: unknown): Mutation =>
    (payload) => {
      (payload[object] as Payload)[field] = value;
    };
  const asIs: Mutation = () => undefined;

  const registries = new Map<string, EventRegistry>();
  for (const [, , registry] of domains)
    for (const { type } of registry.types()) registries.set(type, registry);

  const samples: Record<string, Payload> = {
    SituationRegistered: {
      situationId: 'SIT-1',
      title: 'Клиент ждал ответа 3 дня',
      description: 'Оператор не перезвонил, номер +7 *** *** ** 17',
      category: 'service_quality',
      source: 'crm',
      authorId: null,
      departmentId: 'DEP-CALLCENTER-MSK',
      complaintIds: ['CMP-2026-001017'],
    },
    CircleScheduled: {
      circleId: 'C-1',
      scheduledAt: '2026-05-21T14:00:00+03:00',
      isoWeek: '2026-W21',
      leaderId: 'EMP-1193',
      leaderDepartmentId: 'DEP-CALLCENTER-MSK',
      scheduledBy: 'user-17',
      situationIds: ['SIT-1', 'SIT-2'],
    },
    StageStarted: {
      circleId: 'C-1',
      situationId: 'SIT-1',
      stage: 'exchange_of_opinions',
      startedAt: '2026-05-21T14:10:00+03:00',
      plannedMinutes: 15,
      deadline: '2026-05-21T14:25:00+03:00',
    },
    LeafletCompleted: {
      circleId: 'C-1',
      situationId: 'SIT-1',
      leafletId: 'L-1',
      title: 'Перезвон в тот же день',
      situation: 'Клиент ждал ответа 3 дня',
      standardSolution: ['Извиниться', 'Перезвонить'],
      wowEffect: 'Перезвонить в течение часа 😊',
      additionalQuestions: [],
      category: 'internal',
      complaintIds: [],
      departmentIds: ['DEP-CALLCENTER-MSK'],
    },
    AttendanceRecorded: {
      circleId: 'C-1',
      attendees: [{ employeeId: 'EMP-1193', departmentId: 'DEP-CALLCENTER-MSK' }],
    },
    PulseAnswered: {
      circleId: 'C-1',
      employeeId: 'EMP-1193',
      departmentId: 'DEP-CALLCENTER-MSK',
      seesPracticalBenefit: true,
      usefulness: 4,
      comment: null,
    },
    IdeaRegistered: {
      ideaId: 'I-1',
      title: 'Перезвон в тот же день',
      description: 'Ставить задачу на перезвон при любом обещании',
      origin: {
        kind: 'circle_proposal',
        circleId: 'C-1',
        leafletId: 'L-1',
        situationId: 'SIT-1',
        sourceEventId: '0196c9e0-4f50-7162-83a4-b5c6d7e8f901',
        complaintIds: ['CMP-2026-001017'],
        category: null,
      },
      proposedBy: 'EMP-1193',
      departmentId: 'DEP-CALLCENTER-MSK',
    },
    IdeaApproved: { ideaId: 'I-1', scope: 'contact_centre', targetDepartmentId: null, approvedBy: 'EMP-7' },
    IdeaDeferred: { ideaId: 'I-1', reason: 'После релиза CRM', revisitOn: '2026-09-01', deferredBy: 'EMP-7' },
  };

  const cases: Case[] = [
    ...Object.keys(samples).map((type): Case => [type, 'as is', true, asIs]),
    ...Object.keys(samples).map((type): Case => [type, 'an extra field', false, set('extra', 1)]),
    ['SituationRegistered', 'no title', false, remove('title')],
    ['SituationRegistered', 'category unknown', false, set('category', 'rudeness')],
    ['SituationRegistered', 'source unknown', false, set('source', 'hr')],
    ['SituationRegistered', 'authorId set', true, set('authorId', 'EMP-1')],
    ['SituationRegistered', 'authorId absent', false, remove('authorId')],
    ['SituationRegistered', 'authorId empty', false, set('authorId', '')],
    ['SituationRegistered', 'description of 4000 emoji', true, set('description', '😊'.repeat(4000))],
    ['SituationRegistered', 'description of 4001 characters', false, set('description', 'ж'.repeat(4001))],
    [
      'SituationRegistered',
      'a complaint id of 201 characters',
      false,
      set('complaintIds', ['я'.repeat(201)]),
    ],
    ['CircleScheduled', 'isoWeek W53', true, set('isoWeek', '2026-W53')],
    ['CircleScheduled', 'isoWeek W54', false, set('isoWeek', '2026-W54')],
    ['CircleScheduled', 'scheduledAt without offset', false, set('scheduledAt', '2026-05-21T14:00:00')],
    ['CircleScheduled', 'scheduledAt impossible', false, set('scheduledAt', '2026-02-30T14:00:00Z')],
    ['CircleScheduled', 'three situations', false, set('situationIds', ['S-1', 'S-2', 'S-3'])],
    ['CircleScheduled', 'no situations', false, set('situationIds', [])],
    ['StageStarted', 'stage unknown', false, set('stage', 'retro')],
    ['StageStarted', 'plannedMinutes 600', true, set('plannedMinutes', 600)],
    ['StageStarted', 'plannedMinutes 601', false, set('plannedMinutes', 601)],
    ['StageStarted', 'plannedMinutes 1.5', false, set('plannedMinutes', 1.5)],
    ['StageStarted', 'no deadline', false, remove('deadline')],
    ['LeafletCompleted', 'no standard solution steps', false, set('standardSolution', [])],
    ['LeafletCompleted', '21 standard solution steps', false, set('standardSolution', Array(21).fill('шаг'))],
    ['LeafletCompleted', 'an empty additional question', false, set('additionalQuestions', [''])],
    ['LeafletCompleted', 'no departments', false, set('departmentIds', [])],
    ['AttendanceRecorded', 'no attendees', false, set('attendees', [])],
    ['AttendanceRecorded', 'an attendee without department', false, set('attendees', [{ employeeId: 'E' }])],
    [
      'AttendanceRecorded',
      'an attendee with an extra field',
      false,
      set('attendees', [{ employeeId: 'E', departmentId: 'D', role: 'x' }]),
    ],
    ['PulseAnswered', 'usefulness 5', true, set('usefulness', 5)],
    ['PulseAnswered', 'usefulness 0', false, set('usefulness', 0)],
    ['PulseAnswered', 'usefulness "4"', false, set('usefulness', '4')],
    ['PulseAnswered', 'comment set', true, set('comment', 'Полезно')],
    ['PulseAnswered', 'comment empty', false, set('comment', '')],
    ['PulseAnswered', 'comment absent', false, remove('comment')],
    ['PulseAnswered', 'seesPracticalBenefit "true"', false, set('seesPracticalBenefit', 'true')],
    ['IdeaRegistered', 'origin category set', true, setIn('origin', 'category', 'billing')],
    ['IdeaRegistered', 'origin category unknown', false, setIn('origin', 'category', 'rudeness')],
    ['IdeaRegistered', 'origin kind unknown', false, setIn('origin', 'kind', 'email')],
    [
      'IdeaRegistered',
      'origin without complaintIds',
      false,
      (payload) => void delete (payload.origin as Payload).complaintIds,
    ],
    ['IdeaRegistered', 'origin with an extra field', false, setIn('origin', 'extra', true)],
    ['IdeaRegistered', 'no origin', false, remove('origin')],
    ['IdeaRegistered', 'title of 201 characters', false, set('title', 'ж'.repeat(201))],
    ['IdeaApproved', 'scope other_department', true, set('scope', 'other_department')],
    ['IdeaApproved', 'scope unknown', false, set('scope', 'everywhere')],
    ['IdeaApproved', 'no approvedBy', false, remove('approvedBy')],
    ['IdeaDeferred', 'revisitOn 2028-02-29', true, set('revisitOn', '2028-02-29')],
    ['IdeaDeferred', 'revisitOn 2026-02-29', false, set('revisitOn', '2026-02-29')],
    ['IdeaDeferred', 'revisitOn with a time', false, set('revisitOn', '2026-09-01T00:00:00Z')],
    ['IdeaDeferred', 'reason empty', false, set('reason', '')],
  ];

  const validators = new Map<string, ValidateFunction>();

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    for (const [, topic] of domains)
      for (const message of channelAt(topic).messages().all())
        validators.set(message.name()!, ajv.compile(message.payload()!.json()));
  });

  function envelope(type: string, payload: Payload) {
    return {
      eventId: '0196c9e0-4f50-7162-83a4-b5c6d7e8f901',
      type,
      schemaVersion: 1,
      streamId: 'stream-1',
      streamVersion: 1,
      occurredAt: '2026-05-18T09:00:00Z',
      correlationId: '0196c9e0-4f4f-7aaa-8bbb-cccccccccccc',
      causationId: null,
      actor: null,
      payload,
    };
  }

  it.each(cases)('%s, %s: accepted %s by both', (type, _name, accepted, mutate) => {
    const payload = structuredClone(samples[type]!);
    mutate(payload);
    const validate = validators.get(type)!;
    const bySchema = validate(envelope(type, payload));
    const registry: EventRegistry = registries.get(type)!;
    let byRegistry = true;
    try {
      registry.assertValidPayload(type, payload);
    } catch {
      byRegistry = false;
    }
    // The schema's errors are shown only when it disagrees.
    const schemaErrors = bySchema === accepted ? null : validate.errors;
    expect({ bySchema, byRegistry, schemaErrors }).toEqual({
      bySchema: accepted,
      byRegistry: accepted,
      schemaErrors: null,
    });
  });

  it('rejects another type, or another schemaVersion, in a specific message', () => {
    const validate = validators.get('PulseAnswered')!;
    expect(validate(envelope('PulseAnswered', samples.PulseAnswered!))).toBe(true);
    expect(validate({ ...envelope('PulseAnswered', samples.PulseAnswered!), type: 'CircleScheduled' })).toBe(
      false,
    );
    expect(validate({ ...envelope('PulseAnswered', samples.PulseAnswered!), schemaVersion: 2 })).toBe(false);
  });
});
