// End to end through Kafka, PostgreSQL and HTTP: a known mix of CRM, circles and ideas events (each delivered
// twice, with late and out-of-order ones and poison messages) gives exactly the figures an independent calculator
// derives from the same inputs.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import {
  DLQ_HEADERS,
  assertValidCrmPayload,
  circlesEventRegistry,
  ideasEventRegistry,
  newEventId,
  type CrmEventType,
  type EventRegistry,
} from '@hc/contracts';
import { encodeIdentity, type Identity, type Role } from '@hc/service-kit';
import {
  createTestDatabase,
  eventually,
  readTopic,
  testKafka,
  uniqueSuffix,
  uniqueTopic,
  type TestDatabase,
} from '@hc/testing';
import { loadMetricsConfig, type MetricsConfig } from './metrics.config.js';
import { MetricsModule } from './metrics.module.js';
import { createMetricsRuntime, type MetricsRuntime } from './metrics.runtime.js';
import { rebuildReadModels } from './rebuild/rebuild.js';

type Json = Record<string, unknown>;

interface Sent {
  topic: 'crm' | 'circles' | 'ideas';
  key: string;
  /** The decoded event, or null for a poison message. */
  event: Json | null;
  bytes: Buffer;
}

// ---------------------------------------------------------------------------------------------
// The inputs
// ---------------------------------------------------------------------------------------------

const sent: Sent[] = [];

function crm(type: CrmEventType, occurredAt: string, payload: Json): void {
  assertValidCrmPayload(type, payload);
  const event = { eventId: newEventId(), type, schemaVersion: 1, occurredAt, payload };
  const key = (payload.customerId ?? payload.departmentId) as string;
  sent.push({ topic: 'crm', key, event, bytes: Buffer.from(JSON.stringify(event)) });
}

const streamVersions = new Map<string, number>();

function domain(
  topic: 'circles' | 'ideas',
  type: string,
  occurredAt: string,
  streamId: string,
  payload: Json,
): void {
  const registry: EventRegistry = topic === 'circles' ? circlesEventRegistry : ideasEventRegistry;
  registry.assertValidPayload(type, payload);
  const streamVersion = (streamVersions.get(streamId) ?? 0) + 1;
  streamVersions.set(streamId, streamVersion);
  const event = {
    eventId: newEventId(),
    type,
    schemaVersion: 1,
    streamId,
    streamVersion,
    occurredAt,
    correlationId: randomUUID(),
    causationId: null,
    actor: null,
    payload,
  };
  sent.push({ topic, key: streamId, event, bytes: Buffer.from(JSON.stringify(event)) });
}

function poison(topic: Sent['topic'], bytes: Buffer): void {
  sent.push({ topic, key: 'poison', event: null, bytes });
}

const circle = (type: string, occurredAt: string, circleId: string, payload: Json) =>
  domain('circles', type, occurredAt, `circle-${circleId}`, { circleId, ...payload });

// Directory: E5 leaves before the period ends, E6 joins after it, E2 moves from DEP-A to DEP-B.
domain('circles', 'DepartmentRegistered', '2026-04-01T09:00:00+03:00', 'department-DEP-A', {
  departmentId: 'DEP-A',
  name: 'Урегулирование убытков',
});
domain('circles', 'DepartmentRegistered', '2026-04-01T09:00:00+03:00', 'department-DEP-B', {
  departmentId: 'DEP-B',
  name: 'Обслуживание клиентов',
});
for (const [employeeId, departmentId] of [
  ['E1', 'DEP-A'],
  ['E2', 'DEP-A'],
  ['E3', 'DEP-B'],
  ['E4', 'DEP-B'],
  ['E5', 'DEP-A'],
  ['E7', 'DEP-B'],
] as const) {
  domain('circles', 'EmployeeRegistered', '2026-05-01T09:00:00+03:00', `employee-${employeeId}`, {
    employeeId,
    fullName: `Сотрудник ${employeeId}`,
    departmentId,
    leaderEligible: employeeId === 'E1',
  });
}
domain('circles', 'EmployeeDeactivated', '2026-05-10T18:00:00+03:00', 'employee-E5', {
  employeeId: 'E5',
  departmentId: 'DEP-A',
});
domain('circles', 'EmployeeRegistered', '2026-05-20T09:00:00+03:00', 'employee-E6', {
  employeeId: 'E6',
  fullName: 'Сотрудник E6',
  departmentId: 'DEP-B',
  leaderEligible: false,
});
domain('circles', 'EmployeeUpdated', '2026-05-05T09:00:00+03:00', 'employee-E2', {
  employeeId: 'E2',
  fullName: 'Сотрудник E2',
  departmentId: 'DEP-B',
  leaderEligible: false,
});

