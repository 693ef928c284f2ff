// The programme to play, decided up front from a seed: who meets when, what they discuss and say, what the CRM
// sends and what the coordinators decide, so that the figures come out exactly at their targets.
import {
  CRM_CHANNELS,
  CRM_SCHEMA_VERSION,
  type CrmChannel,
  type CrmComplaintCategory,
  type CrmEvent,
} from '@hc/contracts';
import {
  addDays,
  addMonths,
  formatLocal,
  isDate,
  isoWeekOf,
  localDateOf,
  localInstant,
  weekday,
} from './calendar.js';
import { hash32, Random } from './random.js';
import {
  DEPARTMENT_NAMES,
  OTHER_DEPARTMENTS,
  additionalQuestion,
  brainstormIdea,
  buildOnIdea,
  complaintSummary,
  directIdea,
  gratitudeText,
  implementationNote,
  pulseComment,
  reason,
  russianName,
  situationTitle,
  standardSteps,
  surveyComment,
  wowWording,
  type SituationCategory,
} from './texts.js';

/** The five figures of the division's table. */
export interface Targets {
  circlesHeld: number;
  ideasSubmitted: number;
  improvementsImplemented: number;
  writtenThanks: number;
  /** Whole percent: round(100 · pulses seeing benefit / pulse answers). */
  practicalBenefitShare: number;
}

export interface PlanOptions {
  months: number;
  /** A programme of whole weeks instead of months (a short pilot). */
  weeks?: number;
  /** Employees who take part in circles (leaders among them). */
  employees: number;
  departments: number;
  seed: number;
  /** First company-local day of the programme, YYYY-MM-DD. */
  start: string;
  targets: Targets;
}

/** The division's seven months (../shared/DOMAIN.md). */
export const DEFAULT_TARGETS: Targets = {
  circlesHeld: 402,
  ideasSubmitted: 15,
  improvementsImplemented: 62,
  writtenThanks: 17,
  practicalBenefitShare: 95,
};

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  months: 7,
  employees: 120,
  departments: 6,
  seed: 1,
  start: '2026-03-02',
  targets: DEFAULT_TARGETS,
};

export const MIN_PARTICIPANTS = 3;
export const MAX_PARTICIPANTS = 7;
export const MAX_ADDITIONAL_QUESTIONS = 10;
/** Share of employees eligible to lead a circle. */
const LEADER_SHARE = 0.2;

/** Targets the simulated programme cannot reach, refused before anything is sent. */
export class InfeasiblePlanError extends Error {
  override name = 'InfeasiblePlanError';
}

export interface PlannedDepartment {
  id: string;
  name: string;
}

export interface PlannedEmployee {
  id: string;
  fullName: string;
  departmentId: string;
  leaderEligible: boolean;
}

export interface PlannedIdea {
  key: string;
  authorId: string;
  parentKey: string | null;
  text: string;
  praisedBy: string[];
}

export type IdeaFate = 'implemented' | 'submitted' | 'rejected' | 'deferred' | 'in_progress' | 'under_review';

export interface PlannedQuestion {
  key: string;
  text: string;
  fate: IdeaFate;
}

export interface PlannedSituation {
  key: string;
  category: SituationCategory;
  /** The CRM complaint the circles service turns into this situation; null when an employee registers it. */
  complaintId: string | null;
  registration: { by: string; anonymous: boolean; title: string; description: string } | null;
  /** Seconds each stage actually lasts: preparation, standard solution, exchange of opinions, WOW solution. */
  stageSeconds: [number, number, number, number];
  /** The leader steps back from the exchange of opinions once (recorded, then the meeting goes on). */
  stepBack: boolean;
  ideas: PlannedIdea[];
  wow: { ideaKeys: string[]; wording: string; needsChange: boolean };
  leaflet: {
    title: string;
    situation: string;
    standardSolution: string[];
    wowEffect: string;
    questions: PlannedQuestion[];
  };
}

export interface PlannedPulse {
  employeeId: string;
  seesPracticalBenefit: boolean;
  usefulness: number;
  comment: string | null;
}

export interface PlannedCircle {
  key: string;
  weekIndex: number;
  date: string;
  /** Minute of the company-local day the circle starts. */
  startMinute: number;
  leaderId: string;
  participantIds: string[];
  /** Participants the leader invites before they join (the others volunteer). */
  invitedIds: string[];
  /** The leader and the participants who actually came. */
  attendeeIds: string[];
  situations: PlannedSituation[];
  pulses: PlannedPulse[];
}

