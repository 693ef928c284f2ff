import { describe, expect, it } from '@jest/globals';
import { AttendanceRecordedDto, PulseAnsweredDto } from './circles/circles.payloads.js';
import { compiledValidity } from './compiled-validity.js';
import { CrmEnvelopeDto } from './crm/crm.decoder.js';
import {
  ComplaintLoggedPayloadDto,
  ContactsHandledPayloadDto,
  GratitudeReceivedPayloadDto,
  SurveyAnsweredPayloadDto,
} from './crm/crm.payloads.js';
import { EventEnvelopeDto } from './envelope.js';
import { IdeaRegisteredPayloadDto } from './ideas/ideas.payloads.js';
import { explainInvalid, type DtoClass, type PlainObject } from './validation.js';

const samples: [DtoClass, PlainObject][] = [
  [
    ComplaintLoggedPayloadDto,
    {
      complaintId: 'CMP-1',
      customerId: 'C-1',
      channel: 'phone',
      category: 'billing',
      departmentId: 'DEP-1',
      employeeId: null,
      summary: 'Клиент ждал ответа 20 минут',
    },
  ],
  [
    GratitudeReceivedPayloadDto,
    { gratitudeId: 'G-1', customerId: 'C-1', channel: 'email', written: true, text: 'Спасибо Анне' },
  ],
  [SurveyAnsweredPayloadDto, { surveyId: 'S-1', customerId: 'C-1', csi: 4, nps: null, comment: null }],
  [SurveyAnsweredPayloadDto, { surveyId: 'S-2', customerId: 'C-1', departmentId: 'DEP-1', nps: 9 }],
  [ContactsHandledPayloadDto, { departmentId: 'DEP-1', date: '2026-05-14', count: 120 }],
  [
    CrmEnvelopeDto,
    {
      eventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
      type: 'ComplaintLogged',
      schemaVersion: 1,
      occurredAt: '2026-05-14T10:22:00+03:00',
      payload: {},
    },
  ],
  [
    EventEnvelopeDto,
    {
      eventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
      type: 'IdeaProposed',
      schemaVersion: 1,
      streamId: 'circle-c-1',
      streamVersion: 3,
      occurredAt: '2026-05-14T10:22:00Z',
      correlationId: 'req-1',
      causationId: null,
      actor: { id: 'EMP-1', roles: ['participant', 'leader'] },
      payload: {},
    },
  ],
  [
    IdeaRegisteredPayloadDto,
    {
      ideaId: 'idea-1',
      title: 'Перезванивать клиенту в тот же день',
      description: 'Если оператор обещал перезвонить, звонок ставится в план смены.',
      origin: {
        kind: 'circle_proposal',
        circleId: 'circle-1',
        leafletId: 'leaflet-1',
        situationId: 'situation-1',
        sourceEventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
        complaintIds: ['CMP-1001'],
        category: 'billing',
      },
      proposedBy: 'EMP-1',
      departmentId: 'DEP-1',
    },
  ],
  [
    AttendanceRecordedDto,
    {
      circleId: 'c-1',
      attendees: [
        { employeeId: 'e-1', departmentId: 'd-1' },
        { employeeId: 'e-2', departmentId: 'd-2' },
      ],
    },
  ],
  [
    PulseAnsweredDto,
    {
      circleId: 'c-1',
      employeeId: 'e-1',
      departmentId: 'd-1',
      seesPracticalBenefit: true,
      usefulness: 5,
      comment: null,
    },
  ],
];

/** Values of every JSON kind, and strings that break one rule or another. */
const replacements: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'phone',
  'billing',
  'circle_proposal',
  '2026-02-30',
  '2026-05-14',
  '2026-05-14T10:22:00',
  '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
  'a'.repeat(201),
  'я'.repeat(4001),
  'bad\u0000text',
  'lone \uD800 surrogate',
  0,
  -1,
  1,
  5,
  6,
  10,
  11,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  [],
  ['x'],
  [1],
  [{}],
  {},
  { id: 'EMP-1', roles: [] },
  { employeeId: 'e-1', departmentId: 'd-1' },
];

function isValidSlowly(dto: DtoClass, subject: PlainObject): boolean {
  return explainInvalid(dto, subject).length === 0;
}

/** Every variant of `value` with one field (at any depth) removed or replaced, or an unknown field added. */
function* variants(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    const items = value as unknown[];
    for (const [index, item] of items.entries()) {
      for (const changed of variants(item)) yield items.map((other, at) => (at === index ? changed : other));
    }
    yield [...items, items[0]];
    yield [];
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as PlainObject;
  for (const key of Object.keys(object)) {
    const { [key]: _removed, ...without } = object;
    yield without;
    for (const replacement of replacements) yield { ...object, [key]: replacement };
    for (const changed of variants(object[key])) yield { ...object, [key]: changed };
  }
  yield { ...object, unexpected: 'x' };
  yield { ...object, toString: 'x' };
  yield { ...object, constructor: 'x' };
  const rest = JSON.stringify(object).slice(1);
  yield JSON.parse(`{"__proto__": {"polluted": true}${rest === '}' ? '' : ','} ${rest}`) as PlainObject;
}

describe('compiledValidity', () => {
  it.each(samples.map(([dto, sample]) => [dto.name, dto, sample] as const))(
    'compiles %s and accepts its valid sample',
    (_name, dto, sample) => {
      const check = compiledValidity(dto);
      expect(check).not.toBeNull();
      expect(isValidSlowly(dto, sample)).toBe(true);
      expect(check!(sample)).toBe(true);
    },
  );

  it.each(samples.map(([dto, sample]) => [dto.name, dto, sample] as const))(
    'never accepts what class-validator rejects, over every one-field change of %s',
    (_name, dto, sample) => {
      const check = compiledValidity(dto)!;
      const wronglyAccepted: string[] = [];
      let invalid = 0;
      let valid = 0;
      let declined = 0;
      for (const variant of variants(sample)) {
        const subject = variant as PlainObject;
        const slow = isValidSlowly(dto, subject);
        const fast = check(subject);
        if (!slow) invalid += 1;
        else valid += 1;
        if (fast && !slow) wronglyAccepted.push(JSON.stringify(subject));
        // A "no" for valid input only costs time: class-validator then runs and accepts it.
        if (!fast && slow) declined += 1;
      }
      expect(wronglyAccepted).toEqual([]);
      // The variants must exercise the rules, and valid ones must mostly take the fast way.
      expect(invalid).toBeGreaterThan(20);
      expect(declined).toBeLessThanOrEqual(valid / 4);
    },
  );

  it('declines a DTO without rules, which class-validator rejects as an unknown value', () => {
    class Empty {}
    expect(compiledValidity(Empty)).toBeNull();
  });
});