// C1 mixes both departments (led by E1); C2 is DEP-B only after E2's move; C3 is held after the period.
circle('IdeaProposed', '2026-05-12T14:10:00+03:00', 'C1', {
  situationId: 'S1',
  ideaId: 'I1',
  authorId: 'E3',
  authorDepartmentId: 'DEP-B',
  text: 'Перезванивать клиенту в тот же день',
  parentIdeaId: null,
});
circle('IdeaProposed', '2026-05-12T14:12:00+03:00', 'C1', {
  situationId: 'S1',
  ideaId: 'I2',
  authorId: 'E1',
  authorDepartmentId: 'DEP-A',
  text: 'И отправлять SMS с именем оператора',
  parentIdeaId: 'I1',
});
circle('IdeaProposed', '2026-05-12T14:15:00+03:00', 'C1', {
  situationId: 'S1',
  ideaId: 'I3',
  authorId: 'E1',
  authorDepartmentId: 'DEP-A',
  text: 'Шаблон письма с извинениями',
  parentIdeaId: null,
});
circle('LeafletCompleted', '2026-05-12T14:40:00+03:00', 'C1', {
  situationId: 'S1',
  leafletId: 'L1',
  title: 'Клиент ждал ответа три дня',
  situation: 'Оператор не перезвонил',
  standardSolution: ['Извиниться', 'Перезвонить'],
  wowEffect: 'Перезвонить в течение часа и предложить помощь с другим вопросом',
  additionalQuestions: [],
  category: 'service_quality',
  complaintIds: ['CMP-1'],
  departmentIds: ['DEP-A', 'DEP-B'],
});
circle('WowSolutionChosen', '2026-05-12T14:30:00+03:00', 'C1', {
  situationId: 'S1',
  ideaIds: ['I1', 'I2'],
  wording: 'Перезвонить в течение часа и отправить SMS с именем оператора',
  needsChange: true,
  category: 'service_quality',
});
circle('AttendanceRecorded', '2026-05-12T14:00:00+03:00', 'C1', {
  attendees: [
    { employeeId: 'E3', departmentId: 'DEP-B' },
    { employeeId: 'E5', departmentId: 'DEP-A' },
  ],
});
circle('CircleCompleted', '2026-05-12T14:45:00+03:00', 'C1', {
  completedAt: '2026-05-12T14:45:00+03:00',
  leaderId: 'E1',
  attendeeIds: ['E3', 'E5'],
  departmentIds: ['DEP-A', 'DEP-B'],
  situationIds: ['S1'],
});
circle('PulseAnswered', '2026-05-12T15:00:00+03:00', 'C1', {
  employeeId: 'E3',
  departmentId: 'DEP-B',
  seesPracticalBenefit: false,
  usefulness: 2,
  comment: null,
});
circle('PulseAnswered', '2026-05-12T15:01:00+03:00', 'C1', {
  employeeId: 'E1',
  departmentId: 'DEP-A',
  seesPracticalBenefit: true,
  usefulness: 5,
  comment: 'Полезно',
});
// E3 changes the answer later: the latest counts.
circle('PulseAnswered', '2026-05-13T10:00:00+03:00', 'C1', {
  employeeId: 'E3',
  departmentId: 'DEP-B',
  seesPracticalBenefit: true,
  usefulness: 4,
  comment: null,
});

// C2: completion arrives before its attendance and leaflets (out of order); completed late in the evening UTC,
// which is already the next day in Moscow.
circle('CircleCompleted', '2026-05-14T21:30:00Z', 'C2', {
  completedAt: '2026-05-14T21:30:00Z',
  leaderId: 'E4',
  attendeeIds: ['E2'],
  departmentIds: ['DEP-B'],
  situationIds: ['S2', 'S3'],
});
circle('AttendanceRecorded', '2026-05-14T21:00:00Z', 'C2', {
  attendees: [{ employeeId: 'E2', departmentId: 'DEP-B' }],
});
for (const [leafletId, situationId] of [
  ['L2', 'S2'],
  ['L3', 'S3'],
] as const) {
  circle('LeafletCompleted', '2026-05-14T21:20:00Z', 'C2', {
    situationId,
    leafletId,
    title: 'Ошибка в счёте',
    situation: 'Клиенту выставили двойной счёт',
    standardSolution: ['Проверить начисления'],
    wowEffect: 'Сразу вернуть деньги и позвонить клиенту',
    additionalQuestions: ['Автоматическая проверка двойных начислений'],
    category: 'billing',
    complaintIds: [],
    departmentIds: ['DEP-B'],
  });
}
circle('IdeaProposed', '2026-05-14T21:10:00Z', 'C2', {
  situationId: 'S2',
  ideaId: 'I4',
  authorId: 'E2',
  authorDepartmentId: 'DEP-B',
  text: 'Проверять счёт перед отправкой',
  parentIdeaId: null,
});
circle('PulseAnswered', '2026-05-14T21:40:00Z', 'C2', {
  employeeId: 'E2',
  departmentId: 'DEP-B',
  seesPracticalBenefit: true,
  usefulness: 5,
  comment: null,
});
// C3 is held on 2026-05-18 (local), after the period.
circle('CircleCompleted', '2026-05-18T10:00:00+03:00', 'C3', {
  completedAt: '2026-05-18T10:00:00+03:00',
  leaderId: 'E7',
  attendeeIds: ['E4'],
  departmentIds: ['DEP-B'],
  situationIds: ['S4'],
});
circle('IdeaProposed', '2026-05-18T09:50:00+03:00', 'C3', {
  situationId: 'S4',
  ideaId: 'I5',
  authorId: 'E4',
  authorDepartmentId: 'DEP-B',
  text: 'Идея после периода',
  parentIdeaId: null,
});

const idea = (type: string, occurredAt: string, ideaId: string, payload: Json) =>
  domain('ideas', type, occurredAt, `idea-${ideaId}`, { ideaId, ...payload });