export type IdeaAction =
  | { type: 'review' }
  | { type: 'approve'; scope: 'contact_centre' | 'other_department'; targetDepartmentId: string | null }
  | { type: 'assignOwner'; ownerId: string; dueInDays: number }
  | { type: 'start' }
  | { type: 'complete'; description: string }
  | { type: 'reject'; reason: string }
  | { type: 'defer'; reason: string; revisitInDays: number }
  | { type: 'support'; by: string };

/** What the coordinators (and colleagues) do with one idea, pass by pass. */
export interface IdeaTrack {
  /** A question key (an idea taken in from a leaflet) or a direct idea's key. */
  ideaKey: string;
  fate: IdeaFate;
  steps: { weekIndex: number; action: IdeaAction }[];
}

export interface DirectIdea {
  key: string;
  weekIndex: number;
  proposerId: string;
  title: string;
  description: string;
}

export interface PlannedCrmMessage {
  event: CrmEvent;
  /** The Kafka message key. */
  key: string;
  /** The week whose batch delivers it. */
  deliveryWeek: number;
  /** Delivered after the week's circles rather than before its scheduling. */
  afterCircles: boolean;
  /** A re-delivery of an event already sent (same eventId). */
  duplicate: boolean;
  /** Delivered at least two days after it happened. */
  late: boolean;
}

export interface PlannedWeek {
  index: number;
  isoWeek: string;
  /** Working days of the week inside the period. */
  days: string[];
  /** When the coordinator schedules the week's circles (epoch ms). */
  scheduleAt: number;
  /** When the coordinators review ideas, after the week's circles (epoch ms). */
  reviewAt: number;
  circles: PlannedCircle[];
  directIdeas: DirectIdea[];
}

/** A complaint no circle takes up: the coordinator archives its situation, so the backlog stays workable. */
export interface PlannedArchive {
  complaintId: string;
  category: CrmComplaintCategory;
  weekIndex: number;
  reason: string;
}

export interface Plan {
  options: PlanOptions;
  period: { from: string; to: string };
  departments: PlannedDepartment[];
  /** Departments outside the contact centre that receive submitted ideas. */
  otherDepartments: PlannedDepartment[];
  employees: PlannedEmployee[];
  coordinatorIds: string[];
  weeks: PlannedWeek[];
  ideaTracks: IdeaTrack[];
  crm: PlannedCrmMessage[];
  archives: PlannedArchive[];
}

/** The figures a plan produces when played completely. */
export interface PlanFigures extends Targets {
  situations: number;
  brainstormIdeas: number;
  pulseAnswers: number;
  complaints: number;
  crmMessages: number;
  duplicates: number;
  lateEvents: number;
}

function requireInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InfeasiblePlanError(
      `${name} must be an integer ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got ${value}`,
    );
}

/** The pulse answers and how many of them see benefit, so that the rounded share is exactly the target. */
export function pulseSplit(available: number, target: number): { answers: number; yes: number } | null {
  const preferred = Math.max(1, Math.round(available * 0.9));
  for (let delta = 0; delta <= available; delta++) {
    for (const answers of [preferred - delta, preferred + delta]) {
      if (answers < 1 || answers > available) continue;
      const yes = Math.round((target * answers) / 100);
      // Strictly inside the rounding interval: no dependence on how a client rounds halves.
      if (yes >= 0 && yes <= answers && Math.abs((100 * yes) / answers - target) < 0.5)
        return { answers, yes };
    }
  }
  return null;
}

function spreadCircles(random: Random, total: number, weeks: number, perWeekMax: number): number[] {
  const counts = Array.from({ length: weeks }, () => Math.floor(total / weeks));
  for (const index of random.sample([...counts.keys()], total % weeks)) counts[index]! += 1;
  // Some weeks are busier than others.
  for (let i = 0; i < weeks * 2; i++) {
    const from = random.int(0, weeks - 1);
    const to = random.int(0, weeks - 1);
    if (from !== to && counts[from]! > 1 && counts[to]! < perWeekMax) {
      counts[from]! -= 1;
      counts[to]! += 1;
    }
  }
  return counts;
}

const STAGE_SECONDS: [number, number][] = [
  [120, 260],
  [150, 360],
  [540, 1000],
  [200, 380],
];

