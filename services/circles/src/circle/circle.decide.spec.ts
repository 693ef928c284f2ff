import { event } from '../domain.js';
import { NOW, decideAfter, eventsOf, identity, stateAfter } from '../testing/decider-harness.js';
import { circleDecider, rosterWarning, type CircleCommand, type PlannedMinutes } from './circle.decide.js';
import type { CircleEvent } from './circle.state.js';

const planned: PlannedMinutes = {
  preparation: 3,
  standard_solution: 5,
  exchange_of_opinions: 15,
  wow_solution: 5,
};
const coordinator = identity('coord-1', 'coordinator');
const leader = identity('lead-1', 'leader');
const participant = (n: number) => identity(`emp-${n}`, 'participant');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const scheduled = event('CircleScheduled', {
  circleId: 'c-1',
  scheduledAt: '2026-05-14T13:00:00+03:00',
  isoWeek: '2026-W20',
  leaderId: 'lead-1',
  leaderDepartmentId: 'd-lead',
  scheduledBy: 'coord-1',
  situationIds: ['s-1'],
});
const joined = (n: number) =>
  event('ParticipantJoined', { circleId: 'c-1', employeeId: `emp-${n}`, departmentId: `d-${n % 2}` });
const roster = [scheduled, joined(1), joined(2), joined(3), joined(4)];
const stageStarted = (
  stage: 'preparation' | 'standard_solution' | 'exchange_of_opinions' | 'wow_solution',
  minute = 0,
) =>
  event('StageStarted', {
    circleId: 'c-1',
    situationId: 's-1',
    stage,
    startedAt: at(minute).toISOString(),
    plannedMinutes: planned[stage],
    deadline: at(minute + planned[stage]).toISOString(),
  });
const started = [
  ...roster,
  event('CircleStarted', { circleId: 'c-1', startedAt: NOW.toISOString() }),
  stageStarted('preparation'),
];
const inBrainstorm = [...started, stageStarted('exchange_of_opinions')];
const idea = (id: string, author: number, parentIdeaId: string | null = null) =>
  event('IdeaProposed', {
    circleId: 'c-1',
    situationId: 's-1',
    ideaId: id,
    authorId: `emp-${author}`,
    authorDepartmentId: `d-${author % 2}`,
    text: `Идея ${id}`,
    parentIdeaId,
  });
const inWowStage = [...inBrainstorm, idea('i-1', 1), idea('i-2', 2, 'i-1'), stageStarted('wow_solution')];
const wowChosen = event('WowSolutionChosen', {
  circleId: 'c-1',
  situationId: 's-1',
  ideaIds: ['i-1', 'i-2'],
  wording: 'Перезвонить клиенту самим',
  needsChange: false,
  category: 'service_quality',
});

function run(given: CircleEvent[], command: CircleCommand, actor = leader, now = NOW) {
  return decideAfter(circleDecider, given, command, { actor, now });
}

