import { describe, expect, it } from '@jest/globals';
import { IDEA_STATUSES, type IdeaStatus } from '@hc/contracts';
import { isDomainError, type DecisionContext, type Identity } from '@hc/service-kit';
import { createIdeaDecider, type IdeaCommand, type IdeaCommandType } from './idea.decide.js';
import type { IdeaEvent } from './idea.events.js';
import type { IdeaState } from './idea.state.js';

const decider = createIdeaDecider('Europe/Moscow');
const NOW = new Date('2026-11-27T09:00:00Z');

const person = (subject: string, ...roles: Identity['roles']): Identity => ({
  subject,
  roles,
  departmentId: 'DEP-CC',
  businessTime: null,
});
const PROPOSER = person('EMP-1', 'participant');
const COORDINATOR = person('COORD-1', 'coordinator');
const OWNER = person('EMP-7', 'participant');
const OTHER = person('EMP-9', 'leader');

const IDEA_ID = 'idea-1';

const registered: IdeaEvent = {
  type: 'IdeaRegistered',
  data: {
    ideaId: IDEA_ID,
    title: 'Перезванивать клиенту в тот же день',
    description: 'Обещанный обратный звонок ставится в план смены',
    origin: {
      kind: 'circle_proposal',
      circleId: 'circle-1',
      leafletId: 'leaflet-1',
      situationId: 'situation-1',
      sourceEventId: 'source-1',
      complaintIds: ['CMP-1', 'CMP-2'],
      category: 'service_quality',
    },
    proposedBy: PROPOSER.subject,
    departmentId: 'DEP-CC',
  },
};
const e = {
  review: { type: 'IdeaReviewStarted', data: { ideaId: IDEA_ID, reviewerId: 'COORD-1' } },
  approve: {
    type: 'IdeaApproved',
    data: { ideaId: IDEA_ID, scope: 'contact_centre', targetDepartmentId: null, approvedBy: 'COORD-1' },
  },
  owner: {
    type: 'IdeaOwnerAssigned',
    data: { ideaId: IDEA_ID, ownerId: OWNER.subject, dueDate: '2026-12-10', assignedBy: 'COORD-1' },
  },
  start: { type: 'IdeaImplementationStarted', data: { ideaId: IDEA_ID, startedBy: 'EMP-7' } },
  implemented: {
    type: 'ImprovementImplemented',
    data: {
      ideaId: IDEA_ID,
      scope: 'contact_centre',
      description: 'Готово',
      departmentId: 'DEP-CC',
      category: 'service_quality',
      complaintIds: ['CMP-1', 'CMP-2'],
      implementedBy: 'EMP-7',
    },
  },
  rejected: { type: 'IdeaRejected', data: { ideaId: IDEA_ID, reason: 'Дорого', rejectedBy: 'COORD-1' } },
  deferred: {
    type: 'IdeaDeferred',
    data: { ideaId: IDEA_ID, reason: 'После релиза', revisitOn: '2026-11-20', deferredBy: 'COORD-1' },
  },
  withdrawn: {
    type: 'IdeaWithdrawn',
    data: { ideaId: IDEA_ID, reason: 'Неактуально', withdrawnBy: 'EMP-1' },
  },
  merged: { type: 'IdeaMergedInto', data: { ideaId: IDEA_ID, targetIdeaId: 'idea-0', mergedBy: 'COORD-1' } },
} satisfies Record<string, IdeaEvent>;

/** A history that leaves the idea in each status (an owner is assigned where it can be). */
const HISTORY: Record<IdeaStatus, IdeaEvent[]> = {
  proposed: [registered],
  under_review: [registered, e.review],
  approved: [registered, e.review, e.approve, e.owner],
  in_progress: [registered, e.review, e.approve, e.owner, e.start],
  implemented: [registered, e.review, e.approve, e.owner, e.start, e.implemented],
  rejected: [registered, e.rejected],
  deferred: [registered, e.deferred],
  withdrawn: [registered, e.withdrawn],
  merged: [registered, e.merged],
};

const given = (events: IdeaEvent[]): IdeaState =>
  events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
const when = (events: IdeaEvent[], command: IdeaCommand, actor: Identity | null = COORDINATOR, now = NOW) =>
  decider.decide(command, given(events), { now, actor } satisfies DecisionContext);

type Case = {
  command: IdeaCommand;
  actor: Identity;
  legalFrom: IdeaStatus[];
  emits: IdeaEvent['type'][];
  /** Status after the transition (unchanged for non-lifecycle commands). */
  then: IdeaStatus | 'same';
  verb: string;
};

