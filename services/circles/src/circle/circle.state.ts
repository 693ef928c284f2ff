// The circle aggregate's state (stream `circle-<id>`): everything a meeting needs, folded from its events.
import type { LeafletCompleted, SituationCategory, Stage } from '@hc/contracts';
import { assertNever, type CirclesEvent } from '../domain.js';

export type CircleEvent = CirclesEvent<
  | 'CircleScheduled'
  | 'ParticipantInvited'
  | 'ParticipantJoined'
  | 'ParticipantLeft'
  | 'CircleStarted'
  | 'StageStarted'
  | 'StageCompleted'
  | 'StageSteppedBack'
  | 'IdeaProposed'
  | 'IdeaPraised'
  | 'WowSolutionChosen'
  | 'LeafletCompleted'
  | 'ImprovementProposed'
  | 'AttendanceRecorded'
  | 'CircleCompleted'
  | 'PulseAnswered'
>;

export type CircleStatus = 'none' | 'scheduled' | 'running' | 'completed';

export interface Member {
  employeeId: string;
  departmentId: string;
}

export interface StageRun {
  situationId: string;
  stage: Stage;
  startedAt: string;
  plannedMinutes: number;
  deadline: string;
  endedAt: string | null;
  overrunSeconds: number | null;
  /** True when the leader stepped back out of this stage. */
  steppedBack: boolean;
}

export interface Idea {
  ideaId: string;
  situationId: string;
  authorId: string;
  authorDepartmentId: string;
  text: string;
  parentIdeaId: string | null;
  praisedBy: string[];
}

export interface WowSolution {
  situationId: string;
  ideaIds: string[];
  wording: string;
  needsChange: boolean;
  category: SituationCategory;
}

export type Leaflet = Omit<LeafletCompleted, 'circleId'>;

export interface CircleState {
  status: CircleStatus;
  circleId: string;
  scheduledAt: string;
  isoWeek: string;
  leaderId: string;
  leaderDepartmentId: string;
  situationIds: string[];
  invited: string[];
  participants: Member[];
  startedAt: string | null;
  /** Every stage run in order; the last one without `endedAt` is the current stage. */
  stages: StageRun[];
  ideas: Idea[];
  wowSolutions: WowSolution[];
  leaflets: Leaflet[];
  attendees: Member[] | null;
  completedAt: string | null;
  pulseAnsweredBy: string[];
}

export const initialCircleState = (): CircleState => ({
  status: 'none',
  circleId: '',
  scheduledAt: '',
  isoWeek: '',
  leaderId: '',
  leaderDepartmentId: '',
  situationIds: [],
  invited: [],
  participants: [],
  startedAt: null,
  stages: [],
  ideas: [],
  wowSolutions: [],
  leaflets: [],
  attendees: null,
  completedAt: null,
  pulseAnsweredBy: [],
});

export function currentStage(state: CircleState): StageRun | null {
  const last = state.stages.at(-1);
  return last && last.endedAt === null ? last : null;
}

function updateLastStage(state: CircleState, change: Partial<StageRun>): StageRun[] {
  return state.stages.map((run, index) => (index === state.stages.length - 1 ? { ...run, ...change } : run));
}

export function evolveCircle(state: CircleState, { type, data }: CircleEvent): CircleState {
  switch (type) {
    case 'CircleScheduled':
      return {
        ...state,
        status: 'scheduled',
        circleId: data.circleId,
        scheduledAt: data.scheduledAt,
        isoWeek: data.isoWeek,
        leaderId: data.leaderId,
        leaderDepartmentId: data.leaderDepartmentId,
        situationIds: data.situationIds,
      };
    case 'ParticipantInvited':
      return { ...state, invited: [...state.invited, data.employeeId] };
    case 'ParticipantJoined':
      return {
        ...state,
        participants: [
          ...state.participants,
          { employeeId: data.employeeId, departmentId: data.departmentId },
        ],
      };
    case 'ParticipantLeft':
      return {
        ...state,
        participants: state.participants.filter((member) => member.employeeId !== data.employeeId),
      };
    case 'CircleStarted':
      return { ...state, status: 'running', startedAt: data.startedAt };
    case 'StageStarted':
      return {
        ...state,
        stages: [
          ...state.stages,
          {
            situationId: data.situationId,
            stage: data.stage,
            startedAt: data.startedAt,
            plannedMinutes: data.plannedMinutes,
            deadline: data.deadline,
            endedAt: null,
            overrunSeconds: null,
            steppedBack: false,
          },
        ],
      };
    case 'StageCompleted':
      return {
        ...state,
        stages: updateLastStage(state, { endedAt: data.endedAt, overrunSeconds: data.overrunSeconds }),
      };
    case 'StageSteppedBack':
      // Follows the StageCompleted of the stage left behind; the StageStarted after it reopens the earlier stage.
      return { ...state, stages: updateLastStage(state, { steppedBack: true }) };
    case 'IdeaProposed':
      return {
        ...state,
        ideas: [
          ...state.ideas,
          {
            ideaId: data.ideaId,
            situationId: data.situationId,
            authorId: data.authorId,
            authorDepartmentId: data.authorDepartmentId,
            text: data.text,
            parentIdeaId: data.parentIdeaId,
            praisedBy: [],
          },
        ],
      };
    case 'IdeaPraised':
      return {
        ...state,
        ideas: state.ideas.map((idea) =>
          idea.ideaId === data.ideaId ? { ...idea, praisedBy: [...idea.praisedBy, data.praisedBy] } : idea,
        ),
      };
    case 'WowSolutionChosen':
      return {
        ...state,
        wowSolutions: [
          ...state.wowSolutions.filter((wow) => wow.situationId !== data.situationId),
          {
            situationId: data.situationId,
            ideaIds: data.ideaIds,
            wording: data.wording,
            needsChange: data.needsChange,
            category: data.category,
          },
        ],
      };
    case 'LeafletCompleted': {
      const { circleId: _circleId, ...leaflet } = data;
      return { ...state, leaflets: [...state.leaflets, leaflet] };
    }
    case 'ImprovementProposed':
      // Part of the leaflet, which already lists its additional questions.
      return state;
    case 'AttendanceRecorded':
      return { ...state, attendees: data.attendees };
    case 'CircleCompleted':
      return { ...state, status: 'completed', completedAt: data.completedAt };
    case 'PulseAnswered':
      return { ...state, pulseAnsweredBy: [...state.pulseAnsweredBy, data.employeeId] };
    default:
      return assertNever(type);
  }
}