export function buildPlan(options: PlanOptions): Plan {
  const { months, employees: employeeCount, departments: departmentCount, seed, start, targets } = options;
  requireInteger('months', months, 1, 36);
  if (options.weeks !== undefined) requireInteger('weeks', options.weeks, 1, 156);
  requireInteger('employees', employeeCount, MIN_PARTICIPANTS + 1, 5000);
  requireInteger('departments', departmentCount, 1, DEPARTMENT_NAMES.length);
  requireInteger('seed', seed, 0, 2 ** 31 - 1);
  if (!isDate(start)) throw new InfeasiblePlanError(`start must be a date YYYY-MM-DD, got "${start}"`);
  if (departmentCount > employeeCount)
    throw new InfeasiblePlanError(`${departmentCount} departments need at least as many employees`);
  requireInteger('circles held', targets.circlesHeld, 1);
  requireInteger('ideas submitted', targets.ideasSubmitted, 0);
  requireInteger('improvements implemented', targets.improvementsImplemented, 0);
  requireInteger('written thanks', targets.writtenThanks, 0);
  requireInteger('practical benefit share', targets.practicalBenefitShare, 0, 100);

  const random = new Random(hash32(`${seed}|${start}`));
  const from = start;
  const to = options.weeks ? addDays(start, options.weeks * 7 - 1) : addDays(addMonths(start, months), -1);
  const tag = `${seed}`;
  const runTag = `${start.replaceAll('-', '')}-${seed}`;

  // Weeks: every ISO week with working days inside the period.
  const weeks: PlannedWeek[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    if (weekday(date) > 5) continue;
    const isoWeek = isoWeekOf(date);
    let week = weeks[weeks.length - 1];
    if (week?.isoWeek !== isoWeek) {
      week = {
        index: weeks.length,
        isoWeek,
        days: [],
        scheduleAt: 0,
        reviewAt: 0,
        circles: [],
        directIdeas: [],
      };
      weeks.push(week);
    }
    week.days.push(date);
  }
  if (weeks.length === 0) throw new InfeasiblePlanError(`The period ${from}..${to} has no working day`);
  for (const week of weeks) {
    week.scheduleAt = localInstant(week.days[0]!, 9 * 60);
    week.reviewAt = localInstant(week.days[week.days.length - 1]!, 20 * 60);
  }
  const lastWeek = weeks.length - 1;

  // Directory.
  const departments: PlannedDepartment[] = DEPARTMENT_NAMES.slice(0, departmentCount).map((name, index) => ({
    id: `dep-${tag}-${index + 1}`,
    name,
  }));
  const leaderCount = Math.max(1, Math.round(employeeCount * LEADER_SHARE));
  const employees: PlannedEmployee[] = Array.from({ length: employeeCount }, (_, index) => ({
    id: `tn-${tag}-${String(index + 1).padStart(4, '0')}`,
    fullName: russianName(random),
    departmentId: departments[index % departmentCount]!.id,
    leaderEligible: false,
  }));
  for (const leader of random.sample(employees, leaderCount)) leader.leaderEligible = true;
  const coordinatorIds = [`tn-${tag}-coord-1`, `tn-${tag}-coord-2`];
  const departmentOf = new Map(employees.map((employee) => [employee.id, employee.departmentId]));
  const leaderIds = employees.filter((employee) => employee.leaderEligible).map((employee) => employee.id);

  // Circles per week: each employee at most once a week, a leader and at least three participants.
  const perWeekMax = Math.min(leaderCount, Math.floor(employeeCount / (MIN_PARTICIPANTS + 1)));
  if (targets.circlesHeld > perWeekMax * weeks.length)
    throw new InfeasiblePlanError(
      `${targets.circlesHeld} circles do not fit in ${weeks.length} weeks with ${employeeCount} employees ` +
        `(${leaderCount} of them leaders): at most ${perWeekMax} circles a week, ${perWeekMax * weeks.length} in all, ` +
        'since each employee takes part once a week and a circle needs a leader and 3 participants. ' +
        'Give more employees or months, or fewer circles.',
    );
  const perWeek = spreadCircles(random, targets.circlesHeld, weeks.length, perWeekMax);

  let situationSeq = 0;
  let ideaSeq = 0;
  const complaintsToSend: {
    complaintId: string;
    category: CrmComplaintCategory;
    before: number;
    weekIndex: number;
  }[] = [];
  for (const week of weeks) {
    const count = perWeek[week.index]!;
    const leaders = random.sample(leaderIds, count);
    const pool = random.shuffle(
      employees.map((employee) => employee.id).filter((id) => !leaders.includes(id)),
    );
    const sizes = leaders.map(() =>
      random.weighted<number>([
        [3, 10],
        [4, 40],
        [5, 35],
        [6, 10],
        [7, 5],
      ]),
    );
    while (sizes.reduce((sum, size) => sum + size, 0) > pool.length) {
      const largest = sizes.indexOf(Math.max(...sizes));
      sizes[largest]! -= 1;
    }
    // Participants are drawn department by department, so circles mix departments.
    const byDepartment = new Map<string, string[]>();
    for (const id of pool) {
      const department = departmentOf.get(id)!;
      byDepartment.set(department, [...(byDepartment.get(department) ?? []), id]);
    }
    for (const [circleIndex, leaderId] of leaders.entries()) {
      const leaderDepartment = departmentOf.get(leaderId)!;
      const order = random
        .shuffle([...byDepartment.keys()])
        .sort((a, b) => Number(a === leaderDepartment) - Number(b === leaderDepartment));
      const participantIds: string[] = [];
      while (participantIds.length < sizes[circleIndex]!) {
        const before = participantIds.length;
        for (const department of order) {
          const queue = byDepartment.get(department)!;
          if (queue.length > 0 && participantIds.length < sizes[circleIndex]!)
            participantIds.push(queue.shift()!);
        }
        if (participantIds.length === before) break;
      }
      const absent =
        participantIds.length > MIN_PARTICIPANTS && random.chance(0.1) ? random.pick(participantIds) : null;
      const attendeeIds = [leaderId, ...participantIds.filter((id) => id !== absent)];
      const date = random.pick(week.days);
      const startMinute = random.pick([10 * 60, 11 * 60, 12 * 60, 14 * 60, 15 * 60, 16 * 60]);
      const situationCount = random.chance(0.2) ? 2 : 1;
      const situations: PlannedSituation[] = [];
      for (let s = 0; s < situationCount; s++) {
        situationSeq += 1;
        const fromCrm = random.chance(0.85);
        const category: SituationCategory = fromCrm
          ? random.weighted<CrmComplaintCategory>([
              ['service_quality', 40],
              ['product', 15],
              ['billing', 15],
              ['claims', 20],
              ['other', 10],
            ])
          : random.weighted<SituationCategory>([
              ['internal', 50],
              ['service_quality', 25],
              ['claims', 15],
              ['product', 10],
            ]);
        const complaintId = fromCrm ? `CMP-${runTag}-${String(situationSeq).padStart(5, '0')}` : null;
        if (complaintId)
          complaintsToSend.push({
            complaintId,
            category: category as CrmComplaintCategory,
            before: week.scheduleAt,
            weekIndex: week.index,
          });
        const title = situationTitle(random, category);
        const registration = fromCrm
          ? null
          : {
              by: random.pick(attendeeIds),
              anonymous: random.chance(0.3),
              title,
              description: `${title}. Повторяется несколько раз в неделю, клиенты и коллеги теряют время.`,
            };
        // Brainstorm: many ideas, some building on others, praise for their authors.
        const ideas: PlannedIdea[] = [];
        const ideaCount = random.int(3, 7);
        for (let n = 0; n < ideaCount; n++) {
          ideaSeq += 1;
          const parent = ideas.length > 0 && random.chance(0.3) ? random.pick(ideas) : null;
          const authorId = random.pick(attendeeIds);
          const praisers = attendeeIds.filter((id) => id !== authorId);
          ideas.push({
            key: `idea-${ideaSeq}`,
            authorId,
            parentKey: parent?.key ?? null,
            text: parent ? buildOnIdea(random) : brainstormIdea(random, category, n),
            praisedBy: random.chance(0.55)
              ? random.sample(praisers, random.int(1, Math.min(2, praisers.length)))
              : [],
          });
        }
        const best = [...ideas].sort((a, b) => b.praisedBy.length - a.praisedBy.length)[0]!;
        const child = ideas.find((idea) => idea.parentKey === best.key);
        const wording = wowWording(random, category);
        situations.push({
          key: `situation-${situationSeq}`,
          category,
          complaintId,
          registration,
          stageSeconds: STAGE_SECONDS.map(([min, max]) =>
            random.int(min, max),
          ) as PlannedSituation['stageSeconds'],
          stepBack: random.chance(0.05),
          ideas,
          wow: {
            ideaKeys: child ? [best.key, child.key] : [best.key],
            wording,
            needsChange: random.chance(0.05),
          },
          leaflet: {
            title: title.length > 80 ? `${title.slice(0, 79)}…` : title,
            situation: registration?.description ?? title,
            standardSolution: standardSteps(category),
            wowEffect: wording,
            questions: [],
          },
        });
      }
      const pulses: PlannedPulse[] = attendeeIds
        .filter((id) => id !== leaderId)
        .map((employeeId) => ({ employeeId, seesPracticalBenefit: true, usefulness: 5, comment: null }));
      week.circles.push({
        key: `circle-${week.index + 1}-${circleIndex + 1}`,
        weekIndex: week.index,
        date,
        startMinute,
        leaderId,
        participantIds,
        invitedIds: participantIds.filter(() => random.chance(0.5)),
        attendeeIds,
        situations,
        pulses,
      });
    }
  }
  const circles = weeks.flatMap((week) => week.circles);

  // Pulses: exactly as many answers and benefits as make the rounded share the target.
  const candidates = circles.flatMap((circle) => circle.pulses);
  const split = pulseSplit(candidates.length, targets.practicalBenefitShare);
  if (!split)
    throw new InfeasiblePlanError(
      `No number of pulse answers up to ${candidates.length} rounds to ${targets.practicalBenefitShare}%`,
    );
  const answering = new Set(random.sample(candidates, split.answers));
  const seeing = new Set(random.sample([...answering], split.yes));
  for (const circle of circles) {
    circle.pulses = circle.pulses
      .filter((pulse) => answering.has(pulse))
      .map((pulse) => {
        const benefit = seeing.has(pulse);
        return {
          ...pulse,
          seesPracticalBenefit: benefit,
          usefulness: benefit ? random.int(3, 5) : random.int(1, 3),
          comment: pulseComment(random, benefit),
        };
      });
  }

  // Improvement pipeline: leaflets' additional questions, exactly the targets submitted and implemented.
  const leaflets = circles.flatMap((circle) => circle.situations.map((situation) => ({ circle, situation })));
  const needed = targets.ideasSubmitted + targets.improvementsImplemented;
  const capacity = leaflets.length * MAX_ADDITIONAL_QUESTIONS;
  if (needed > capacity)
    throw new InfeasiblePlanError(
      `${needed} ideas submitted and implemented need more leaflets: ${leaflets.length} leaflets hold at most ` +
        `${capacity} additional questions (${MAX_ADDITIONAL_QUESTIONS} each). Give more circles.`,
    );
  const extra = Math.min(capacity - needed, Math.round(needed * 0.3) + Math.min(weeks.length, 4));
  const extraFates: IdeaFate[] = ['rejected', 'deferred', 'in_progress', 'under_review'];
  const fates = random.shuffle<IdeaFate>([
    ...Array<IdeaFate>(targets.improvementsImplemented).fill('implemented'),
    ...Array<IdeaFate>(targets.ideasSubmitted).fill('submitted'),
    ...Array.from({ length: extra }, (_, index) => extraFates[index % extraFates.length]!),
  ]);
  const ideaTracks: IdeaTrack[] = [];
  let questionSeq = 0;
  for (const fate of fates) {
    const roomy = leaflets.filter(({ situation }) => situation.leaflet.questions.length < 3);
    const { circle, situation } = random.pick(
      roomy.length > 0
        ? roomy
        : leaflets.filter(({ situation: s }) => s.leaflet.questions.length < MAX_ADDITIONAL_QUESTIONS),
    );
    questionSeq += 1;
    const question: PlannedQuestion = {
      key: `question-${questionSeq}`,
      text: additionalQuestion(random, situation.category, questionSeq),
      fate,
    };
    situation.leaflet.questions.push(question);
    ideaTracks.push({ ideaKey: question.key, fate, steps: ideaSteps(random, fate, circle, lastWeek) });
  }

  // Ideas employees propose directly; they stay out of both figures.
  const directCount = Math.max(1, Math.round(weeks.length / 3));
  for (let n = 1; n <= directCount; n++) {
    const week = random.pick(weeks);
    const idea = directIdea(random);
    const key = `direct-${n}`;
    const proposerId = random.pick(employees).id;
    week.directIdeas.push({ key, weekIndex: week.index, proposerId, ...idea });
    const fate = random.pick<IdeaFate>(['rejected', 'deferred', 'under_review']);
    const steps: IdeaTrack['steps'] = [{ weekIndex: week.index, action: { type: 'review' } }];
    const colleagues = employees.filter((employee) => employee.id !== proposerId);
    for (const supporter of random.sample(colleagues, random.int(0, 3)))
      steps.push({ weekIndex: week.index, action: { type: 'support', by: supporter.id } });
    const later = Math.min(week.index + 1, lastWeek);
    if (fate === 'rejected')
      steps.push({ weekIndex: later, action: { type: 'reject', reason: reason(random, 'reject') } });
    if (fate === 'deferred')
      steps.push({
        weekIndex: later,
        action: { type: 'defer', reason: reason(random, 'defer'), revisitInDays: 60 },
      });
    ideaTracks.push({ ideaKey: key, fate, steps });
  }

  const { messages: crm, archives } = planCrm(random, {
    from,
    to,
    weeks,
    departments,
    employees,
    complaintsToSend,
    runTag,
    writtenThanks: targets.writtenThanks,
  });

  return {
    options,
    period: { from, to },
    departments,
    otherDepartments: OTHER_DEPARTMENTS.slice(
      0,
      Math.max(1, Math.min(OTHER_DEPARTMENTS.length, departmentCount)),
    ),
    employees,
    coordinatorIds,
    weeks,
    ideaTracks,
    crm,
    archives,
  };
}