describe('circle decider', () => {
  describe('ScheduleCircle', () => {
    const command: CircleCommand = {
      type: 'ScheduleCircle',
      circleId: 'c-1',
      scheduledAt: '2026-05-14T13:00:00+03:00',
      isoWeek: '2026-W20',
      leader: { employeeId: 'lead-1', departmentId: 'd-lead', leaderEligible: true, active: true },
      situations: [{ situationId: 's-1', status: 'open', category: 'service_quality', complaintIds: [] }],
    };

    it('schedules with an eligible leader and an open situation', () => {
      expect(run([], command, coordinator)).toEqual([scheduled]);
    });

    it('is for coordinators only', () => {
      expect(run([], command, participant(1))).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('refuses a leader who is not leader-eligible', () => {
      const ineligible = { ...command, leader: { ...command.leader!, leaderEligible: false } };
      expect(run([], ineligible, coordinator)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'leaderId' });
    });

    it('refuses three situations and a situation that is not open', () => {
      const open = command.situations[0]!;
      const three = {
        ...command,
        situations: [open, { ...open, situationId: 's-2' }, { ...open, situationId: 's-3' }],
      };
      expect(run([], three, coordinator)).toMatchObject({ field: 'situationIds' });
      const archived = { ...command, situations: [{ ...open, status: 'archived' as const }] };
      expect(run([], archived, coordinator)).toMatchObject({ field: 'situationIds[0]' });
    });
  });

  describe('roster', () => {
    it('lets an employee join by their own act, up to seven participants', () => {
      expect(run([scheduled], { type: 'JoinCircle', departmentId: 'd-1' }, participant(1))).toEqual([
        event('ParticipantJoined', { circleId: 'c-1', employeeId: 'emp-1', departmentId: 'd-1' }),
      ]);
      const full = [scheduled, ...[1, 2, 3, 4, 5, 6, 7].map(joined)];
      expect(run(full, { type: 'JoinCircle', departmentId: 'd-8' }, participant(8))).toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('refuses joining twice', () => {
      expect(
        run([scheduled, joined(1)], { type: 'JoinCircle', departmentId: 'd-1' }, participant(1)),
      ).toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('flags rosters outside 4–5 participants without refusing them', () => {
      const state = (given: CircleEvent[]) => stateAfter(circleDecider, given);
      expect(rosterWarning(state([scheduled, joined(1), joined(2), joined(3)]))).toBe(true);
      expect(rosterWarning(state(roster))).toBe(false);
    });

    it('lets the leader invite an active employee, once', () => {
      const invite: CircleCommand = { type: 'InviteParticipant', employeeId: 'emp-9', employeeActive: true };
      const invited = eventsOf(run([scheduled], invite));
      expect(invited).toEqual([
        event('ParticipantInvited', { circleId: 'c-1', employeeId: 'emp-9', invitedBy: 'lead-1' }),
      ]);
      expect(run([scheduled, ...invited], invite)).toEqual([]);
      expect(run([scheduled], invite, participant(1))).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('stages', () => {
    it('starts with the preparation of the first situation and its deadline', () => {
      expect(run(roster, { type: 'StartCircle', plannedMinutes: planned })).toEqual(
        started.slice(roster.length),
      );
    });

    it('needs three participants to start', () => {
      expect(
        run([scheduled, joined(1), joined(2)], { type: 'StartCircle', plannedMinutes: planned }),
      ).toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('advances in order, recording the overrun in seconds', () => {
      const events = eventsOf(run(started, { type: 'AdvanceStage', plannedMinutes: planned }, leader, at(4)));
      expect(events.map((e) => e.type)).toEqual(['StageCompleted', 'StageStarted']);
      expect(events[0]!.data).toMatchObject({ stage: 'preparation', overrunSeconds: 60 });
      expect(events[1]!.data).toMatchObject({
        stage: 'standard_solution',
        plannedMinutes: 5,
        deadline: at(9).toISOString(),
      });
    });

    it('lets only the leader advance', () => {
      expect(run(started, { type: 'AdvanceStage', plannedMinutes: planned }, participant(1))).toMatchObject({
        code: 'FORBIDDEN',
      });
    });

    it('steps back one stage as a recorded event', () => {
      const events = eventsOf(run(inBrainstorm, { type: 'StepBackStage', plannedMinutes: planned }));
      expect(events.map((e) => e.type)).toEqual(['StageCompleted', 'StageSteppedBack', 'StageStarted']);
      expect(events[1]!.data).toMatchObject({
        fromStage: 'exchange_of_opinions',
        toStage: 'standard_solution',
      });
      expect(run(started, { type: 'StepBackStage', plannedMinutes: planned })).toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('does not leave the WOW-solution stage without a WOW solution', () => {
      expect(run(inWowStage, { type: 'AdvanceStage', plannedMinutes: planned })).toMatchObject({
        code: 'CONFLICT',
      });
      const ended = eventsOf(
        run([...inWowStage, wowChosen], { type: 'AdvanceStage', plannedMinutes: planned }),
      );
      expect(ended.map((e) => e.type)).toEqual(['StageCompleted']);
    });
  });

  describe('two situations', () => {
    const twoSituations = event('CircleScheduled', { ...scheduled.data, situationIds: ['s-1', 's-2'] });
    const afterFirstWow = [
      twoSituations,
      ...roster.slice(1),
      event('CircleStarted', { circleId: 'c-1', startedAt: NOW.toISOString() }),
      stageStarted('wow_solution'),
      idea('i-1', 1),
      wowChosen,
    ];

    it('goes from the WOW solution of the first to the preparation of the second', () => {
      const events = eventsOf(run(afterFirstWow, { type: 'AdvanceStage', plannedMinutes: planned }));
      expect(events[1]!.data).toMatchObject({ situationId: 's-2', stage: 'preparation' });
    });
  });

  describe('leaving and unknown facts', () => {
    it('lets a participant leave before the start, not after', () => {
      expect(run(roster, { type: 'LeaveCircle' }, participant(1))).toEqual([
        event('ParticipantLeft', { circleId: 'c-1', employeeId: 'emp-1' }),
      ]);
      expect(run(started, { type: 'LeaveCircle' }, participant(1))).toMatchObject({ code: 'CONFLICT' });
      expect(run(roster, { type: 'LeaveCircle' }, participant(9))).toMatchObject({ code: 'CONFLICT' });
    });

    it('refuses to invite an unknown or deactivated employee', () => {
      expect(
        run([scheduled], { type: 'InviteParticipant', employeeId: 'x', employeeActive: null }),
      ).toMatchObject({ field: 'employeeId' });
      expect(
        run([scheduled], { type: 'InviteParticipant', employeeId: 'x', employeeActive: false }),
      ).toMatchObject({ field: 'employeeId' });
    });

    it('answers NOT_FOUND for a circle that was never scheduled', () => {
      expect(run([], { type: 'JoinCircle', departmentId: 'd-1' }, participant(1))).toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('brainstorm', () => {
    const propose = (parentIdeaId: string | null = null): CircleCommand => ({
      type: 'ProposeIdea',
      ideaId: 'i-9',
      text: ' Перезвонить клиенту ',
      parentIdeaId,
    });

    it('accepts ideas during the exchange of opinions, building on a parent', () => {
      expect(run([...inBrainstorm, idea('i-1', 1)], propose('i-1'), participant(2))).toEqual([
        event('IdeaProposed', {
          circleId: 'c-1',
          situationId: 's-1',
          ideaId: 'i-9',
          authorId: 'emp-2',
          authorDepartmentId: 'd-0',
          text: 'Перезвонить клиенту',
          parentIdeaId: 'i-1',
        }),
      ]);
    });

    it('refuses ideas outside the exchange of opinions, from outsiders, and on unknown parents', () => {
      expect(run(started, propose(), participant(1))).toMatchObject({ code: 'CONFLICT' });
      expect(run(inBrainstorm, propose(), participant(9))).toMatchObject({ code: 'FORBIDDEN' });
      expect(run(inBrainstorm, propose('nope'), participant(1))).toMatchObject({ field: 'parentIdeaId' });
      expect(run(inBrainstorm, { ...propose(), text: '  ' } as CircleCommand, participant(1))).toMatchObject({
        field: 'text',
      });
    });

    it('praises an author once per person per idea, never one own idea', () => {
      const given = [...inBrainstorm, idea('i-1', 1)];
      const praise: CircleCommand = { type: 'PraiseIdea', ideaId: 'i-1' };
      const praised = eventsOf(run(given, praise, participant(2)));
      expect(praised).toEqual([
        event('IdeaPraised', { circleId: 'c-1', ideaId: 'i-1', authorId: 'emp-1', praisedBy: 'emp-2' }),
      ]);
      expect(run([...given, ...praised], praise, participant(2))).toMatchObject({ code: 'CONFLICT' });
      expect(run(given, praise, participant(1))).toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('WOW solution and leaflet', () => {
    const choose: CircleCommand = {
      type: 'ChooseWowSolution',
      ideaIds: ['i-1', 'i-2'],
      wording: 'Перезвонить клиенту самим',
      needsChange: false,
      categories: { 's-1': 'service_quality' },
    };
    const leaflet: CircleCommand = {
      type: 'CompleteLeaflet',
      leafletId: 'l-1',
      category: 'service_quality',
      complaintIds: ['cmp-1'],
      leaflet: {
        situationId: 's-1',
        title: 'Долгое ожидание',
        situation: 'Клиент ждал ответа',
        standardSolution: ['Извиниться', 'Решить вопрос'],
        wowEffect: 'Перезвонили сами',
        additionalQuestions: ['Автоматический перезвон', 'Очередь с приоритетом'],
      },
    };

    it('lets the leader choose it in the WOW-solution stage', () => {
      expect(run(inWowStage, choose)).toEqual([wowChosen]);
      expect(run(inWowStage, choose, participant(1))).toMatchObject({ code: 'FORBIDDEN' });
      expect(run(inBrainstorm, choose)).toMatchObject({ code: 'CONFLICT' });
      expect(run(inWowStage, { ...choose, ideaIds: [] })).toMatchObject({
        field: 'ideaIds',
      });
    });

    it('completes the leaflet with one improvement proposal per additional question', () => {
      const events = eventsOf(run([...inWowStage, wowChosen], leaflet));
      expect(events.map((e) => e.type)).toEqual([
        'LeafletCompleted',
        'ImprovementProposed',
        'ImprovementProposed',
      ]);
      expect(events[0]!.data).toMatchObject({
        departmentIds: ['d-lead', 'd-1', 'd-0'],
        complaintIds: ['cmp-1'],
      });
      expect(events[2]!.data).toMatchObject({
        proposalId: 'l-1-q2',
        text: 'Очередь с приоритетом',
        proposedBy: 'lead-1',
      });
    });

    it('names the field at fault and refuses a leaflet before the WOW solution', () => {
      const badStep = {
        ...leaflet,
        leaflet: { ...leaflet.leaflet, standardSolution: ['ok', ' '] },
      } as CircleCommand;
      expect(run([...inWowStage, wowChosen], badStep)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'standardSolution[1]',
      });
      const longTitle = {
        ...leaflet,
        leaflet: { ...leaflet.leaflet, title: 'я'.repeat(201) },
      } as CircleCommand;
      expect(run([...inWowStage, wowChosen], longTitle)).toMatchObject({ field: 'title' });
      expect(run(inWowStage, leaflet)).toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('attendance, completion and pulse', () => {
    const leafletDone = event('LeafletCompleted', {
      circleId: 'c-1',
      situationId: 's-1',
      leafletId: 'l-1',
      title: 'Т',
      situation: 'С',
      standardSolution: ['Ш'],
      wowEffect: 'W',
      additionalQuestions: [],
      category: 'service_quality',
      complaintIds: [],
      departmentIds: ['d-lead'],
    });
    const stageOver = event('StageCompleted', {
      circleId: 'c-1',
      situationId: 's-1',
      stage: 'wow_solution',
      startedAt: NOW.toISOString(),
      endedAt: NOW.toISOString(),
      overrunSeconds: 0,
    });
    const attendance = event('AttendanceRecorded', {
      circleId: 'c-1',
      attendees: [
        { employeeId: 'lead-1', departmentId: 'd-lead' },
        { employeeId: 'emp-1', departmentId: 'd-1' },
      ],
    });
    const finished = [...inWowStage, wowChosen, leafletDone, stageOver];

    it('records attendance of members only', () => {
      expect(run(finished, { type: 'RecordAttendance', employeeIds: ['lead-1', 'emp-1'] })).toEqual([
        attendance,
      ]);
      expect(run(finished, { type: 'RecordAttendance', employeeIds: ['stranger'] })).toMatchObject({
        field: 'employeeIds[0]',
      });
    });

    it('completes a circle once every leaflet and the attendance are in', () => {
      expect(run(finished, { type: 'CompleteCircle' })).toMatchObject({ code: 'CONFLICT' });
      expect(run([...finished, attendance], { type: 'CompleteCircle' })).toEqual([
        event('CircleCompleted', {
          circleId: 'c-1',
          completedAt: NOW.toISOString(),
          leaderId: 'lead-1',
          attendeeIds: ['lead-1', 'emp-1'],
          departmentIds: ['d-lead', 'd-1'],
          situationIds: ['s-1'],
        }),
      ]);
    });

    it('takes one pulse per participant after completion', () => {
      const completed = [
        ...finished,
        attendance,
        ...eventsOf(run([...finished, attendance], { type: 'CompleteCircle' })),
      ];
      const pulse: CircleCommand = {
        type: 'AnswerPulse',
        seesPracticalBenefit: true,
        usefulness: 5,
        comment: 'Полезно',
      };
      const answered = eventsOf(run(completed, pulse, participant(1)));
      expect(answered[0]!.data).toMatchObject({ employeeId: 'emp-1', departmentId: 'd-1', usefulness: 5 });
      expect(run([...completed, ...answered], pulse, participant(1))).toMatchObject({ code: 'CONFLICT' });
      expect(run(completed, { ...pulse, usefulness: 6 }, participant(2))).toMatchObject({
        field: 'usefulness',
      });
      expect(run(finished, pulse, participant(1))).toMatchObject({ code: 'CONFLICT' });
    });
  });
});
