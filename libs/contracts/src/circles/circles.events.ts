// The public contract of circles.events.v1: every fact of the hospitality-circle practice.
// Payload DTOs (circles.payloads.ts) and asyncapi.yaml mirror these interfaces field for field.
import type { CrmComplaintCategory } from '../crm/crm.events.js';

export const CIRCLES_TOPIC = 'circles.events.v1';

/** The four timeboxed stages of a meeting, in order. */
export const STAGES = ['preparation', 'standard_solution', 'exchange_of_opinions', 'wow_solution'] as const;
export type Stage = (typeof STAGES)[number];

/** A situation's category: the CRM complaint categories, plus internal (inter-department) problems. */
export const SITUATION_CATEGORIES = [
  'service_quality',
  'product',
  'billing',
  'claims',
  'other',
  'internal',
] as const;
export type SituationCategory = CrmComplaintCategory | 'internal';

export interface DepartmentRegistered {
  departmentId: string;
  name: string;
}
export interface DepartmentRenamed {
  departmentId: string;
  name: string;
}
export interface EmployeeRegistered {
  employeeId: string;
  fullName: string;
  departmentId: string;
  leaderEligible: boolean;
}
/** HR import changed an employee's name, department or leader eligibility. */
export interface EmployeeUpdated {
  employeeId: string;
  fullName: string;
  departmentId: string;
  leaderEligible: boolean;
}
export interface EmployeeDeactivated {
  employeeId: string;
  departmentId: string;
}
export interface EmployeeReactivated {
  employeeId: string;
  departmentId: string;
}

export interface SituationRegistered {
  situationId: string;
  title: string;
  /** Personal data (phones, e-mails, policy and card numbers) already masked. */
  description: string;
  category: SituationCategory;
  source: 'employee' | 'crm';
  /** Null when the author chose to stay anonymous, or for situations from the CRM. */
  authorId: string | null;
  departmentId: string | null;
  /** The CRM complaints this situation stands for (empty for internal problems). */
  complaintIds: string[];
}
export interface ComplaintLinkedToSituation {
  situationId: string;
  complaintId: string;
}
/** Another situation was merged into this one; the merged one keeps its history and is archived. */
export interface SituationsMerged {
  situationId: string;
  mergedSituationId: string;
  complaintIds: string[];
}
export interface SituationArchived {
  situationId: string;
  reason: string;
}

