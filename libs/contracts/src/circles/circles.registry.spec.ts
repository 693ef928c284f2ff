import { InvalidEventPayloadError } from '../registry.js';
import type { CirclesEventPayloads, CirclesEventType } from './circles.events.js';
import { circlesEventRegistry, decodeCirclesEvent } from './circles.registry.js';

// Every key of CirclesEventPayloads: a key missing here, or one too many, does not compile.
const ALL_TYPES: { [K in CirclesEventType]: true } = {
  DepartmentRegistered: true,
  DepartmentRenamed: true,
  EmployeeRegistered: true,
  EmployeeUpdated: true,
  EmployeeDeactivated: true,
  EmployeeReactivated: true,
  SituationRegistered: true,
  ComplaintLinkedToSituation: true,
  SituationsMerged: true,
  SituationArchived: true,
  CircleScheduled: true,
  SituationAddedToCircle: true,
  ParticipantInvited: true,
  ParticipantJoined: true,
  ParticipantLeft: true,
  CircleStarted: true,
  StageStarted: true,
  StageCompleted: true,
  StageSteppedBack: true,
  IdeaProposed: true,
  IdeaPraised: true,
  WowSolutionChosen: true,
  LeafletCompleted: true,
  ImprovementProposed: true,
  AttendanceRecorded: true,
  CircleCompleted: true,
  CircleCancelled: true,
  PulseAnswered: true,
};

const samples: { [K in CirclesEventType]?: CirclesEventPayloads[K] } = {
  SituationRegistered: {
    situationId: 's-1',
    title: 'Долгое ожидание на линии',
    description: 'Клиент ждал ответа 20 минут, телефон +7 (***) ***-**-89',
    category: 'service_quality',
    source: 'crm',
    authorId: null,
    departmentId: null,
    complaintIds: ['c-1'],
  },
  CircleScheduled: {
    circleId: 'c-1',
    scheduledAt: '2026-05-14T10:00:00+03:00',
    isoWeek: '2026-W20',
    leaderId: 'e-1',
    leaderDepartmentId: 'd-1',
    scheduledBy: 'e-9',
    situationIds: ['s-1', 's-2'],
  },
  LeafletCompleted: {
    circleId: 'c-1',
    situationId: 's-1',
    leafletId: 'l-1',
    title: 'Перезвонить клиенту',
    situation: 'Клиент не дождался ответа',
    standardSolution: ['Извиниться', 'Перезвонить клиенту'],
    wowEffect: 'Оператор перезвонил сам через 5 минут',
    additionalQuestions: [],
    category: 'service_quality',
    complaintIds: [],
    departmentIds: ['d-1'],
  },
  AttendanceRecorded: { circleId: 'c-1', attendees: [{ employeeId: 'e-1', departmentId: 'd-1' }] },
  PulseAnswered: {
    circleId: 'c-1',
    employeeId: 'e-1',
    departmentId: 'd-1',
    seesPracticalBenefit: true,
    usefulness: 5,
    comment: null,
  },
};

describe('circlesEventRegistry', () => {
  it('registers every circles event type at schema version 1', () => {
    const registered = circlesEventRegistry.types();
    expect(registered.map(({ type }) => type).sort()).toEqual(Object.keys(ALL_TYPES).sort());
    expect(registered.every(({ schemaVersion }) => schemaVersion === 1)).toBe(true);
  });

  it.each(Object.entries(samples))('accepts a valid %s payload', (type, payload) => {
    expect(() => circlesEventRegistry.assertValidPayload(type, payload)).not.toThrow();
  });

  it('rejects a nested attendee without a department, naming the path', () => {
    const payload = { circleId: 'c-1', attendees: [{ employeeId: 'e-1' }] };
    expect(() => circlesEventRegistry.assertValidPayload('AttendanceRecorded', payload)).toThrow(
      'payload.attendees[0].departmentId: is required',
    );
  });

  it('rejects a circle with three situations and an unknown field', () => {
    const payload = { ...samples.CircleScheduled, situationIds: ['a', 'b', 'c'], extra: 1 };
    let caught: unknown;
    try {
      circlesEventRegistry.assertValidPayload('CircleScheduled', payload);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventPayloadError);
    const problems = (caught as InvalidEventPayloadError).problems.join('\n');
    expect(problems).toContain('payload.situationIds');
    expect(problems).toContain('payload.extra: is not an allowed field');
  });

  it('rejects a pulse with usefulness out of 1..5 and a missing nullable comment', () => {
    const { comment: _omitted, ...withoutComment } = samples.PulseAnswered!;
    expect(() =>
      circlesEventRegistry.assertValidPayload('PulseAnswered', { ...withoutComment, usefulness: 6 }),
    ).toThrow(/usefulness: must be an integer 1\.\.5.*comment: is required/);
  });

  it('decodes a circles envelope', () => {
    const envelope = {
      eventId: '0196c1a4-3b7e-7000-8000-000000000001',
      type: 'CircleScheduled',
      schemaVersion: 1,
      streamId: 'circle-c-1',
      streamVersion: 1,
      occurredAt: '2026-05-14T10:00:00Z',
      correlationId: 'corr-1',
      causationId: null,
      actor: { id: 'e-9', roles: ['coordinator'] },
      payload: samples.CircleScheduled,
    };
    const result = decodeCirclesEvent(Buffer.from(JSON.stringify(envelope)));
    expect(result.ok).toBe(true);
  });
});