function ideaSteps(
  random: Random,
  fate: IdeaFate,
  circle: PlannedCircle,
  lastWeek: number,
): IdeaTrack['steps'] {
  const w0 = circle.weekIndex;
  const next = (weeks: number) => Math.min(w0 + weeks, lastWeek);
  const steps: IdeaTrack['steps'] = [{ weekIndex: w0, action: { type: 'review' } }];
  if (random.chance(0.3)) {
    for (const by of random.sample(circle.participantIds, random.int(1, 2)))
      steps.push({ weekIndex: w0, action: { type: 'support', by } });
  }
  const owner = circle.leaderId;
  switch (fate) {
    case 'implemented': {
      const approved = next(1);
      steps.push(
        {
          weekIndex: approved,
          action: { type: 'approve', scope: 'contact_centre', targetDepartmentId: null },
        },
        { weekIndex: approved, action: { type: 'assignOwner', ownerId: owner, dueInDays: 30 } },
        { weekIndex: approved, action: { type: 'start' } },
        {
          weekIndex: Math.min(approved + random.int(0, 3), lastWeek),
          action: { type: 'complete', description: implementationNote(random) },
        },
      );
      break;
    }
    case 'submitted':
      steps.push({
        weekIndex: next(random.int(1, 3)),
        action: {
          type: 'approve',
          scope: 'other_department',
          targetDepartmentId: random.pick(OTHER_DEPARTMENTS).id,
        },
      });
      break;
    case 'rejected':
      steps.push({ weekIndex: next(1), action: { type: 'reject', reason: reason(random, 'reject') } });
      break;
    case 'deferred':
      steps.push({
        weekIndex: next(2),
        action: { type: 'defer', reason: reason(random, 'defer'), revisitInDays: 60 },
      });
      break;
    case 'in_progress':
      steps.push(
        {
          weekIndex: next(1),
          action: { type: 'approve', scope: 'contact_centre', targetDepartmentId: null },
        },
        { weekIndex: next(1), action: { type: 'assignOwner', ownerId: owner, dueInDays: 45 } },
        { weekIndex: next(1), action: { type: 'start' } },
      );
      break;
    case 'under_review':
      break;
  }
  return steps;
}