idea('IdeaSubmitted', '2026-05-13T12:00:00+03:00', 'X1', {
  targetDepartmentId: 'IT',
  departmentId: 'DEP-A',
  category: 'service_quality',
  submittedBy: 'E1',
});
const implemented = (ideaId: string, occurredAt: string, scope: string, departmentId: string) =>
  idea('ImprovementImplemented', occurredAt, ideaId, {
    scope,
    description: 'Скрипт обратного звонка обновлён',
    departmentId,
    category: 'service_quality',
    complaintIds: ['CMP-1'],
    implementedBy: 'E1',
  });
implemented('X2', '2026-05-15T12:00:00+03:00', 'contact_centre', 'DEP-B');
implemented('X3', '2026-05-15T12:00:00+03:00', 'other_department', 'DEP-A');
implemented('X4', '2026-05-19T12:00:00+03:00', 'contact_centre', 'DEP-A');
implemented('X5', '2026-05-11T00:30:00+03:00', 'contact_centre', 'DEP-A');

// CRM, days out of order; c2 is in the evening UTC (next day in Moscow); the boundaries are checked.
const complaint = (id: string, occurredAt: string, category: string, departmentId?: string) =>
  crm('ComplaintLogged', occurredAt, {
    complaintId: id,
    customerId: `CUST-${id}`,
    channel: 'phone',
    category,
    ...(departmentId ? { departmentId } : {}),
    summary: 'Клиент недоволен сроками',
  });
complaint('CMP-3', '2026-05-14T09:00:00+03:00', 'service_quality', 'DEP-B');
complaint('CMP-1', '2026-05-12T10:00:00+03:00', 'service_quality', 'DEP-A');
complaint('CMP-2', '2026-05-12T23:30:00Z', 'billing', 'DEP-A');
complaint('CMP-4', '2026-05-16T11:00:00+03:00', 'product');
complaint('CMP-6', '2026-05-10T20:59:00Z', 'claims', 'DEP-B');
complaint('CMP-7', '2026-05-17T21:00:00Z', 'other', 'DEP-A');
complaint('CMP-8', '2026-05-17T20:59:59Z', 'billing', 'DEP-B');

const gratitude = (id: string, occurredAt: string, written: boolean, departmentId?: string) =>
  crm('GratitudeReceived', occurredAt, {
    gratitudeId: id,
    customerId: `CUST-${id}`,
    channel: 'email',
    written,
    ...(departmentId ? { departmentId } : {}),
    text: 'Спасибо за помощь!',
  });
gratitude('GR-1', '2026-05-13T10:00:00+03:00', true, 'DEP-A');
gratitude('GR-2', '2026-05-15T10:00:00+03:00', false, 'DEP-B');
gratitude('GR-3', '2026-05-16T10:00:00+03:00', true);

const survey = (
  id: string,
  occurredAt: string,
  departmentId: string | null,
  csi: number | null,
  nps: number | null,
) =>
  crm('SurveyAnswered', occurredAt, {
    surveyId: id,
    customerId: `CUST-${id}`,
    ...(departmentId ? { departmentId } : {}),
    csi,
    nps,
  });
survey('SRV-1', '2026-05-12T12:00:00+03:00', 'DEP-A', 5, 10);
survey('SRV-2', '2026-05-13T12:00:00+03:00', 'DEP-A', 4, 7);
survey('SRV-3', '2026-05-14T12:00:00+03:00', 'DEP-B', 2, 3);
survey('SRV-4', '2026-05-15T12:00:00+03:00', 'DEP-B', null, 9);
survey('SRV-5', '2026-05-16T12:00:00+03:00', 'DEP-A', 3, null);
survey('SRV-6', '2026-05-16T13:00:00+03:00', null, 5, 0);

const contacts = (departmentId: string, date: string, count: number, occurredAt: string) =>
  crm('ContactsHandled', occurredAt, { departmentId, date, count });
// The replacement (newer occurredAt) arrives before the message it replaces.
contacts('DEP-A', '2026-05-12', 1200, '2026-05-13T08:00:00+03:00');
contacts('DEP-A', '2026-05-12', 1000, '2026-05-12T20:00:00+03:00');
contacts('DEP-A', '2026-05-13', 500, '2026-05-13T20:00:00+03:00');
contacts('DEP-B', '2026-05-14', 800, '2026-05-14T20:00:00+03:00');
// Same occurredAt: the one that arrives last wins.
contacts('DEP-B', '2026-05-15', 300, '2026-05-15T20:00:00+03:00');
contacts('DEP-B', '2026-05-15', 350, '2026-05-15T20:00:00+03:00');
contacts('DEP-A', '2026-05-20', 999, '2026-05-20T20:00:00+03:00');

// A late event: it happened on the 11th and arrives last.
complaint('CMP-5', '2026-05-11T09:00:00+03:00', 'service_quality', 'DEP-A');