export interface CircleScheduled {
  circleId: string;
  /** ISO-8601 start of the meeting. */
  scheduledAt: string;
  /** ISO week of the meeting, `YYYY-Www`, for the once-a-week rule. */
  isoWeek: string;
  leaderId: string;
  leaderDepartmentId: string;
  scheduledBy: string;
  situationIds: string[];
}
export interface SituationAddedToCircle {
  circleId: string;
  situationId: string;
}
export interface ParticipantInvited {
  circleId: string;
  employeeId: string;
  invitedBy: string;
}
/** The employee accepted an invitation or volunteered: participation is always the employee's act. */
export interface ParticipantJoined {
  circleId: string;
  employeeId: string;
  departmentId: string;
}
export interface ParticipantLeft {
  circleId: string;
  employeeId: string;
}
export interface CircleStarted {
  circleId: string;
  startedAt: string;
}
export interface StageStarted {
  circleId: string;
  situationId: string;
  stage: Stage;
  startedAt: string;
  plannedMinutes: number;
  /** startedAt + plannedMinutes: what front-ends count down to. */
  deadline: string;
}
export interface StageCompleted {
  circleId: string;
  situationId: string;
  stage: Stage;
  startedAt: string;
  endedAt: string;
  /** Seconds past the deadline (0 when on time). */
  overrunSeconds: number;
}
/** The leader stepped back one stage: recorded, never erased. */
export interface StageSteppedBack {
  circleId: string;
  situationId: string;
  fromStage: Stage;
  toStage: Stage;
}
/** A brainstorm idea (exchange of opinions). */
export interface IdeaProposed {
  circleId: string;
  situationId: string;
  ideaId: string;
  authorId: string;
  authorDepartmentId: string;
  text: string;
  /** The idea this one builds on, if any. */
  parentIdeaId: string | null;
}
export interface IdeaPraised {
  circleId: string;
  ideaId: string;
  authorId: string;
  praisedBy: string;
}
export interface WowSolutionChosen {
  circleId: string;
  situationId: string;
  ideaIds: string[];
  wording: string;
  /** True when the solution needs a change to a process or system elsewhere (the ideas service takes it in). */
  needsChange: boolean;
  category: SituationCategory;
}
export interface LeafletCompleted {
  circleId: string;
  situationId: string;
  leafletId: string;
  title: string;
  situation: string;
  standardSolution: string[];
  wowEffect: string;
  additionalQuestions: string[];
  category: SituationCategory;
  complaintIds: string[];
  /** Departments of the circle's leader and participants. */
  departmentIds: string[];
}
/** One per additional question of a leaflet: an improvement proposal for the ideas service. */
export interface ImprovementProposed {
  circleId: string;
  situationId: string;
  leafletId: string;
  proposalId: string;
  text: string;
  category: SituationCategory;
  complaintIds: string[];
  proposedBy: string;
  departmentId: string;
}
export interface AttendanceRecorded {
  circleId: string;
  attendees: { employeeId: string; departmentId: string }[];
}
/** The circle was held: counted on the company-local date of `completedAt`. */
export interface CircleCompleted {
  circleId: string;
  completedAt: string;
  leaderId: string;
  attendeeIds: string[];
  /** Departments with an attending participant (leader included). */
  departmentIds: string[];
  situationIds: string[];
}
export interface CircleCancelled {
  circleId: string;
  reason: string;
}
export interface PulseAnswered {
  circleId: string;
  employeeId: string;
  departmentId: string;
  seesPracticalBenefit: boolean;
  /** 1..5 */
  usefulness: number;
  comment: string | null;
}

export interface CirclesEventPayloads {
  DepartmentRegistered: DepartmentRegistered;
  DepartmentRenamed: DepartmentRenamed;
  EmployeeRegistered: EmployeeRegistered;
  EmployeeUpdated: EmployeeUpdated;
  EmployeeDeactivated: EmployeeDeactivated;
  EmployeeReactivated: EmployeeReactivated;
  SituationRegistered: SituationRegistered;
  ComplaintLinkedToSituation: ComplaintLinkedToSituation;
  SituationsMerged: SituationsMerged;
  SituationArchived: SituationArchived;
  CircleScheduled: CircleScheduled;
  SituationAddedToCircle: SituationAddedToCircle;
  ParticipantInvited: ParticipantInvited;
  ParticipantJoined: ParticipantJoined;
  ParticipantLeft: ParticipantLeft;
  CircleStarted: CircleStarted;
  StageStarted: StageStarted;
  StageCompleted: StageCompleted;
  StageSteppedBack: StageSteppedBack;
  IdeaProposed: IdeaProposed;
  IdeaPraised: IdeaPraised;
  WowSolutionChosen: WowSolutionChosen;
  LeafletCompleted: LeafletCompleted;
  ImprovementProposed: ImprovementProposed;
  AttendanceRecorded: AttendanceRecorded;
  CircleCompleted: CircleCompleted;
  CircleCancelled: CircleCancelled;
  PulseAnswered: PulseAnswered;
}
export type CirclesEventType = keyof CirclesEventPayloads;

/** Stream ids: `<aggregate>-<id>`, e.g. `circle-01J…`, `situation-…`, `employee-<HR id>`. */
export const circlesStreamId = {
  department: (id: string) => `department-${id}`,
  employee: (id: string) => `employee-${id}`,
  situation: (id: string) => `situation-${id}`,
  circle: (id: string) => `circle-${id}`,
};