// The lifecycle, written out: what each command is legal from, what it emits, where it leads.
const CASES: Record<Exclude<IdeaCommandType, 'RegisterIdea'>, Case> = {
  StartReview: {
    command: { type: 'StartReview' },
    actor: COORDINATOR,
    legalFrom: ['proposed'],
    emits: ['IdeaReviewStarted'],
    then: 'under_review',
    verb: 'taken into review',
  },
  ApproveIdea: {
    command: { type: 'ApproveIdea', scope: 'contact_centre', targetDepartmentId: null },
    actor: COORDINATOR,
    legalFrom: ['under_review'],
    emits: ['IdeaApproved'],
    then: 'approved',
    verb: 'approved',
  },
  StartImplementation: {
    command: { type: 'StartImplementation' },
    actor: OWNER,
    legalFrom: ['approved'],
    emits: ['IdeaImplementationStarted'],
    then: 'in_progress',
    verb: 'taken into implementation',
  },
  CompleteImplementation: {
    command: { type: 'CompleteImplementation', description: 'Звонки в плане смены' },
    actor: OWNER,
    legalFrom: ['in_progress'],
    emits: ['ImprovementImplemented'],
    then: 'implemented',
    verb: 'marked implemented',
  },
  RejectIdea: {
    command: { type: 'RejectIdea', reason: 'Нет бюджета' },
    actor: COORDINATOR,
    legalFrom: ['proposed', 'under_review', 'deferred'],
    emits: ['IdeaRejected'],
    then: 'rejected',
    verb: 'rejected',
  },
  DeferIdea: {
    command: { type: 'DeferIdea', reason: 'После перехода на новую АТС', revisitOn: '2027-02-01' },
    actor: COORDINATOR,
    legalFrom: ['proposed', 'under_review', 'approved'],
    emits: ['IdeaDeferred'],
    then: 'deferred',
    verb: 'deferred',
  },
  ReturnToReview: {
    command: { type: 'ReturnToReview' },
    actor: COORDINATOR,
    legalFrom: ['deferred'],
    emits: ['IdeaReturnedToReview'],
    then: 'under_review',
    verb: 'returned to review',
  },
  WithdrawIdea: {
    command: { type: 'WithdrawIdea', reason: 'Уже сделали иначе' },
    actor: PROPOSER,
    legalFrom: ['proposed', 'under_review', 'deferred'],
    emits: ['IdeaWithdrawn'],
    then: 'withdrawn',
    verb: 'withdrawn',
  },
  AssignOwner: {
    command: { type: 'AssignOwner', ownerId: 'EMP-8', dueDate: '2026-12-31' },
    actor: COORDINATOR,
    legalFrom: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
    emits: ['IdeaOwnerAssigned'],
    then: 'same',
    verb: 'given an owner',
  },
  SupportIdea: {
    command: { type: 'SupportIdea' },
    actor: OTHER,
    legalFrom: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
    emits: ['IdeaSupported'],
    then: 'same',
    verb: 'supported',
  },
  CommentOnIdea: {
    command: { type: 'CommentOnIdea', commentId: 'c-1', text: 'Поддерживаю' },
    actor: OTHER,
    legalFrom: ['proposed', 'under_review', 'approved', 'in_progress', 'implemented', 'rejected', 'deferred'],
    emits: ['IdeaCommented'],
    then: 'same',
    verb: 'commented on',
  },
  AbsorbIdea: {
    command: { type: 'AbsorbIdea', mergedIdeaId: 'idea-2' },
    actor: COORDINATOR,
    legalFrom: ['proposed', 'under_review', 'approved', 'in_progress', 'deferred'],
    emits: ['IdeasMerged'],
    then: 'same',
    verb: 'merged with another idea',
  },
  MergeIntoIdea: {
    command: { type: 'MergeIntoIdea', targetIdeaId: 'idea-0' },
    actor: COORDINATOR,
    legalFrom: ['proposed', 'under_review', 'deferred'],
    emits: ['IdeaMergedInto'],
    then: 'merged',
    verb: 'merged into another idea',
  },
};

const TABLE = Object.entries(CASES).flatMap(([name, spec]) =>
  IDEA_STATUSES.map((from) => ({ name, from, legal: spec.legalFrom.includes(from), spec })),
);