// Poison of several kinds.
const validComplaint = sent.find((message) => message.event?.type === 'ComplaintLogged')!.event!;
poison('crm', Buffer.from('{"eventId": '));
poison(
  'crm',
  Buffer.from(JSON.stringify({ ...validComplaint, eventId: randomUUID(), type: 'ComplaintClosed' })),
);
poison('crm', Buffer.from(JSON.stringify({ ...validComplaint, eventId: randomUUID(), schemaVersion: 2 })));
poison(
  'crm',
  Buffer.from(
    JSON.stringify({
      eventId: randomUUID(),
      type: 'SurveyAnswered',
      schemaVersion: 1,
      occurredAt: '2026-05-12T12:00:00+03:00',
      payload: { surveyId: 'SRV-X', customerId: 'CUST-X', csi: 7 },
    }),
  ),
);
poison('crm', Buffer.from([0x7b, 0xff, 0x7d]));
poison(
  'circles',
  Buffer.from(
    JSON.stringify({
      eventId: randomUUID(),
      type: 'CircleCompleted',
      schemaVersion: 1,
      streamId: 'circle-CX',
      streamVersion: 1,
      occurredAt: '2026-05-12T14:45:00+03:00',
      correlationId: 'c',
      causationId: null,
      actor: null,
      payload: { completedAt: '2026-05-12T14:45:00+03:00', leaderId: 'E1', attendeeIds: ['E9'] },
    }),
  ),
);
poison('ideas', Buffer.from('not json at all'));

const CRM_POISON = sent.filter((message) => message.topic === 'crm' && message.event === null).length;

// ---------------------------------------------------------------------------------------------
// An independent calculator: plain loops over what was sent (Moscow is UTC+3 all year)
// ---------------------------------------------------------------------------------------------

const moscowDate = (instant: string) =>
  new Date(Date.parse(instant) + 3 * 3_600_000).toISOString().slice(0, 10);

interface Expected {
  [field: string]: number | null | { low: number; high: number };
}

function expectedSummary(from: string, to: string, department: string | null): Expected {
  const events = sent.filter((message) => message.event !== null).map((message) => message.event!);
  const payload = (event: Json) => event.payload as Json;
  const of = (type: string) => events.filter((event) => event.type === type);
  const inPeriod = (date: string) => date >= from && date <= to;
  const inDepartment = (id: unknown) => department === null || id === department;
  const happened = (event: Json) => inPeriod(moscowDate(event.occurredAt as string));

  const complaints = of('ComplaintLogged').filter(
    (e) => happened(e) && inDepartment(payload(e).departmentId),
  );
  const gratitudes = of('GratitudeReceived').filter(
    (e) => happened(e) && inDepartment(payload(e).departmentId),
  );
  const surveys = of('SurveyAnswered').filter((e) => happened(e) && inDepartment(payload(e).departmentId));
  const csiAnswers = surveys.map((e) => payload(e).csi).filter((v): v is number => typeof v === 'number');
  const npsAnswers = surveys.map((e) => payload(e).nps).filter((v): v is number => typeof v === 'number');

  const latestContacts = new Map<string, Json>();
  for (const event of of('ContactsHandled')) {
    const key = `${String(payload(event).departmentId)}|${String(payload(event).date)}`;
    const current = latestContacts.get(key);
    if (!current || Date.parse(event.occurredAt as string) >= Date.parse(current.occurredAt as string)) {
      latestContacts.set(key, event);
    }
  }
  const contactsHandled = [...latestContacts.values()]
    .filter((e) => inPeriod(payload(e).date as string) && inDepartment(payload(e).departmentId))
    .reduce((total, e) => total + (payload(e).count as number), 0);

  const completed = new Map(
    of('CircleCompleted').map((e) => [payload(e).circleId as string, payload(e)] as const),
  );
  const circleInDepartment = (circleId: unknown) =>
    department === null ||
    ((completed.get(circleId as string)?.departmentIds as string[]) ?? []).includes(department);
  const circlesHeld = [...completed.values()].filter(
    (c) => inPeriod(moscowDate(c.completedAt as string)) && circleInDepartment(c.circleId),
  ).length;
  const situations = new Set(
    of('LeafletCompleted')
      .filter((e) => happened(e) && circleInDepartment(payload(e).circleId))
      .map((e) => payload(e).situationId),
  );
  const ideas = of('IdeaProposed').filter((e) => happened(e) && inDepartment(payload(e).authorDepartmentId));
  const buildOn = ideas.filter((e) => payload(e).parentIdeaId !== null).length;

  const latestPulse = new Map<string, Json>();
  for (const event of of('PulseAnswered')) {
    const key = `${String(payload(event).circleId)}|${String(payload(event).employeeId)}`;
    const current = latestPulse.get(key);
    if (!current || Date.parse(event.occurredAt as string) >= Date.parse(current.occurredAt as string)) {
      latestPulse.set(key, event);
    }
  }
  const pulses = [...latestPulse.values()].filter(
    (e) => happened(e) && circleInDepartment(payload(e).circleId),
  );

  const milestones = events.filter((e) => happened(e) && inDepartment(payload(e).departmentId));
  const ideasSubmitted = milestones.filter((e) => e.type === 'IdeaSubmitted').length;
  const improvements = milestones.filter(
    (e) => e.type === 'ImprovementImplemented' && payload(e).scope === 'contact_centre',
  ).length;

  // Employees as of the last day: the latest directory change on or before it.
  const lastChange = new Map<string, Json>();
  for (const event of events.filter((e) => String(e.type).startsWith('Employee'))) {
    if (moscowDate(event.occurredAt as string) > to) continue;
    const id = payload(event).employeeId as string;
    const current = lastChange.get(id);
    if (!current || Date.parse(event.occurredAt as string) >= Date.parse(current.occurredAt as string)) {
      lastChange.set(id, event);
    }
  }
  const active = [...lastChange.entries()]
    .filter(([, e]) => e.type !== 'EmployeeDeactivated' && inDepartment(payload(e).departmentId))
    .map(([id]) => id);
  const attendedOn = new Map<string, string[]>();
  const attend = (employeeId: string, date: string) =>
    attendedOn.set(employeeId, [...(attendedOn.get(employeeId) ?? []), date]);
  for (const c of completed.values()) {
    for (const id of [c.leaderId as string, ...(c.attendeeIds as string[])])
      attend(id, moscowDate(c.completedAt as string));
  }
  for (const e of of('AttendanceRecorded')) {
    const c = completed.get(payload(e).circleId as string);
    const date = moscowDate((c?.completedAt ?? e.occurredAt) as string);
    for (const attendee of payload(e).attendees as Json[]) attend(attendee.employeeId as string, date);
  }
  const engaged = active.filter((id) => (attendedOn.get(id) ?? []).some(inPeriod)).length;

  const share = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const interval = (values: number[], scale: (x: number) => number) => {
    if (values.length < 2) return null;
    const m = mean(values);
    const sd = Math.sqrt(values.reduce((total, v) => total + (v - m) ** 2, 0) / (values.length - 1));
    const margin = (1.96 * sd) / Math.sqrt(values.length);
    return { low: scale(m - margin), high: scale(m + margin) };
  };
  const csiScale = (x: number) => ((x - 1) / 4) * 100;
  const npsScores = npsAnswers.map((v) => (v >= 9 ? 1 : v <= 6 ? -1 : 0));
  const sq = complaints.filter((e) => payload(e).category === 'service_quality').length;

  return {
    circlesHeld,
    situationsDiscussed: situations.size,
    ideasProposed: ideas.length,
    ideasPerSituation: situations.size === 0 ? null : ideas.length / situations.size,
    ideasPerSituationSample: situations.size,
    buildOnShare: share(buildOn, ideas.length),
    buildOnShareSample: ideas.length,
    ideasSubmitted,
    improvementsImplemented: improvements,
    writtenThanks: gratitudes.filter((e) => payload(e).written === true).length,
    gratitudes: gratitudes.length,
    complaints: complaints.length,
    serviceQualityComplaintShare: share(sq, complaints.length),
    serviceQualityComplaintShareSample: complaints.length,
    contactsHandled,
    complaintsPer1000Contacts: contactsHandled === 0 ? null : (complaints.length * 1000) / contactsHandled,
    complaintsPer1000ContactsSample: contactsHandled,
    csi: csiAnswers.length === 0 ? null : csiScale(mean(csiAnswers)),
    csiSample: csiAnswers.length,
    csiConfidenceInterval: interval(csiAnswers, csiScale),
    csat: share(csiAnswers.filter((v) => v >= 4).length, csiAnswers.length),
    csatSample: csiAnswers.length,
    nps: npsScores.length === 0 ? null : mean(npsScores) * 100,
    npsSample: npsScores.length,
    npsConfidenceInterval: interval(npsScores, (x) => x * 100),
    surveyAnswers: surveys.length,
    practicalBenefitShare: share(
      pulses.filter((e) => payload(e).seesPracticalBenefit === true).length,
      pulses.length,
    ),
    practicalBenefitShareSample: pulses.length,
    engagementRate: share(engaged, active.length),
    engagementRateSample: active.length,
  };
}

