import { describe, expect, it } from '@jest/globals';
import type { EventEnvelope, PlainObject } from '@hc/contracts';
import { ideaIdFromSourceEvent } from '../idea/idea-id.js';
import { CONTACT_CENTRE_DEPARTMENT_ID, intakeCommand } from './circles-intake.consumer.js';

const envelope = (type: string, payload: PlainObject, eventId = '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f') =>
  ({
    eventId,
    type,
    schemaVersion: 1,
    streamId: 'circle-c1',
    streamVersion: 7,
    occurredAt: '2027-03-01T12:00:00+03:00',
    correlationId: 'corr-1',
    causationId: null,
    actor: { id: 'LEAD-1', roles: ['leader'] },
    payload,
  }) satisfies EventEnvelope<string, PlainObject>;

const proposal = {
  circleId: 'c1',
  situationId: 's1',
  leafletId: 'l1',
  proposalId: 'l1-q1',
  text: `Дать операторам доступ к статусу доставки\n${'подробности '.repeat(30)}`,
  category: 'claims',
  complaintIds: ['CMP-1'],
  proposedBy: 'EMP-1',
  departmentId: 'DEP-CC',
};

describe('circles intake', () => {
  it('turns an additional question into an idea keeping its whole origin', () => {
    const command = intakeCommand(envelope('ImprovementProposed', proposal));
    expect(command).toEqual({
      type: 'RegisterIdea',
      ideaId: ideaIdFromSourceEvent('0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f'),
      title: 'Дать операторам доступ к статусу доставки',
      description: proposal.text.trim(),
      origin: {
        kind: 'circle_proposal',
        circleId: 'c1',
        leafletId: 'l1',
        situationId: 's1',
        sourceEventId: '0196c9a1-7e2b-7c4d-9a0e-2f1b3c4d5e6f',
        complaintIds: ['CMP-1'],
        category: 'claims',
      },
      proposedBy: 'EMP-1',
      departmentId: 'DEP-CC',
    });
  });

  it('derives the same idea id from the same source event, and another from another', () => {
    const id = ideaIdFromSourceEvent('event-1');
    expect(ideaIdFromSourceEvent('event-1')).toBe(id);
    expect(ideaIdFromSourceEvent('event-2')).not.toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('shortens a long first line to a title of at most 200 characters', () => {
    const command = intakeCommand(envelope('ImprovementProposed', { ...proposal, text: 'я'.repeat(300) }));
    expect([...command!.title]).toHaveLength(200);
    expect(command!.title.endsWith('…')).toBe(true);
  });

  it('takes in a WOW solution only when it needs a change', () => {
    const wow = {
      circleId: 'c1',
      situationId: 's1',
      ideaIds: ['i1'],
      wording: 'Перезванивать сразу после решения',
      needsChange: true,
      category: 'billing',
    };
    expect(intakeCommand(envelope('WowSolutionChosen', wow))).toMatchObject({
      title: 'Перезванивать сразу после решения',
      origin: {
        kind: 'wow_solution',
        circleId: 'c1',
        leafletId: null,
        situationId: 's1',
        category: 'billing',
      },
      proposedBy: 'LEAD-1',
      departmentId: CONTACT_CENTRE_DEPARTMENT_ID,
    });
    expect(intakeCommand(envelope('WowSolutionChosen', { ...wow, needsChange: false }))).toBeNull();
  });

  it.each(['LeafletCompleted', 'IdeaProposed', 'CircleCompleted', 'SituationRegistered'])(
    'ignores %s',
    (type) => {
      expect(intakeCommand(envelope(type, {}))).toBeNull();
    },
  );
});