interface CrmInputs {
  from: string;
  to: string;
  weeks: PlannedWeek[];
  departments: PlannedDepartment[];
  employees: PlannedEmployee[];
  complaintsToSend: {
    complaintId: string;
    category: CrmComplaintCategory;
    before: number;
    weekIndex: number;
  }[];
  runTag: string;
  writtenThanks: number;
}

const DAY_MINUTES = 24 * 60;

function planCrm(
  random: Random,
  inputs: CrmInputs,
): { messages: PlannedCrmMessage[]; archives: PlannedArchive[] } {
  const { from, to, weeks, departments, employees, complaintsToSend, runTag } = inputs;
  const lastWeek = weeks.length - 1;
  const days: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) days.push(date);
  const weekOfDate = (date: string): number => {
    const iso = isoWeekOf(date);
    const found = weeks.findIndex((week) => week.isoWeek === iso);
    if (found >= 0) return found;
    return date < weeks[0]!.days[0]! ? 0 : lastWeek;
  };
  const customer = () => `CUST-${random.int(1_000_000, 9_999_999)}`;
  const channel = (written: boolean | null): CrmChannel =>
    written === null
      ? random.pick(CRM_CHANNELS)
      : written
        ? random.pick<CrmChannel>(['email', 'web', 'office'])
        : random.pick<CrmChannel>(['phone', 'chat', 'messenger']);
  const employeeOf = (departmentId: string) =>
    random.chance(0.5) ? random.pick(employees.filter((e) => e.departmentId === departmentId)).id : null;

  const messages: PlannedCrmMessage[] = [];
  /** Delivery of an event that happened at `instant`, sometimes days late, never after `latest`. */
  const deliver = (
    event: CrmEvent,
    key: string,
    instant: number,
    latest?: { week: number },
  ): PlannedCrmMessage => {
    const occurredOn = localDateOf(instant);
    const late = random.chance(0.05);
    const deliveredOn = late ? addDays(occurredOn, random.int(2, 6)) : occurredOn;
    let deliveryWeek = weekOfDate(deliveredOn);
    let afterCircles = late
      ? deliveryWeek === weekOfDate(occurredOn)
      : instant > weeks[deliveryWeek]!.scheduleAt;
    if (latest && deliveryWeek >= latest.week) {
      deliveryWeek = latest.week;
      afterCircles = false;
    }
    const message = { event, key, deliveryWeek, afterCircles, duplicate: false, late };
    messages.push(message);
    if (random.chance(0.03)) {
      // At-least-once delivery: the same eventId again, now or in the next batch.
      const again = Math.min(deliveryWeek + random.int(0, 1), latest?.week ?? lastWeek);
      messages.push({
        ...message,
        deliveryWeek: again,
        afterCircles: again === deliveryWeek ? true : afterCircles,
        duplicate: true,
      });
    }
    return message;
  };
  const periodStart = localInstant(from, 0);
  const periodEnd = localInstant(addDays(to, 1), 0) - 60_000;
  const randomInstant = () => localInstant(random.pick(days), random.int(8 * 60, 21 * 60));

  // Complaints the circles discuss: logged before the week's circles are scheduled.
  for (const { complaintId, category, before, weekIndex } of complaintsToSend) {
    const earliest = Math.max(periodStart, before - 6 * DAY_MINUTES * 60_000);
    const instant =
      earliest + random.int(0, Math.max(0, Math.floor((before - 60 * 60_000 - earliest) / 60_000))) * 60_000;
    const departmentId = random.chance(0.8) ? random.pick(departments).id : null;
    const customerId = customer();
    deliver(
      {
        eventId: random.uuid(),
        type: 'ComplaintLogged',
        schemaVersion: CRM_SCHEMA_VERSION,
        occurredAt: formatLocal(instant),
        payload: {
          complaintId,
          customerId,
          channel: channel(null),
          category,
          departmentId,
          employeeId: departmentId ? employeeOf(departmentId) : null,
          summary: complaintSummary(random, category, random.chance(0.2)),
        },
      },
      customerId,
      instant,
      { week: weekIndex },
    );
  }
  // Complaints that stay in the backlog.
  const categories: CrmComplaintCategory[] = ['service_quality', 'product', 'billing', 'claims', 'other'];
  const extraComplaints = Math.round(complaintsToSend.length * 0.5) + weeks.length;
  const archives: PlannedArchive[] = [];
  for (let n = 1; n <= extraComplaints; n++) {
    const instant = randomInstant();
    const category = n <= categories.length ? categories[n - 1]! : random.pick(categories);
    const departmentId = random.pick(departments).id;
    const customerId = customer();
    const complaintId = `CMP-${runTag}-x${String(n).padStart(5, '0')}`;
    const { deliveryWeek } = deliver(
      {
        eventId: random.uuid(),
        type: 'ComplaintLogged',
        schemaVersion: CRM_SCHEMA_VERSION,
        occurredAt: formatLocal(instant),
        payload: {
          complaintId,
          customerId,
          channel: channel(null),
          category,
          departmentId,
          employeeId: employeeOf(departmentId),
          summary: complaintSummary(random, category, random.chance(0.2)),
        },
      },
      customerId,
      instant,
    );
    const archivedIn = deliveryWeek + random.int(1, 3);
    if (archivedIn <= lastWeek)
      archives.push({ complaintId, category, weekIndex: archivedIn, reason: reason(random, 'archive') });
  }
  // Thanks: exactly the target written, and spoken ones besides.
  const unwritten = inputs.writtenThanks * 2 + weeks.length;
  for (let n = 1; n <= inputs.writtenThanks + unwritten; n++) {
    const written = n <= inputs.writtenThanks;
    const instant = randomInstant();
    const departmentId = random.chance(0.9) ? random.pick(departments).id : null;
    const customerId = customer();
    deliver(
      {
        eventId: random.uuid(),
        type: 'GratitudeReceived',
        schemaVersion: CRM_SCHEMA_VERSION,
        occurredAt: formatLocal(instant),
        payload: {
          gratitudeId: `GRT-${runTag}-${String(n).padStart(5, '0')}`,
          customerId,
          channel: channel(written),
          written,
          departmentId,
          employeeId: departmentId ? employeeOf(departmentId) : null,
          text: written || random.chance(0.5) ? gratitudeText(random, written) : null,
        },
      },
      customerId,
      instant,
    );
  }
  // Surveys after contacts: CSI, NPS or both.
  let surveySeq = 0;
  for (const date of days) {
    for (let n = random.int(1, 4); n > 0; n--) {
      surveySeq += 1;
      const instant = localInstant(date, random.int(9 * 60, 21 * 60));
      const shape = random.weighted<'both' | 'csi' | 'nps'>([
        ['both', 8],
        ['csi', 1],
        ['nps', 1],
      ]);
      const csi =
        shape === 'nps'
          ? null
          : random.weighted<number>([
              [5, 40],
              [4, 30],
              [3, 15],
              [2, 8],
              [1, 7],
            ]);
      const nps = shape === 'csi' ? null : random.int(random.chance(0.7) ? 7 : 0, 10);
      const customerId = customer();
      deliver(
        {
          eventId: random.uuid(),
          type: 'SurveyAnswered',
          schemaVersion: CRM_SCHEMA_VERSION,
          occurredAt: formatLocal(instant),
          payload: {
            surveyId: `SRV-${runTag}-${String(surveySeq).padStart(6, '0')}`,
            customerId,
            departmentId: random.pick(departments).id,
            csi,
            nps,
            comment: surveyComment(random, csi),
          },
        },
        customerId,
        instant,
      );
    }
  }
  // Handled contacts per department and day; sometimes corrected by a later message.
  for (const date of days) {
    const weekend = weekday(date) > 5;
    for (const department of departments) {
      const count = weekend ? random.int(40, 160) : random.int(250, 900);
      const instant = localInstant(date, 22 * 60);
      const payload = { departmentId: department.id, date, count };
      deliver(
        {
          eventId: random.uuid(),
          type: 'ContactsHandled',
          schemaVersion: CRM_SCHEMA_VERSION,
          occurredAt: formatLocal(instant),
          payload,
        },
        department.id,
        instant,
      );
      if (random.chance(0.05)) {
        const corrected = Math.min(periodEnd, localInstant(addDays(date, 1), 10 * 60));
        deliver(
          {
            eventId: random.uuid(),
            type: 'ContactsHandled',
            schemaVersion: CRM_SCHEMA_VERSION,
            occurredAt: formatLocal(Math.max(corrected, instant + 60_000)),
            payload: { ...payload, count: Math.max(0, count + random.int(-40, 40)) },
          },
          department.id,
          Math.max(corrected, instant + 60_000),
        );
      }
    }
  }
  return { messages, archives };
}