/** Complaints of a category and of the others per 1000 contacts, N weeks before and after a change. */
function expectedOutcome(category: string, changedOn: string, weeks: number) {
  const events = sent.filter((message) => message.event !== null).map((message) => message.event!);
  const day = (date: string, shift: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + shift * 86_400_000).toISOString().slice(0, 10);
  const window = (from: string, to: string) => {
    const complaints = events.filter(
      (e) =>
        e.type === 'ComplaintLogged' &&
        moscowDate(e.occurredAt as string) >= from &&
        moscowDate(e.occurredAt as string) <= to,
    );
    const own = complaints.filter((e) => (e.payload as Json).category === category).length;
    const latest = new Map<string, Json>();
    for (const e of events.filter((e) => e.type === 'ContactsHandled')) {
      const p = e.payload as Json;
      const key = `${String(p.departmentId)}|${String(p.date)}`;
      const current = latest.get(key);
      if (!current || Date.parse(e.occurredAt as string) >= Date.parse(current.occurredAt as string))
        latest.set(key, e);
    }
    const contactsHandled = [...latest.values()]
      .map((e) => e.payload as Json)
      .filter((p) => (p.date as string) >= from && (p.date as string) <= to)
      .reduce((total, p) => total + (p.count as number), 0);
    const rate = (n: number) => (contactsHandled === 0 ? null : (1000 * n) / contactsHandled);
    return {
      from,
      to,
      categoryComplaints: own,
      otherComplaints: complaints.length - own,
      contactsHandled,
      categoryRate: rate(own),
      controlRate: rate(complaints.length - own),
    };
  };
  const before = window(day(changedOn, -7 * weeks), day(changedOn, -1));
  const after = window(day(changedOn, 1), day(changedOn, 7 * weeks));
  const did =
    before.categoryRate === null ||
    after.categoryRate === null ||
    before.controlRate === null ||
    after.controlRate === null
      ? null
      : after.categoryRate - before.categoryRate - (after.controlRate - before.controlRate);
  return { category, changedOn, weeks, before, after, differenceInDifferences: did };
}

