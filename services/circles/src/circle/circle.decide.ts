// The circle aggregate's decisions: scheduling, roster, the four timeboxed stages, brainstorm, WOW solution,
// leaflet, attendance and pulse. Facts owned by other aggregates (the leader's eligibility, a situation's
// category) arrive in the command, looked up by the caller.
import {
  CIRCLES_TEXT_LIMITS,
  STAGES,
  textProblem,
  isIsoDateTimeWithOffset,
  type SituationCategory,
  type Stage,
} from '@hc/contracts';
import {
  badInput,
  conflict,
  forbidden,
  hasRole,
  notFound,
  type DecisionContext,
  type Decider,
  type DomainError,
  type Identity,
} from '@hc/service-kit';
import { assertNever, event } from '../domain.js';
import {
  currentStage,
  evolveCircle,
  initialCircleState,
  type CircleEvent,
  type CircleState,
  type Member,
} from './circle.state.js';
import { isIsoWeek } from './iso-week.js';

export const MIN_PARTICIPANTS = 3;
export const MAX_PARTICIPANTS = 7;
export const RECOMMENDED_PARTICIPANTS = { min: 4, max: 5 } as const;

export interface SituationFacts {
  situationId: string;
  status: 'open' | 'scheduled' | 'discussed' | 'archived';
  category: SituationCategory;
  complaintIds: string[];
}

export interface LeaderFacts {
  employeeId: string;
  departmentId: string;
  leaderEligible: boolean;
  active: boolean;
}

export type PlannedMinutes = Record<Stage, number>;

export interface LeafletInput {
  situationId: string;
  title: string;
  situation: string;
  standardSolution: string[];
  wowEffect: string;
  additionalQuestions: string[];
}

export type CircleCommand =
  | {
      type: 'ScheduleCircle';
      circleId: string;
      scheduledAt: string;
      isoWeek: string;
      /** Null when no such employee exists. */
      leader: LeaderFacts | null;
      /** One per requested situation id; null for an id that names no situation. */
      situations: (SituationFacts | null)[];
    }
  | { type: 'InviteParticipant'; employeeId: string; employeeActive: boolean | null }
  | { type: 'JoinCircle'; departmentId: string }
  | { type: 'LeaveCircle' }
  | { type: 'StartCircle'; plannedMinutes: PlannedMinutes }
  | { type: 'AdvanceStage'; plannedMinutes: PlannedMinutes }
  | { type: 'StepBackStage'; plannedMinutes: PlannedMinutes }
  | { type: 'ProposeIdea'; ideaId: string; text: string; parentIdeaId: string | null }
  | { type: 'PraiseIdea'; ideaId: string }
  | {
      type: 'ChooseWowSolution';
      ideaIds: string[];
      wording: string;
      needsChange: boolean;
      /** The category of each situation of the circle: the WOW solution carries the current one's. */
      categories: Record<string, SituationCategory>;
    }
  | {
      type: 'CompleteLeaflet';
      leafletId: string;
      leaflet: LeafletInput;
      category: SituationCategory;
      complaintIds: string[];
    }
  | { type: 'RecordAttendance'; employeeIds: string[] }
  | { type: 'CompleteCircle' }
  | { type: 'AnswerPulse'; seesPracticalBenefit: boolean; usefulness: number; comment: string | null };

function text(field: string, value: string, maxLength: number): DomainError | null {
  const problem = textProblem(value, maxLength);
  return problem === null ? null : badInput(field, problem);
}

function textList(
  field: string,
  values: string[],
  { minItems, maxItems, maxLength }: { minItems: number; maxItems: number; maxLength: number },
): DomainError | null {
  if (values.length < minItems) return badInput(field, `needs at least ${minItems} item(s)`);
  if (values.length > maxItems) return badInput(field, `allows at most ${maxItems} items`);
  for (const [index, value] of values.entries()) {
    const invalid = text(`${field}[${index}]`, value, maxLength);
    if (invalid) return invalid;
  }
  return null;
}

function isLeader(state: CircleState, actor: Identity | null): boolean {
  return actor !== null && (actor.subject === state.leaderId || actor.roles.includes('admin'));
}