describe('idea lifecycle', () => {
  it.each(TABLE.filter((row) => row.legal))('$name from $from is legal', ({ from, spec }) => {
    const events = when(HISTORY[from], spec.command, spec.actor);
    if (isDomainError(events)) throw new Error(`expected events, got ${events.code}: ${events.message}`);
    expect(events.map((event) => event.type)).toEqual(spec.emits);
    const after = given([...HISTORY[from], ...events]);
    expect(after.exists && after.status).toBe(spec.then === 'same' ? from : spec.then);
  });

  it.each(TABLE.filter((row) => !row.legal))('$name from $from is refused', ({ from, spec }) => {
    expect(when(HISTORY[from], spec.command, spec.actor)).toEqual({
      code: 'CONFLICT',
      message: `Idea is ${from.replace('_', ' ')}; it cannot be ${spec.verb}`,
    });
  });

  it('names the current state in a refusal', () => {
    const refusal = when(HISTORY.rejected, CASES.ApproveIdea.command);
    expect(refusal).toEqual({ code: 'CONFLICT', message: 'Idea is rejected; it cannot be approved' });
  });

  it('refuses any command on an idea that does not exist', () => {
    expect(when([], { type: 'StartReview' })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('registering an idea', () => {
  const command = { type: 'RegisterIdea', ...registered.data } as IdeaCommand;

  it('records a direct proposal of an employee', () => {
    expect(when([], command, PROPOSER)).toEqual([registered]);
  });

  it('takes a circle proposal in without a caller', () => {
    expect(when([], command, null)).toEqual([registered]);
  });

  it('registers nothing again for the same source event', () => {
    expect(when([registered], command, null)).toEqual([]);
  });

  it('refuses another registration under the same id', () => {
    const other = { ...registered.data, origin: { ...registered.data.origin, sourceEventId: 'source-2' } };
    expect(when([registered], { type: 'RegisterIdea', ...other }, null)).toMatchObject({ code: 'CONFLICT' });
  });

  it.each([
    ['title', { title: '  ' }],
    ['title', { title: 'я'.repeat(201) }],
    ['description', { description: '' }],
  ])('names the invalid field %s', (field, change) => {
    expect(when([], { ...(command as object), ...change } as IdeaCommand, PROPOSER)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
  });

  it('refuses callers without an employee role', () => {
    expect(when([], command, person('svc', 'integration'))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('approval scope', () => {
  const underReview = HISTORY.under_review;

  it('submits an idea for another department: IdeaSubmitted records the target', () => {
    const events = when(underReview, {
      type: 'ApproveIdea',
      scope: 'other_department',
      targetDepartmentId: 'DEP-IT',
    });
    expect(events).toEqual([
      {
        type: 'IdeaApproved',
        data: {
          ideaId: IDEA_ID,
          scope: 'other_department',
          targetDepartmentId: 'DEP-IT',
          approvedBy: 'COORD-1',
        },
      },
      {
        type: 'IdeaSubmitted',
        data: {
          ideaId: IDEA_ID,
          targetDepartmentId: 'DEP-IT',
          departmentId: 'DEP-CC',
          category: 'service_quality',
          submittedBy: 'COORD-1',
        },
      },
    ]);
  });

  it('needs the target department for other_department, and none inside the contact centre', () => {
    expect(
      when(underReview, { type: 'ApproveIdea', scope: 'other_department', targetDepartmentId: null }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetDepartmentId' });
    expect(
      when(underReview, { type: 'ApproveIdea', scope: 'contact_centre', targetDepartmentId: 'DEP-IT' }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetDepartmentId' });
  });

  it('implementation describes the change and carries the trace to the complaints', () => {
    const events = when(
      HISTORY.in_progress,
      { type: 'CompleteImplementation', description: '  Новый регламент  ' },
      OWNER,
    );
    expect(events).toEqual([
      {
        type: 'ImprovementImplemented',
        data: {
          ideaId: IDEA_ID,
          scope: 'contact_centre',
          description: 'Новый регламент',
          departmentId: 'DEP-CC',
          category: 'service_quality',
          complaintIds: ['CMP-1', 'CMP-2'],
          implementedBy: 'EMP-7',
        },
      },
    ]);
    expect(
      when(HISTORY.in_progress, { type: 'CompleteImplementation', description: ' ' }, OWNER),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'description',
    });
  });
});

describe('roles', () => {
  it.each(['StartReview', 'ApproveIdea', 'RejectIdea', 'DeferIdea', 'AssignOwner', 'AbsorbIdea'] as const)(
    'only a coordinator may %s',
    (name) => {
      const from = CASES[name].legalFrom[0]!;
      expect(when(HISTORY[from], CASES[name].command, PROPOSER)).toMatchObject({ code: 'FORBIDDEN' });
      expect(when(HISTORY[from], CASES[name].command, person('ADM', 'admin'))).not.toHaveProperty('code');
    },
  );

  it('the owner or a coordinator moves an idea through implementation, nobody else', () => {
    expect(when(HISTORY.approved, { type: 'StartImplementation' }, OTHER)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(when(HISTORY.approved, { type: 'StartImplementation' }, COORDINATOR)).not.toHaveProperty('code');
    expect(
      when(HISTORY.in_progress, { type: 'CompleteImplementation', description: 'x' }, OTHER),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('only the proposer withdraws', () => {
    const command: IdeaCommand = { type: 'WithdrawIdea', reason: 'не нужно' };
    expect(when(HISTORY.proposed, command, COORDINATOR)).toMatchObject({ code: 'FORBIDDEN' });
    expect(when(HISTORY.proposed, command, PROPOSER)).not.toHaveProperty('code');
  });

  it('refuses people commands without a caller', () => {
    expect(when(HISTORY.proposed, { type: 'SupportIdea' }, null)).toMatchObject({ code: 'FORBIDDEN' });
    expect(when(HISTORY.proposed, { type: 'StartReview' }, null)).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('follow-up', () => {
  it('counts each supporter once', () => {
    const supported = when(HISTORY.proposed, { type: 'SupportIdea' }, OTHER);
    if (isDomainError(supported)) throw new Error(supported.message);
    expect(when([...HISTORY.proposed, ...supported], { type: 'SupportIdea' }, OTHER)).toEqual([]);
    expect(when([...HISTORY.proposed, ...supported], { type: 'SupportIdea' }, PROPOSER)).toHaveLength(1);
  });

  it('validates reasons and dates, naming the field', () => {
    expect(when(HISTORY.proposed, { type: 'RejectIdea', reason: '' })).toMatchObject({ field: 'reason' });
    expect(when(HISTORY.proposed, { type: 'DeferIdea', reason: 'x', revisitOn: '2027-02-30' })).toMatchObject(
      {
        field: 'revisitOn',
      },
    );
    expect(when(HISTORY.proposed, { type: 'DeferIdea', reason: 'x', revisitOn: '2026-11-27' })).toMatchObject(
      {
        code: 'BAD_USER_INPUT',
        field: 'revisitOn',
        message: 'must be after today',
      },
    );
    expect(
      when(HISTORY.proposed, { type: 'AssignOwner', ownerId: 'EMP-8', dueDate: '2026-11-26' }),
    ).toMatchObject({
      field: 'dueDate',
    });
    expect(when(HISTORY.proposed, { type: 'AssignOwner', ownerId: '', dueDate: '2026-12-01' })).toMatchObject(
      {
        field: 'ownerId',
      },
    );
  });

  it('reads today in company-local time', () => {
    // 22:30 UTC on the 27th is already the 28th in Moscow.
    const lateEvening = new Date('2026-11-27T22:30:00Z');
    const command: IdeaCommand = { type: 'AssignOwner', ownerId: 'EMP-8', dueDate: '2026-11-27' };
    expect(when(HISTORY.proposed, command, COORDINATOR, lateEvening)).toMatchObject({ field: 'dueDate' });
    expect(when(HISTORY.proposed, command, COORDINATOR, NOW)).not.toHaveProperty('code');
  });

  it('returns a deferred idea to review only once its revisit date has come', () => {
    const deferredLater = [
      registered,
      { ...e.deferred, data: { ...e.deferred.data, revisitOn: '2026-12-15' } },
    ];
    expect(when(deferredLater, { type: 'ReturnToReview' }, null)).toMatchObject({
      code: 'CONFLICT',
      message: 'Idea is deferred until 2026-12-15; it is not due for review yet',
    });
    expect(when(deferredLater, { type: 'ReturnToReview' }, null, new Date('2026-12-15T06:00:00Z'))).toEqual([
      { type: 'IdeaReturnedToReview', data: { ideaId: IDEA_ID, reason: 'revisit date 2026-12-15 reached' } },
    ]);
  });

  it('an idea cannot be merged into itself', () => {
    expect(when(HISTORY.proposed, { type: 'AbsorbIdea', mergedIdeaId: IDEA_ID })).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