const SUMMARY_FIELDS = Object.keys(expectedSummary('2026-05-11', '2026-05-17', null));
const SUMMARY_SELECTION = SUMMARY_FIELDS.map((field) =>
  field.endsWith('ConfidenceInterval') ? `${field} { low high }` : field,
).join(' ');

/** Exact for counts; floats to 9 decimals (the service sums in another order); intervals to 2 (z = 1.96 here). */
function expectFigures(actual: Json, expected: Expected): void {
  for (const [field, value] of Object.entries(expected)) {
    const got = actual[field];
    if (value === null || Number.isInteger(value)) {
      expect({ field, value: got }).toEqual({ field, value });
    } else if (typeof value === 'number') {
      expect(typeof got).toBe('number');
      expect(got as number).toBeCloseTo(value, 9);
    } else {
      const interval = got as { low: number; high: number };
      expect(interval.low).toBeCloseTo(value.low, 2);
      expect(interval.high).toBeCloseTo(value.high, 2);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The service under test
// ---------------------------------------------------------------------------------------------

describe('metrics service on Kafka and PostgreSQL', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let config: MetricsConfig;
  let metrics: MetricsRuntime;
  let app: INestApplication;
  let url: string;

  const identity = (roles: Role[]): Identity => ({
    subject: 'analyst-1',
    roles,
    departmentId: null,
    businessTime: null,
  });

  async function graphql(query: string, variables: Json = {}, roles: Role[] | null = ['analyst']) {
    const headers = roles === null ? {} : encodeIdentity(identity(roles), config.identitySecret);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Json | null; errors?: { extensions?: Json }[] };
  }

  async function summary(from: string, to: string, departmentId: string | null = null): Promise<Json> {
    const result = await graphql(
      `query ($from: Date!, $to: Date!, $departmentId: ID) {
         programSummary(from: $from, to: $to, departmentId: $departmentId) { ${SUMMARY_SELECTION} asOf }
       }`,
      { from, to, departmentId },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.programSummary as Json;
  }

  async function publish(): Promise<void> {
    for (const message of sent) {
      await producer.send({
        topic: config.topics[message.topic],
        messages: [{ key: message.key, value: message.bytes }],
      });
    }
  }

  /** Until every delivery (applied, duplicate or dead-lettered) of every message is accounted for. */
  async function processed(runtime: MetricsRuntime, deliveries: number): Promise<void> {
    await eventually(
      () => {
        const total = runtime.runtime.consumerRunners.reduce(
          (sum, runner) => sum + runner.stats.applied + runner.stats.duplicates + runner.stats.deadLettered,
          0,
        );
        return total >= deliveries ? true : undefined;
      },
      { timeoutMs: 90_000, what: `${deliveries} deliveries` },
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase('metrics');
    kafka = await testKafka('metrics-test');
    const suffix = uniqueSuffix();
    config = {
      ...loadMetricsConfig({ ...process.env, COMPANY_TIME_ZONE: 'Europe/Moscow' }),
      databaseUrl: db.url,
      port: 0,
      topicPartitions: 3,
      topics: {
        crm: uniqueTopic('crm.events.v1'),
        circles: uniqueTopic('circles.events.v1'),
        ideas: uniqueTopic('ideas.events.v1'),
      },
      consumerGroups: {
        crm: `metrics.crm.${suffix}`,
        circles: `metrics.circles.${suffix}`,
        ideas: `metrics.ideas.${suffix}`,
      },
    };
    metrics = createMetricsRuntime(config);
    await metrics.runtime.start();
    // Booting writes the committed SDL, as the service does in development.
    const schemaFile = fileURLToPath(new URL('../schema.graphql', import.meta.url));
    app = await NestFactory.create(MetricsModule.forRuntime(metrics, { schemaFile }), {
      logger: ['error'],
    });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    producer = kafka.producer();
    await producer.connect();
    // Every message twice: the second delivery must change nothing.
    await publish();
    await publish();
    await processed(metrics, sent.length * 2);
  }, 170_000);

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await metrics?.runtime.stop();
    await db?.drop();
  });

  it('returns exactly the independently computed figures of the whole programme', async () => {
    const figures = await summary('2026-05-11', '2026-05-17');
    expectFigures(figures, expectedSummary('2026-05-11', '2026-05-17', null));
    // A sanity check of the calculator itself on a few hand-counted figures.
    expect(figures).toMatchObject({ complaints: 6, contactsHandled: 1200 + 500 + 800 + 350, circlesHeld: 2 });
    expect(figures.asOf).toBe(new Date('2026-05-20T20:00:00+03:00').toISOString());
  });

  it('filters by department: CRM by the event, circles by attendance, ideas by author, engagement by staff', async () => {
    for (const department of ['DEP-A', 'DEP-B']) {
      expectFigures(
        await summary('2026-05-11', '2026-05-17', department),
        expectedSummary('2026-05-11', '2026-05-17', department),
      );
    }
  });

  it('buckets by company-local dates at the edges of a period', async () => {
    for (const [from, to] of [
      ['2026-05-12', '2026-05-12'],
      ['2026-05-13', '2026-05-15'],
      ['2026-05-18', '2026-05-31'],
      ['2026-05-01', '2026-05-10'],
    ] as const) {
      expectFigures(await summary(from, to), expectedSummary(from, to, null));
    }
  });

  it('gives null figures and zero samples for a period without data', async () => {
    const figures = await summary('2027-01-01', '2027-01-31');
    expect(figures).toMatchObject({
      complaints: 0,
      csi: null,
      csiSample: 0,
      nps: null,
      complaintsPer1000Contacts: null,
    });
  });

  it('puts the poison messages on <crm topic>.dlq with their reasons', async () => {
    const letters = await readTopic(kafka, `${config.topics.crm}.dlq`, CRM_POISON * 2);
    expect(letters).toHaveLength(CRM_POISON * 2);
    expect(new Set(letters.map((letter) => letter.headers[DLQ_HEADERS.reason]))).toEqual(
      new Set(['not_json', 'unknown_type', 'unsupported_version', 'invalid_payload', 'invalid_utf8']),
    );
    const circlesLetters = await readTopic(kafka, `${config.topics.circles}.dlq`, 2);
    expect(circlesLetters[0]?.headers[DLQ_HEADERS.reason]).toBe('invalid_payload');
  });

  it('gives a series per day, week and month that matches the calculator', async () => {
    const result = await graphql(`
      {
        metricSeries(metric: complaints, from: "2026-05-10", to: "2026-05-18", granularity: DAY) {
          periodStart
          value
          sampleSize
        }
      }
    `);
    const points = result.data!.metricSeries as {
      periodStart: string;
      value: number;
      sampleSize: number | null;
    }[];
    expect(points.map((point) => point.periodStart)).toHaveLength(9);
    for (const point of points) {
      expect(point.value).toBe(expectedSummary(point.periodStart, point.periodStart, null).complaints);
      expect(point.sampleSize).toBeNull();
    }
    const weekly = await graphql(`
      {
        metricSeries(
          metric: csi
          from: "2026-05-11"
          to: "2026-05-24"
          granularity: WEEK
          departmentId: "DEP-A"
        ) {
          periodStart
          value
          sampleSize
        }
      }
    `);
    const week = expectedSummary('2026-05-11', '2026-05-17', 'DEP-A');
    expect(weekly.data!.metricSeries).toEqual([
      { periodStart: '2026-05-11', value: expect.closeTo(week.csi as number, 9), sampleSize: week.csiSample },
      { periodStart: '2026-05-18', value: null, sampleSize: 0 },
    ]);
    const monthly = await graphql(`
      {
        metricSeries(metric: circlesHeld, from: "2026-04-15", to: "2026-05-31", granularity: MONTH) {
          periodStart
          value
        }
      }
    `);
    expect(monthly.data!.metricSeries).toEqual([
      { periodStart: '2026-04-01', value: 0 },
      { periodStart: '2026-05-01', value: 3 },
    ]);
  });

  it('compares departments and exports a series as CSV', async () => {
    const result = await graphql(`
      {
        departmentComparison(from: "2026-05-11", to: "2026-05-17", metric: complaints) {
          departmentId
          departmentName
          value
        }
      }
    `);
    expect(result.data!.departmentComparison).toEqual([
      { departmentId: 'DEP-A', departmentName: 'Урегулирование убытков', value: 3 },
      { departmentId: 'DEP-B', departmentName: 'Обслуживание клиентов', value: 2 },
    ]);
    const response = await fetch(
      `${url}/export/series.csv?metric=complaints&from=2026-05-11&to=2026-05-13&granularity=DAY`,
      { headers: encodeIdentity(identity(['analyst']), config.identitySecret) },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      'metric,periodStart,value,sampleSize\r\ncomplaints,2026-05-11,1,\r\ncomplaints,2026-05-12,1,\r\ncomplaints,2026-05-13,1,\r\n',
    );
    const forbidden = await fetch(
      `${url}/export/series.csv?metric=complaints&from=2026-05-11&to=2026-05-13&granularity=DAY`,
      {
        headers: encodeIdentity(identity(['participant']), config.identitySecret),
      },
    );
    expect(forbidden.status).toBe(403);
  });

  it('reports freshness: asOf, consumer groups and dead letters', async () => {
    const result = await graphql(`
      {
        freshness {
          asOf
          consumers {
            groupId
            deadLettered
            partitions {
              topic
              partition
              lag
            }
          }
        }
      }
    `);
    const freshness = result.data!.freshness as { consumers: { groupId: string; deadLettered: number }[] };
    expect(freshness.consumers.map((consumer) => [consumer.groupId, consumer.deadLettered])).toEqual([
      [config.consumerGroups.crm, CRM_POISON * 2],
      [config.consumerGroups.circles, 2],
      [config.consumerGroups.ideas, 2],
    ]);
  });

  it('offers BI tools read-only analytics views under the role hc_analyst', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE hc_analyst');
      const { rows } = await client.query<{ complaints: number; sq: number }>(
        `SELECT sum(complaints)::int AS complaints,
                sum(complaints) FILTER (WHERE category = 'service_quality')::int AS sq
         FROM analytics.complaints_daily WHERE local_date BETWEEN '2026-05-11' AND '2026-05-17'`,
      );
      expect(rows[0]).toEqual({ complaints: 6, sq: 3 });
      await client.query('SAVEPOINT denied');
      await expect(client.query('SELECT 1 FROM metrics.crm_complaints_daily')).rejects.toThrow(
        /permission denied/,
      );
      await client.query('ROLLBACK TO SAVEPOINT denied');
      await expect(client.query('DELETE FROM analytics.complaints_daily')).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('lets only analysts, coordinators and admins read', async () => {
    const query = '{ programSummary(from: "2026-05-11", to: "2026-05-17") { complaints } }';
    for (const roles of [['participant'], ['leader', 'integration']] as Role[][]) {
      expect((await graphql(query, {}, roles)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graphql(query, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const roles of [['coordinator'], ['admin']] as Role[][]) {
      expect((await graphql(query, {}, roles)).data?.programSummary).toEqual({ complaints: 6 });
    }
  });

  it('measures the outcome of an improvement and of a WOW solution against the other categories', async () => {
    const selection = `category changedOn weeks differenceInDifferences
      before { from to categoryComplaints otherComplaints contactsHandled categoryRate controlRate }
      after { from to categoryComplaints otherComplaints contactsHandled categoryRate controlRate }`;
    const improvement = await graphql(
      `{ changeOutcome(improvementIdeaId: "X2", weeks: 1) { ${selection} } }`,
    );
    const expected = expectedOutcome('service_quality', '2026-05-15', 1);
    expect(expected.before.categoryComplaints).toBeGreaterThan(0);
    expect(improvement.data!.changeOutcome).toEqual({
      ...expected,
      differenceInDifferences: expect.closeTo(expected.differenceInDifferences!, 9),
      before: {
        ...expected.before,
        categoryRate: expect.closeTo(expected.before.categoryRate!, 9),
        controlRate: expect.closeTo(expected.before.controlRate!, 9),
      },
      after: {
        ...expected.after,
        categoryRate: expect.closeTo(expected.after.categoryRate!, 9),
        controlRate: expect.closeTo(expected.after.controlRate!, 9),
      },
    });
    const wow = await graphql(`
      {
        changeOutcome(wowCircleId: "C1", wowSituationId: "S1", weeks: 2) {
          category
          changedOn
          before {
            categoryComplaints
          }
        }
      }
    `);
    expect(wow.data!.changeOutcome).toEqual({
      category: 'service_quality',
      changedOn: '2026-05-12',
      before: {
        categoryComplaints: expectedOutcome('service_quality', '2026-05-12', 2).before.categoryComplaints,
      },
    });
    const unknown = await graphql(`
      {
        changeOutcome(improvementIdeaId: "NOPE", weeks: 1) {
          category
        }
      }
    `);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const both = await graphql(`
      {
        changeOutcome(improvementIdeaId: "X2", wowCircleId: "C1", weeks: 1) {
          category
        }
      }
    `);
    expect(both.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'improvementIdeaId',
    });
    const weeks = await graphql(`
      {
        changeOutcome(improvementIdeaId: "X2", weeks: 0) {
          category
        }
      }
    `);
    expect(weeks.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'weeks' });
  });

  it('refuses a reversed period naming the argument', async () => {
    const result = await graphql('{ programSummary(from: "2026-05-17", to: "2026-05-11") { complaints } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('rebuilds every read model from the topics and switches over to equal figures', async () => {
    const periods = [
      ['2026-05-11', '2026-05-17', null],
      ['2026-05-11', '2026-05-17', 'DEP-A'],
      ['2026-05-11', '2026-05-17', 'DEP-B'],
      ['2026-05-01', '2026-05-31', null],
    ] as const;
    const before = await Promise.all(periods.map(([from, to, department]) => summary(from, to, department)));
    const schemaBefore = await db.pool.query<{ oid: number }>(
      `SELECT oid FROM pg_namespace WHERE nspname = 'metrics'`,
    );
    const rebuilding = rebuildReadModels(metrics.runtime.pool, metrics.runtime.kafka, config);
    // The live read models keep serving while the rebuild runs.
    const during = await summary(...periods[0]);
    await rebuilding;
    expect(during).toEqual(before[0]);
    const schemaAfter = await db.pool.query<{ oid: number }>(
      `SELECT oid FROM pg_namespace WHERE nspname = 'metrics'`,
    );
    expect(schemaAfter.rows[0]!.oid).not.toBe(schemaBefore.rows[0]!.oid);
    const after = await Promise.all(periods.map(([from, to, department]) => summary(from, to, department)));
    expect(after).toEqual(before);
    // The analytics views follow the new tables.
    const { rows } = await db.pool.query<{ complaints: number }>(
      `SELECT sum(complaints)::int AS complaints FROM analytics.complaints_daily WHERE local_date BETWEEN '2026-05-11' AND '2026-05-17'`,
    );
    expect(rows[0]!.complaints).toBe(6);
    // The live consumers go on applying new events to the rebuilt tables.
    complaint('CMP-9', '2026-05-13T09:00:00+03:00', 'billing', 'DEP-A');
    const last = sent.at(-1)!;
    await producer.send({ topic: config.topics.crm, messages: [{ key: last.key, value: last.bytes }] });
    await eventually(
      async () => ((await summary('2026-05-11', '2026-05-17')).complaints === 7 ? true : undefined),
      {
        what: 'the new complaint',
      },
    );
  });
});