/** The leader and the participants who joined: the people of the meeting. */
function memberOf(state: CircleState, employeeId: string): Member | undefined {
  if (employeeId === state.leaderId) return { employeeId, departmentId: state.leaderDepartmentId };
  return state.participants.find((member) => member.employeeId === employeeId);
}

function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * 60_000);
}

function stageStarted(
  state: CircleState,
  situationId: string,
  stage: Stage,
  now: Date,
  planned: PlannedMinutes,
) {
  return event('StageStarted', {
    circleId: state.circleId,
    situationId,
    stage,
    startedAt: now.toISOString(),
    plannedMinutes: planned[stage],
    deadline: addMinutes(now, planned[stage]).toISOString(),
  });
}

function stageCompleted(state: CircleState, now: Date) {
  const current = currentStage(state)!;
  const overrunMs = now.getTime() - new Date(current.deadline).getTime();
  return event('StageCompleted', {
    circleId: state.circleId,
    situationId: current.situationId,
    stage: current.stage,
    startedAt: current.startedAt,
    endedAt: now.toISOString(),
    overrunSeconds: Math.max(0, Math.floor(overrunMs / 1000)),
  });
}

function requireStatus(state: CircleState, status: CircleState['status'], what: string): DomainError | null {
  if (state.status === 'none') return notFound('No such circle');
  if (state.status !== status) return conflict(`${what} is only possible while the circle is ${status}`);
  return null;
}

function requireLeader(state: CircleState, actor: Identity | null, what: string): DomainError | null {
  return isLeader(state, actor) ? null : forbidden(`Only the circle's leader can ${what}`);
}

function schedule(
  command: Extract<CircleCommand, { type: 'ScheduleCircle' }>,
  state: CircleState,
  actor: Identity | null,
) {
  if (!hasRole(actor, 'coordinator')) return forbidden('Only a coordinator can schedule a circle');
  if (state.status !== 'none') return conflict('The circle is already scheduled');
  if (!isIsoDateTimeWithOffset(command.scheduledAt))
    return badInput('scheduledAt', 'must be an ISO-8601 date-time with an offset');
  if (!isIsoWeek(command.isoWeek)) return badInput('scheduledAt', 'does not fall in a valid ISO week');
  const { leader, situations } = command;
  if (!leader) return badInput('leaderId', 'is not a known employee');
  if (!leader.active) return badInput('leaderId', 'is deactivated');
  if (!leader.leaderEligible) return badInput('leaderId', 'is not eligible to lead a circle');
  if (situations.length < 1 || situations.length > 2)
    return badInput('situationIds', 'must name 1 or 2 situations');
  const ids: string[] = [];
  for (const [index, situation] of situations.entries()) {
    if (!situation) return badInput(`situationIds[${index}]`, 'is not a known situation');
    if (situation.status !== 'open')
      return badInput(`situationIds[${index}]`, `is ${situation.status}, not open`);
    if (ids.includes(situation.situationId)) return badInput(`situationIds[${index}]`, 'is named twice');
    ids.push(situation.situationId);
  }
  return [
    event('CircleScheduled', {
      circleId: command.circleId,
      scheduledAt: command.scheduledAt,
      isoWeek: command.isoWeek,
      leaderId: leader.employeeId,
      leaderDepartmentId: leader.departmentId,
      scheduledBy: actor!.subject,
      situationIds: ids,
    }),
  ];
}

function nextStage(state: CircleState): { situationId: string; stage: Stage } | null {
  const current = currentStage(state)!;
  const index = STAGES.indexOf(current.stage);
  const following = STAGES[index + 1];
  if (following) return { situationId: current.situationId, stage: following };
  const nextSituation = state.situationIds[state.situationIds.indexOf(current.situationId) + 1];
  return nextSituation ? { situationId: nextSituation, stage: 'preparation' } : null;
}