/** The figures the plan yields once played: what the unit tests and the final table compare with. */
export function planFigures(plan: Plan): PlanFigures {
  const circles = plan.weeks.flatMap((week) => week.circles);
  const situations = circles.flatMap((circle) => circle.situations);
  const pulses = circles.flatMap((circle) => circle.pulses);
  const { from, to } = plan.period;
  const inPeriod = (occurredAt: string) => {
    const date = localDateOf(Date.parse(occurredAt));
    return date >= from && date <= to;
  };
  const distinct = new Map(plan.crm.map((message) => [message.event.eventId, message.event]));
  const events = [...distinct.values()];
  return {
    circlesHeld: circles.length,
    ideasSubmitted: plan.ideaTracks.filter((track) => track.fate === 'submitted').length,
    improvementsImplemented: plan.ideaTracks.filter((track) => track.fate === 'implemented').length,
    writtenThanks: events.filter(
      (event) => event.type === 'GratitudeReceived' && event.payload.written && inPeriod(event.occurredAt),
    ).length,
    practicalBenefitShare:
      pulses.length === 0
        ? 0
        : Math.round((100 * pulses.filter((pulse) => pulse.seesPracticalBenefit).length) / pulses.length),
    situations: situations.length,
    brainstormIdeas: situations.reduce((sum, situation) => sum + situation.ideas.length, 0),
    pulseAnswers: pulses.length,
    complaints: events.filter((event) => event.type === 'ComplaintLogged').length,
    crmMessages: plan.crm.length,
    duplicates: plan.crm.filter((message) => message.duplicate).length,
    lateEvents: plan.crm.filter((message) => message.late).length,
  };
}
