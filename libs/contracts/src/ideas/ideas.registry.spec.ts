import { describe, expect, it } from '@jest/globals';
import type { IdeasEventPayloads, IdeasEventType } from './ideas.events.js';
import { IDEAS_EVENT_TYPES, decodeIdeasEvent, ideasEventRegistry } from './ideas.registry.js';

const origin = {
  kind: 'circle_proposal',
  circleId: 'circle-1',
  leafletId: 'leaflet-1',
  situationId: 'situation-1',
  sourceEventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
  complaintIds: ['CMP-1001', 'CMP-1002'],
  category: 'billing',
} as const;

const samples: { [T in IdeasEventType]: IdeasEventPayloads[T] } = {
  IdeaRegistered: {
    ideaId: 'idea-1',
    title: 'Перезванивать клиенту в тот же день',
    description: 'Если оператор обещал перезвонить, звонок ставится в план смены.',
    origin: { ...origin, complaintIds: [...origin.complaintIds] },
    proposedBy: 'EMP-1',
    departmentId: 'DEP-1',
  },
  IdeaReviewStarted: { ideaId: 'idea-1', reviewerId: 'EMP-2' },
  IdeaApproved: {
    ideaId: 'idea-1',
    scope: 'other_department',
    targetDepartmentId: 'DEP-9',
    approvedBy: 'EMP-2',
  },
  IdeaSubmitted: {
    ideaId: 'idea-1',
    targetDepartmentId: 'DEP-9',
    departmentId: 'DEP-1',
    category: null,
    submittedBy: 'EMP-2',
  },
  IdeaImplementationStarted: { ideaId: 'idea-1', startedBy: 'EMP-3' },
  ImprovementImplemented: {
    ideaId: 'idea-1',
    scope: 'contact_centre',
    description: 'Обратные звонки в плане смены',
    departmentId: 'DEP-1',
    category: 'billing',
    complaintIds: [],
    implementedBy: 'EMP-3',
  },
  IdeaRejected: { ideaId: 'idea-1', reason: 'Дорого', rejectedBy: 'EMP-2' },
  IdeaDeferred: { ideaId: 'idea-1', reason: 'После релиза', revisitOn: '2026-12-01', deferredBy: 'EMP-2' },
  IdeaReturnedToReview: { ideaId: 'idea-1', reason: 'revisit date reached' },
  IdeaWithdrawn: { ideaId: 'idea-1', reason: 'Уже не актуально', withdrawnBy: 'EMP-1' },
  IdeaOwnerAssigned: { ideaId: 'idea-1', ownerId: 'EMP-3', dueDate: '2026-12-15', assignedBy: 'EMP-2' },
  IdeaSupported: { ideaId: 'idea-1', employeeId: 'EMP-4' },
  IdeaCommented: { ideaId: 'idea-1', commentId: 'c-1', authorId: 'EMP-4', text: 'Поддерживаю' },
  IdeasMerged: { ideaId: 'idea-1', mergedIdeaId: 'idea-2', mergedBy: 'EMP-2' },
  IdeaMergedInto: { ideaId: 'idea-2', targetIdeaId: 'idea-1', mergedBy: 'EMP-2' },
};

function envelope(type: string, payload: unknown): Buffer {
  return Buffer.from(
    JSON.stringify({
      eventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
      type,
      schemaVersion: 1,
      streamId: 'idea-idea-1',
      streamVersion: 1,
      occurredAt: '2026-05-14T10:22:00+03:00',
      correlationId: 'req-1',
      causationId: null,
      actor: { id: 'EMP-1', roles: ['participant'] },
      payload,
    }),
  );
}

describe('ideasEventRegistry', () => {
  it('registers every ideas event type at schema version 1', () => {
    expect(ideasEventRegistry.types()).toEqual(IDEAS_EVENT_TYPES.map((type) => ({ type, schemaVersion: 1 })));
    expect(IDEAS_EVENT_TYPES).toHaveLength(15);
  });

  it.each(IDEAS_EVENT_TYPES)('a sample %s validates and decodes', (type) => {
    expect(() => ideasEventRegistry.assertValidPayload(type, samples[type])).not.toThrow();
    const result = decodeIdeasEvent(envelope(type, samples[type]));
    expect(result).toMatchObject({ ok: true, value: { type, payload: samples[type] } });
  });

  it('validates the nested origin', () => {
    const payload = { ...samples.IdeaRegistered, origin: { ...origin, kind: 'rumour', complaintIds: [''] } };
    const result = decodeIdeasEvent(envelope('IdeaRegistered', payload));
    expect(result).toMatchObject({ ok: false, reason: 'invalid_payload' });
    if (!result.ok) {
      expect(result.detail).toContain('payload.origin.kind: must be one of');
      expect(result.detail).toContain('payload.origin.complaintIds: must be an array of identifiers');
    }
  });

  it('rejects a missing origin, unknown fields and nulls where a value is required', () => {
    const { origin: _origin, ...withoutOrigin } = samples.IdeaRegistered;
    expect(decodeIdeasEvent(envelope('IdeaRegistered', withoutOrigin))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('payload.origin: is required') as unknown,
    });
    expect(
      decodeIdeasEvent(envelope('IdeaSupported', { ...samples.IdeaSupported, weight: 3 })),
    ).toMatchObject({
      ok: false,
      detail: expect.stringContaining('payload.weight: is not an allowed field') as unknown,
    });
    expect(
      decodeIdeasEvent(envelope('IdeaSubmitted', { ...samples.IdeaSubmitted, targetDepartmentId: null })),
    ).toMatchObject({ ok: false, reason: 'invalid_payload' });
    expect(
      decodeIdeasEvent(envelope('IdeaDeferred', { ...samples.IdeaDeferred, revisitOn: '2026-02-30' })),
    ).toMatchObject({ ok: false, detail: expect.stringContaining('payload.revisitOn') as unknown });
  });

  it('accepts null origin fields of a direct idea', () => {
    const direct = {
      ...samples.IdeaRegistered,
      origin: {
        kind: 'direct',
        circleId: null,
        leafletId: null,
        situationId: null,
        sourceEventId: null,
        complaintIds: [],
        category: null,
      },
    };
    expect(decodeIdeasEvent(envelope('IdeaRegistered', direct))).toMatchObject({ ok: true });
  });
});