function decideCircle(
  command: CircleCommand,
  state: CircleState,
  { now, actor }: DecisionContext,
): CircleEvent[] | DomainError {
  if (!actor) return forbidden('An identified employee is required');
  const circleId = state.circleId;
  switch (command.type) {
    case 'ScheduleCircle':
      return schedule(command, state, actor);
    case 'InviteParticipant': {
      const wrong = requireStatus(state, 'scheduled', 'Inviting');
      if (wrong) return wrong;
      if (!isLeader(state, actor) && !hasRole(actor, 'coordinator'))
        return forbidden('Only the leader or a coordinator can invite');
      if (command.employeeActive === null) return badInput('employeeId', 'is not a known employee');
      if (!command.employeeActive) return badInput('employeeId', 'is deactivated');
      if (memberOf(state, command.employeeId)) return conflict('The employee is already in this circle');
      if (state.invited.includes(command.employeeId)) return [];
      return [
        event('ParticipantInvited', { circleId, employeeId: command.employeeId, invitedBy: actor.subject }),
      ];
    }
    case 'JoinCircle': {
      const wrong = requireStatus(state, 'scheduled', 'Joining');
      if (wrong) return wrong;
      if (actor.subject === state.leaderId) return conflict('The leader already leads this circle');
      if (memberOf(state, actor.subject)) return conflict('You have already joined this circle');
      if (state.participants.length >= MAX_PARTICIPANTS)
        return conflict(`The circle is full: at most ${MAX_PARTICIPANTS} participants`);
      return [
        event('ParticipantJoined', {
          circleId,
          employeeId: actor.subject,
          departmentId: command.departmentId,
        }),
      ];
    }
    case 'LeaveCircle': {
      const wrong = requireStatus(state, 'scheduled', 'Leaving');
      if (wrong) return wrong;
      if (!state.participants.some((member) => member.employeeId === actor.subject))
        return conflict('You are not a participant of this circle');
      return [event('ParticipantLeft', { circleId, employeeId: actor.subject })];
    }
    case 'StartCircle': {
      const wrong =
        requireStatus(state, 'scheduled', 'Starting') ?? requireLeader(state, actor, 'start the circle');
      if (wrong) return wrong;
      if (state.participants.length < MIN_PARTICIPANTS)
        return conflict(`A circle needs at least ${MIN_PARTICIPANTS} participants to start`);
      return [
        event('CircleStarted', { circleId, startedAt: now.toISOString() }),
        stageStarted(state, state.situationIds[0]!, 'preparation', now, command.plannedMinutes),
      ];
    }
    case 'AdvanceStage': {
      const wrong =
        requireStatus(state, 'running', 'Advancing') ?? requireLeader(state, actor, 'advance the stages');
      if (wrong) return wrong;
      const current = currentStage(state);
      if (!current) return conflict('Every stage of every situation is over');
      if (
        current.stage === 'wow_solution' &&
        !state.wowSolutions.some((wow) => wow.situationId === current.situationId)
      )
        return conflict('Choose the WOW solution before ending the WOW-solution stage');
      const next = nextStage(state);
      return [
        stageCompleted(state, now),
        ...(next ? [stageStarted(state, next.situationId, next.stage, now, command.plannedMinutes)] : []),
      ];
    }
    case 'StepBackStage': {
      const wrong =
        requireStatus(state, 'running', 'Stepping back') ?? requireLeader(state, actor, 'step back');
      if (wrong) return wrong;
      const current = currentStage(state);
      if (!current) return conflict('No stage is in progress');
      const previous = STAGES[STAGES.indexOf(current.stage) - 1];
      if (!previous) return conflict('Preparation is the first stage of a situation');
      if (state.leaflets.some((leaflet) => leaflet.situationId === current.situationId))
        return conflict("The situation's leaflet is already complete");
      return [
        stageCompleted(state, now),
        event('StageSteppedBack', {
          circleId,
          situationId: current.situationId,
          fromStage: current.stage,
          toStage: previous,
        }),
        stageStarted(state, current.situationId, previous, now, command.plannedMinutes),
      ];
    }
    case 'ProposeIdea': {
      const wrong = requireStatus(state, 'running', 'Proposing ideas');
      if (wrong) return wrong;
      const author = memberOf(state, actor.subject);
      if (!author) return forbidden('Only the people of this circle can propose ideas');
      const current = currentStage(state);
      if (current?.stage !== 'exchange_of_opinions')
        return conflict('Ideas are accepted only during the exchange of opinions');
      const invalid = text('text', command.text, CIRCLES_TEXT_LIMITS.ideaText);
      if (invalid) return invalid;
      if (command.parentIdeaId !== null) {
        const parent = state.ideas.find((idea) => idea.ideaId === command.parentIdeaId);
        if (!parent || parent.situationId !== current.situationId)
          return badInput('parentIdeaId', 'is not an idea of the situation under discussion');
      }
      return [
        event('IdeaProposed', {
          circleId,
          situationId: current.situationId,
          ideaId: command.ideaId,
          authorId: author.employeeId,
          authorDepartmentId: author.departmentId,
          text: command.text.trim(),
          parentIdeaId: command.parentIdeaId,
        }),
      ];
    }
    case 'PraiseIdea': {
      const wrong = requireStatus(state, 'running', 'Praising ideas');
      if (wrong) return wrong;
      if (!memberOf(state, actor.subject))
        return forbidden('Only the people of this circle can praise ideas');
      const idea = state.ideas.find((candidate) => candidate.ideaId === command.ideaId);
      if (!idea) return notFound('No such idea in this circle');
      if (idea.authorId === actor.subject) return conflict('You cannot praise your own idea');
      if (idea.praisedBy.includes(actor.subject)) return conflict('You have already praised this idea');
      return [
        event('IdeaPraised', {
          circleId,
          ideaId: idea.ideaId,
          authorId: idea.authorId,
          praisedBy: actor.subject,
        }),
      ];
    }
    case 'ChooseWowSolution': {
      const wrong =
        requireStatus(state, 'running', 'Choosing the WOW solution') ??
        requireLeader(state, actor, 'choose the WOW solution');
      if (wrong) return wrong;
      const current = currentStage(state);
      if (current?.stage !== 'wow_solution')
        return conflict('The WOW solution is chosen during the WOW-solution stage');
      if (command.ideaIds.length === 0) return badInput('ideaIds', 'needs at least one idea');
      for (const [index, ideaId] of command.ideaIds.entries()) {
        const idea = state.ideas.find((candidate) => candidate.ideaId === ideaId);
        if (!idea || idea.situationId !== current.situationId)
          return badInput(`ideaIds[${index}]`, 'is not an idea of the situation under discussion');
        if (command.ideaIds.indexOf(ideaId) !== index) return badInput(`ideaIds[${index}]`, 'is named twice');
      }
      const invalid = text('wording', command.wording, CIRCLES_TEXT_LIMITS.wording);
      if (invalid) return invalid;
      const category = command.categories[current.situationId];
      if (!category) return notFound('The situation under discussion is not in the backlog');
      return [
        event('WowSolutionChosen', {
          circleId,
          situationId: current.situationId,
          ideaIds: command.ideaIds,
          wording: command.wording.trim(),
          needsChange: command.needsChange,
          category,
        }),
      ];
    }
    case 'CompleteLeaflet': {
      const wrong =
        requireStatus(state, 'running', 'Completing the leaflet') ??
        requireLeader(state, actor, 'complete the leaflet');
      if (wrong) return wrong;
      const { leaflet } = command;
      if (!state.situationIds.includes(leaflet.situationId))
        return badInput('situationId', 'is not a situation of this circle');
      if (!state.wowSolutions.some((wow) => wow.situationId === leaflet.situationId))
        return conflict('Choose the WOW solution before completing the leaflet');
      if (state.leaflets.some((done) => done.situationId === leaflet.situationId))
        return conflict("The situation's leaflet is already complete");
      const limits = CIRCLES_TEXT_LIMITS;
      const invalid =
        text('title', leaflet.title, limits.title) ??
        text('situation', leaflet.situation, limits.leafletSituation) ??
        textList('standardSolution', leaflet.standardSolution, {
          minItems: 1,
          maxItems: limits.leafletSteps,
          maxLength: limits.leafletStep,
        }) ??
        text('wowEffect', leaflet.wowEffect, limits.wowEffect) ??
        textList('additionalQuestions', leaflet.additionalQuestions, {
          minItems: 0,
          maxItems: limits.additionalQuestions,
          maxLength: limits.additionalQuestion,
        });
      if (invalid) return invalid;
      const departmentIds = [
        ...new Set([state.leaderDepartmentId, ...state.participants.map((member) => member.departmentId)]),
      ];
      const base = { circleId, situationId: leaflet.situationId, leafletId: command.leafletId };
      const questions = leaflet.additionalQuestions.map((question) => question.trim());
      return [
        event('LeafletCompleted', {
          ...base,
          title: leaflet.title.trim(),
          situation: leaflet.situation.trim(),
          standardSolution: leaflet.standardSolution.map((step) => step.trim()),
          wowEffect: leaflet.wowEffect.trim(),
          additionalQuestions: questions,
          category: command.category,
          complaintIds: command.complaintIds,
          departmentIds,
        }),
        ...questions.map((question, index) =>
          event('ImprovementProposed', {
            ...base,
            // Deterministic, so the ideas service can deduplicate by it.
            proposalId: `${command.leafletId}-q${index + 1}`,
            text: question,
            category: command.category,
            complaintIds: command.complaintIds,
            proposedBy: state.leaderId,
            departmentId: state.leaderDepartmentId,
          }),
        ),
      ];
    }
    case 'RecordAttendance': {
      const wrong =
        requireStatus(state, 'running', 'Recording attendance') ??
        requireLeader(state, actor, 'record attendance');
      if (wrong) return wrong;
      if (command.employeeIds.length === 0) return badInput('employeeIds', 'needs at least one attendee');
      const attendees: Member[] = [];
      for (const [index, employeeId] of command.employeeIds.entries()) {
        const member = memberOf(state, employeeId);
        if (!member)
          return badInput(`employeeIds[${index}]`, 'is not the leader or a participant of this circle');
        if (!attendees.some((attendee) => attendee.employeeId === employeeId)) attendees.push(member);
      }
      return [event('AttendanceRecorded', { circleId, attendees })];
    }
    case 'CompleteCircle': {
      const wrong =
        requireStatus(state, 'running', 'Completing the circle') ??
        requireLeader(state, actor, 'complete the circle');
      if (wrong) return wrong;
      if (currentStage(state)) return conflict('End the last stage before completing the circle');
      const missing = state.situationIds.filter(
        (id) => !state.leaflets.some((leaflet) => leaflet.situationId === id),
      );
      if (missing.length > 0) return conflict('Complete the leaflet of every situation first');
      if (!state.attendees) return conflict('Record the attendance first');
      return [
        event('CircleCompleted', {
          circleId,
          completedAt: now.toISOString(),
          leaderId: state.leaderId,
          attendeeIds: state.attendees.map((attendee) => attendee.employeeId),
          departmentIds: [...new Set(state.attendees.map((attendee) => attendee.departmentId))],
          situationIds: state.situationIds,
        }),
      ];
    }
    case 'AnswerPulse': {
      const wrong = requireStatus(state, 'completed', 'Answering the pulse');
      if (wrong) return wrong;
      const participant = state.participants.find((member) => member.employeeId === actor.subject);
      if (!participant) return forbidden('Only the participants of this circle answer its pulse');
      if (state.pulseAnsweredBy.includes(actor.subject))
        return conflict('You have already answered this pulse');
      if (!Number.isInteger(command.usefulness) || command.usefulness < 1 || command.usefulness > 5)
        return badInput('usefulness', 'must be an integer 1..5');
      const comment = command.comment?.trim() ? command.comment.trim() : null;
      const commentProblem =
        comment === null ? null : text('comment', comment, CIRCLES_TEXT_LIMITS.pulseComment);
      if (commentProblem) return commentProblem;
      return [
        event('PulseAnswered', {
          circleId,
          employeeId: actor.subject,
          departmentId: participant.departmentId,
          seesPracticalBenefit: command.seesPracticalBenefit,
          usefulness: command.usefulness,
          comment,
        }),
      ];
    }
    default:
      return assertNever(command);
  }
}

export const circleDecider: Decider<CircleCommand, CircleEvent, CircleState> = {
  initialState: initialCircleState,
  evolve: evolveCircle,
  decide: decideCircle,
};

/** 4–5 participants are recommended: outside that the roster is flagged, never refused. */
export function rosterWarning(state: CircleState): boolean {
  const count = state.participants.length;
  return count < RECOMMENDED_PARTICIPANTS.min || count > RECOMMENDED_PARTICIPANTS.max;
}
