// Plays a plan against the running stack as its clients would: the CRM through Kafka, HR, leaders,
// participants and coordinators through the gateway, each at the business time of their act.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { addDays, formatLocal, localDateOf, localInstant } from './calendar.js';
import { GatewayClient, GraphQLCallError, type Caller } from './client.js';
import {
  buildPlan,
  type IdeaAction,
  type Plan,
  type PlanOptions,
  type PlannedCircle,
  type PlannedCrmMessage,
  type PlannedWeek,
  type Targets,
} from './plan.js';

export interface SimulationOptions extends PlanOptions {
  /** GraphQL endpoint of the gateway. */
  gateway: string;
  brokers: string[];
  crmTopic: string;
  jwtSecret: string;
  /** Circles of a week run side by side. */
  concurrency: number;
  /** How long to wait for asynchronous steps and for the figures to catch up. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface FigureRow {
  figure: keyof Targets;
  target: number;
  readBack: number | null;
  ok: boolean;
}

export interface SimulationResult {
  ok: boolean;
  period: { from: string; to: string };
  rows: FigureRow[];
  wallMs: number;
  requests: number;
  crmMessages: number;
  plan: Plan;
}

/** The stack cannot take this simulation (not in simulation mode, period already played, …). */
export class SimulationRefusedError extends Error {
  override name = 'SimulationRefusedError';
}

export const FIGURES: (keyof Targets)[] = [
  'circlesHeld',
  'ideasSubmitted',
  'improvementsImplemented',
  'writtenThanks',
  'practicalBenefitShare',
];

const SUMMARY_FIELDS = `circlesHeld ideasSubmitted improvementsImplemented writtenThanks practicalBenefitShare
  practicalBenefitShareSample complaints gratitudes surveyAnswers contactsHandled ideasProposed`;

interface Summary {
  circlesHeld: number;
  ideasSubmitted: number;
  improvementsImplemented: number;
  writtenThanks: number;
  practicalBenefitShare: number | null;
  practicalBenefitShareSample: number;
  complaints: number;
  gratitudes: number;
  surveyAnswers: number;
  contactsHandled: number;
  ideasProposed: number;
}

const CIRCLE_STATE = `id startedAt currentStage { stage situationId } brainstormIdeas { id }
  leaflets { id situationId }`;

interface CircleState {
  id: string;
  startedAt: string | null;
  currentStage: { stage: string; situationId: string } | null;
  brainstormIdeas: { id: string }[];
  leaflets: { id: string; situationId: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECOND = 1000;
const MINUTE = 60 * SECOND;

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(wait);
  }
}

/** What the player learnt from the stack: ids the services chose. */
interface Ids {
  situations: Map<string, string>;
  leaflets: Map<string, string>;
  ideas: Map<string, string>;
}

class Player {
  readonly client: GatewayClient;
  private readonly log: (line: string) => void;
  private readonly hr: Caller = { subject: 'hr-import', roles: ['admin'] };
  private readonly analyst: Caller = { subject: 'programme-analyst', roles: ['analyst'] };
  private readonly people = new Map<string, Caller>();
  private readonly ids: Ids = { situations: new Map(), leaflets: new Map(), ideas: new Map() };
  private producer: Producer | null = null;
  private crmSent = 0;
  private circlesHeld = 0;
  private businessTimeChecked = false;
  private pendingArchives: Plan['archives'] = [];

  constructor(
    readonly plan: Plan,
    readonly options: SimulationOptions,
  ) {
    this.client = new GatewayClient(options.gateway, options.jwtSecret);
    this.log = options.log ?? (() => undefined);
    for (const employee of plan.employees)
      this.people.set(employee.id, {
        subject: employee.id,
        // `admin` lets the gateway honour the business-time header (simulation mode only); see the README.
        roles: [employee.leaderEligible ? 'leader' : 'participant', 'admin'],
        departmentId: employee.departmentId,
      });
    for (const id of plan.coordinatorIds)
      this.people.set(id, {
        subject: id,
        roles: ['coordinator', 'admin'],
        departmentId: plan.departments[0]!.id,
      });
  }

  private person(id: string): Caller {
    const caller = this.people.get(id);
    if (!caller) throw new Error(`No simulated employee ${id}`);
    return caller;
  }

  private coordinator(n: number): Caller {
    return this.person(this.plan.coordinatorIds[n % this.plan.coordinatorIds.length]!);
  }

  async checkStack(): Promise<void> {
    let probe;
    try {
      probe = await this.client.raw<{ __typename: string }>(
        this.hr,
        '{ __typename }',
        {},
        {
          'x-hc-business-time': 'not-a-time',
        },
      );
    } catch (error) {
      throw new SimulationRefusedError(
        `The gateway at ${this.options.gateway} does not answer: ${String(error)}`,
      );
    }
    const error = probe.body.errors?.[0];
    if (error?.extensions?.code === 'UNAUTHENTICATED')
      throw new SimulationRefusedError(
        `The gateway refuses the simulator's tokens (${error.message}): pass the gateway's JWT_SECRET with --jwt-secret`,
      );
    // A gateway in simulation mode checks an admin's business time; otherwise it ignores the header.
    if (!error || !error.message.includes('x-hc-business-time'))
      throw new SimulationRefusedError(
        `The stack at ${this.options.gateway} is not in simulation mode, so nobody can set the business time: ` +
          'start the services and the gateway with SIMULATION_MODE=true (never in production)',
      );
    const { from, to } = this.plan.period;
    const summary = await this.summary();
    const filled = Object.entries({
      circles: summary.circlesHeld,
      complaints: summary.complaints,
      thanks: summary.gratitudes,
      'survey answers': summary.surveyAnswers,
      'handled contacts': summary.contactsHandled,
      'brainstorm ideas': summary.ideasProposed,
      'ideas submitted': summary.ideasSubmitted,
      improvements: summary.improvementsImplemented,
      'pulse answers': summary.practicalBenefitShareSample,
    }).filter(([, value]) => value > 0);
    if (filled.length > 0)
      throw new SimulationRefusedError(
        `The period ${from}..${to} already has data (${filled.map(([name, value]) => `${value} ${name}`).join(', ')}): ` +
          `play another period, e.g. --start ${addDays(to, 1)}`,
      );
  }

  async summary(): Promise<Summary> {
    const { from, to } = this.plan.period;
    // A comment never sent before: the analyst cache keys on the document, and the player wants the newest figures.
    const data = await this.client.call<{ programSummary: Summary }>(
      this.analyst,
      `query ($from: Date!, $to: Date!) { programSummary(from: $from, to: $to) { ${SUMMARY_FIELDS} } } # ${randomUUID()}`,
      { from, to },
    );
    return data.programSummary;
  }

  async connect(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'hc-simulator',
      brokers: this.options.brokers,
      logLevel: logLevel.ERROR,
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** Publishes CRM events exactly as the contract says: key the customer id, value the JSON envelope. */
  async publish(messages: PlannedCrmMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 500) {
      const chunk = messages.slice(i, i + 500);
      await this.producer!.send({
        topic: this.options.crmTopic,
        messages: chunk.map((message) => ({ key: message.key, value: JSON.stringify(message.event) })),
      });
      this.crmSent += chunk.length;
    }
  }

  async importDirectory(): Promise<void> {
    const at = localInstant(this.plan.period.from, 7 * 60);
    await this.client.perform(
      this.hr,
      'mutation ($input: [DepartmentInput!]!) { upsertDepartments(input: $input) { id } }',
      { input: this.plan.departments },
      at,
      { repeatable: true },
    );
    const staff = [
      ...this.plan.employees,
      ...this.plan.coordinatorIds.map((id, n) => ({
        id,
        fullName:
          n === 0
            ? 'Координатор программы Смирнова Ольга Павловна'
            : 'Координатор программы Орлов Глеб Андреевич',
        departmentId: this.plan.departments[0]!.id,
        leaderEligible: false,
      })),
    ];
    for (let i = 0; i < staff.length; i += 50) {
      await this.client.perform(
        this.hr,
        'mutation ($input: [EmployeeInput!]!) { upsertEmployees(input: $input) { id } }',
        { input: staff.slice(i, i + 50) },
        at,
        { repeatable: true },
      );
    }
    this.log(`HR import: ${this.plan.departments.length} departments, ${staff.length} employees`);
  }

  async playWeek(week: PlannedWeek): Promise<void> {
    const started = performance.now();
    const { crm } = this.plan;
    await this.publish(crm.filter((m) => m.deliveryWeek === week.index && !m.afterCircles));

    // Situations employees bring themselves.
    const brought = week.circles.flatMap((circle) =>
      circle.situations.filter((situation) => situation.registration !== null),
    );
    await mapLimit(brought, this.options.concurrency, async (situation, n) => {
      const registration = situation.registration!;
      const { registerSituation } = await this.client.call<{ registerSituation: { id: string } }>(
        this.person(registration.by),
        `mutation ($input: RegisterSituationInput!) { registerSituation(input: $input) { id } }`,
        {
          input: {
            title: registration.title,
            description: registration.description,
            category: situation.category,
            anonymous: registration.anonymous,
          },
        },
        week.scheduleAt - 30 * MINUTE + n * SECOND,
        { whenRecorded: ([id]) => ({ registerSituation: { id: id! } }) },
      );
      this.ids.situations.set(situation.key, registerSituation.id);
    });

    // Ideas employees propose directly.
    for (const idea of week.directIdeas) {
      const day = week.days[Math.min(2, week.days.length - 1)]!;
      const { proposeImprovementIdea } = await this.client.call<{ proposeImprovementIdea: { id: string } }>(
        this.person(idea.proposerId),
        'mutation ($input: ProposeIdeaInput!) { proposeImprovementIdea(input: $input) { id } }',
        { input: { title: idea.title, description: idea.description } },
        localInstant(day, 12 * 60),
        { whenRecorded: ([id]) => ({ proposeImprovementIdea: { id: id! } }) },
      );
      this.ids.ideas.set(idea.key, proposeImprovementIdea.id);
    }

    // Complaints the CRM logged become situations asynchronously: the coordinator looks at the backlog.
    const wanted = week.circles.flatMap((circle) =>
      circle.situations.filter((situation) => situation.complaintId !== null),
    );
    if (wanted.length > 0) {
      const categories = [...new Set(wanted.map((situation) => situation.category))];
      const byComplaint = await poll(
        `the complaints of ${week.isoWeek} to reach the backlog (is --crm-topic the circles service's CRM_TOPIC?)`,
        this.options.timeoutMs,
        async () => {
          const found = await this.backlog(categories);
          return wanted.every((situation) => found.has(situation.complaintId!)) ? found : null;
        },
      );
      for (const situation of wanted)
        this.ids.situations.set(situation.key, byComplaint.get(situation.complaintId!)!);
    }

    // The week's circles, several at once, each run by its own people.
    await mapLimit(week.circles, this.options.concurrency, (circle, n) => this.playCircle(week, circle, n));
    await this.publish(crm.filter((m) => m.deliveryWeek === week.index && m.afterCircles));

    const steps = await this.reviewIdeas(week);
    const archived = await this.archiveStale(week);
    const situations = week.circles.reduce((sum, circle) => sum + circle.situations.length, 0);
    const total = this.plan.options.targets.circlesHeld;
    this.log(
      `week ${week.index + 1}/${this.plan.weeks.length} ${week.isoWeek}: ${week.circles.length} circles, ` +
        `${situations} situations, ${steps} idea steps, ${archived} stale situations archived — ` +
        `${this.circlesHeld}/${total} circles, ` +
        `${this.crmSent} CRM messages, ${this.client.requests} requests (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  private async playCircle(week: PlannedWeek, circle: PlannedCircle, n: number): Promise<void> {
    const leader = this.person(circle.leaderId);
    const call = (caller: Caller, query: string, variables: Record<string, unknown>, at: number) =>
      this.client.call<Record<string, CircleState>>(caller, query, variables, at).then((data) => {
        const value = Object.values(data)[0];
        if (!value) throw new Error('no circle in the answer');
        return value;
      });
    const byCircle = (field: string) =>
      `mutation ($circleId: ID!) { ${field}(circleId: $circleId) { ${CIRCLE_STATE} } }`;

    const scheduled = await call(
      this.coordinator(n),
      `mutation ($input: ScheduleCircleInput!) { scheduleCircle(input: $input) { ${CIRCLE_STATE} } }`,
      {
        input: {
          leaderId: circle.leaderId,
          scheduledAt: formatLocal(localInstant(circle.date, circle.startMinute)),
          situationIds: circle.situations.map((situation) => this.ids.situations.get(situation.key)!),
        },
      },
      week.scheduleAt + n * 20 * SECOND,
    );
    const circleId = scheduled.id;
    let t = week.scheduleAt + 10 * MINUTE;
    for (const invited of circle.invitedIds) {
      t += 10 * SECOND;
      await this.client.call(
        leader,
        'mutation ($circleId: ID!, $employeeId: ID!) { inviteParticipant(circleId: $circleId, employeeId: $employeeId) { id } }',
        { circleId, employeeId: invited },
        t,
      );
    }
    t = week.scheduleAt + 30 * MINUTE;
    for (const participant of circle.participantIds) {
      t += MINUTE;
      await this.client.call(this.person(participant), byCircle('joinCircle'), { circleId }, t);
    }

    t = localInstant(circle.date, circle.startMinute);
    const started = await call(leader, byCircle('startCircle'), { circleId }, t);
    if (!this.businessTimeChecked) {
      if (started.startedAt === null || Date.parse(started.startedAt) !== t)
        throw new SimulationRefusedError(
          `The circles service ignored the business time (circle started at ${started.startedAt ?? '?'}, ` +
            `asked for ${new Date(t).toISOString()}): start the services with SIMULATION_MODE=true too`,
        );
      this.businessTimeChecked = true;
    }

    const advance = (at: number) => call(leader, byCircle('advanceStage'), { circleId }, at);
    for (const situation of circle.situations) {
      const [preparation, standard, exchange, wow] = situation.stageSeconds.map((s) => s * SECOND) as [
        number,
        number,
        number,
        number,
      ];
      t += preparation;
      await advance(t);
      t += standard;
      await advance(t);
      // The exchange of opinions: ideas at even intervals, praise right after each.
      const step = Math.floor(exchange / (situation.ideas.length + 1));
      const ideaIds = new Map<string, string>();
      for (const [index, idea] of situation.ideas.entries()) {
        const at = t + step * (index + 1) - 40 * SECOND;
        const after = await call(
          this.person(idea.authorId),
          `mutation ($circleId: ID!, $text: String!, $parent: ID) {
             proposeIdea(circleId: $circleId, text: $text, parentIdeaId: $parent) { ${CIRCLE_STATE} } }`,
          { circleId, text: idea.text, parent: idea.parentKey ? ideaIds.get(idea.parentKey) : null },
          at,
        );
        const ideaId = after.brainstormIdeas[after.brainstormIdeas.length - 1]!.id;
        ideaIds.set(idea.key, ideaId);
        for (const [k, by] of idea.praisedBy.entries()) {
          await this.client.call(
            this.person(by),
            'mutation ($circleId: ID!, $ideaId: ID!) { praiseIdea(circleId: $circleId, ideaId: $ideaId) { id } }',
            { circleId, ideaId },
            at + (k + 1) * 5 * SECOND,
          );
        }
        if (index === 0 && situation.stepBack) {
          // The leader goes back to the standard solution once; it is recorded, then the meeting goes on.
          await call(leader, byCircle('stepBackStage'), { circleId }, at + 20 * SECOND);
          await advance(at + 30 * SECOND);
        }
      }
      t += exchange;
      await advance(t);
      await this.client.call(
        leader,
        'mutation ($input: ChooseWowSolutionInput!) { chooseWowSolution(input: $input) { id } }',
        {
          input: {
            circleId,
            ideaIds: situation.wow.ideaKeys.map((key) => ideaIds.get(key)!),
            wording: situation.wow.wording,
            needsChange: situation.wow.needsChange,
          },
        },
        t + MINUTE,
      );
      const situationId = this.ids.situations.get(situation.key)!;
      const completed = await call(
        leader,
        `mutation ($input: LeafletInput!) { completeLeaflet(input: $input) { ${CIRCLE_STATE} } }`,
        {
          input: {
            circleId,
            situationId,
            title: situation.leaflet.title,
            situation: situation.leaflet.situation,
            standardSolution: situation.leaflet.standardSolution,
            wowEffect: situation.leaflet.wowEffect,
            additionalQuestions: situation.leaflet.questions.map((question) => question.text),
          },
        },
        t + 3 * MINUTE,
      );
      const leaflet = completed.leaflets.find((candidate) => candidate.situationId === situationId);
      if (!leaflet)
        throw new Error(`The leaflet of situation ${situationId} is missing from circle ${circleId}`);
      this.ids.leaflets.set(situation.key, leaflet.id);
      t += wow;
      await advance(t);
    }
    t += MINUTE;
    await this.client.call(
      leader,
      'mutation ($circleId: ID!, $ids: [ID!]!) { recordAttendance(circleId: $circleId, employeeIds: $ids) { id } }',
      { circleId, ids: circle.attendeeIds },
      t,
    );
    t += MINUTE;
    await call(leader, byCircle('completeCircle'), { circleId }, t);
    this.circlesHeld += 1;
    for (const [k, pulse] of circle.pulses.entries()) {
      await this.client.call(
        this.person(pulse.employeeId),
        'mutation ($input: PulseInput!) { answerPulse(input: $input) { id } }',
        {
          input: {
            circleId,
            seesPracticalBenefit: pulse.seesPracticalBenefit,
            usefulness: pulse.usefulness,
            comment: pulse.comment,
          },
        },
        t + (k + 1) * 3 * MINUTE,
      );
    }
  }

  /** Open situations by complaint id, page by page through each category's backlog. */
  private async backlog(categories: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const category of categories) {
      let after: string | null = null;
      for (;;) {
        const { backlog }: { backlog: { id: string; complaintIds: string[] }[] } = await this.client.call(
          this.coordinator(0),
          'query ($category: SituationCategory, $after: ID) { backlog(category: $category, first: 500, after: $after) { id complaintIds } }',
          { category, after },
        );
        for (const situation of backlog)
          for (const complaint of situation.complaintIds) found.set(complaint, situation.id);
        if (backlog.length < 500) break;
        after = backlog.at(-1)!.id;
      }
    }
    return found;
  }

  /** Complaints no circle takes up are archived, so the backlog stays workable. */
  private async archiveStale(week: PlannedWeek): Promise<number> {
    this.pendingArchives.push(...this.plan.archives.filter((archive) => archive.weekIndex === week.index));
    if (this.pendingArchives.length === 0) return 0;
    const open = await this.backlog([...new Set(this.pendingArchives.map((archive) => archive.category))]);
    // One the circles service has not taken in yet waits for the next pass.
    const due = this.pendingArchives.filter((archive) => open.has(archive.complaintId));
    this.pendingArchives = this.pendingArchives.filter((archive) => !open.has(archive.complaintId));
    await mapLimit(due, this.options.concurrency, async (archive, n) => {
      await this.client.perform(
        this.coordinator(n),
        'mutation ($id: ID!, $reason: String!) { archiveSituation(id: $id, reason: $reason) { id } }',
        { id: open.get(archive.complaintId)!, reason: archive.reason },
        week.reviewAt - 30 * MINUTE + n * SECOND,
      );
    });
    return due.length;
  }

  /** The coordinators' pass after the week's circles: take in the leaflets' ideas, move ideas on. */
  private async reviewIdeas(week: PlannedWeek): Promise<number> {
    const leaflets = week.circles.flatMap((circle) =>
      circle.situations.filter((situation) => situation.leaflet.questions.length > 0),
    );
    await mapLimit(leaflets, this.options.concurrency, async (situation) => {
      const leafletId = this.ids.leaflets.get(situation.key)!;
      const ideas = await poll(
        `the ideas of leaflet ${leafletId} to reach the ideas service`,
        this.options.timeoutMs,
        async () => {
          const data = await this.client.call<{ ideas: { nodes: { id: string; description: string }[] } }>(
            this.coordinator(0),
            'query ($leafletId: ID!) { ideas(filter: { leafletId: $leafletId }, first: 20) { nodes { id description } } }',
            { leafletId },
          );
          return data.ideas.nodes.length >= situation.leaflet.questions.length ? data.ideas.nodes : null;
        },
      );
      for (const question of situation.leaflet.questions) {
        const idea = ideas.find((candidate) => candidate.description.trim() === question.text.trim());
        if (!idea) throw new Error(`No idea was taken in for the question «${question.text}»`);
        this.ids.ideas.set(question.key, idea.id);
      }
    });

    const tracks = this.plan.ideaTracks
      .map((track, index) => ({
        track,
        index,
        steps: track.steps.filter((step) => step.weekIndex === week.index),
      }))
      .filter(({ steps }) => steps.length > 0);
    let count = 0;
    await mapLimit(tracks, this.options.concurrency, async ({ track, index, steps }) => {
      const ideaId = this.ids.ideas.get(track.ideaKey);
      if (!ideaId) throw new Error(`Idea ${track.ideaKey} was never created`);
      for (const [k, { action }] of steps.entries()) {
        const at = week.reviewAt + index * 2 * SECOND + k * 200;
        await this.ideaStep(ideaId, action, at, index);
        count += 1;
      }
    });
    return count;
  }

  private async ideaStep(id: string, action: IdeaAction, at: number, n: number): Promise<void> {
    const coordinator = this.coordinator(n);
    const today = localDateOf(at);
    const byId = (field: string) => `mutation ($id: ID!) { ${field}(id: $id) { id status } }`;
    const withInput = (field: string, type: string) =>
      `mutation ($input: ${type}!) { ${field}(input: $input) { id status } }`;
    switch (action.type) {
      case 'review':
        await this.client.perform(coordinator, byId('startIdeaReview'), { id }, at);
        return;
      case 'approve':
        await this.client.perform(
          coordinator,
          withInput('approveIdea', 'ApproveIdeaInput'),
          { input: { id, scope: action.scope, targetDepartmentId: action.targetDepartmentId } },
          at,
        );
        return;
      case 'assignOwner':
        await this.client.perform(
          coordinator,
          withInput('assignIdeaOwner', 'AssignIdeaOwnerInput'),
          { input: { id, ownerId: action.ownerId, dueDate: addDays(today, action.dueInDays) } },
          at,
        );
        return;
      case 'start':
        await this.client.perform(coordinator, byId('startIdeaImplementation'), { id }, at);
        return;
      case 'complete':
        await this.client.perform(
          coordinator,
          withInput('completeIdeaImplementation', 'CompleteIdeaImplementationInput'),
          { input: { id, description: action.description } },
          at,
        );
        return;
      case 'reject':
        await this.client.perform(
          coordinator,
          withInput('rejectIdea', 'IdeaReasonInput'),
          { input: { id, reason: action.reason } },
          at,
        );
        return;
      case 'defer':
        await this.client.perform(
          coordinator,
          withInput('deferIdea', 'DeferIdeaInput'),
          { input: { id, reason: action.reason, revisitOn: addDays(today, action.revisitInDays) } },
          at,
        );
        return;
      case 'support':
        await this.client.perform(this.person(action.by), byId('supportIdea'), { id }, at);
        return;
    }
  }

  /** Reads the figures back until the projections have caught up with everything played, or time runs out. */
  async readBack(): Promise<FigureRow[]> {
    const targets = this.plan.options.targets;
    const rowsOf = (summary: Summary): FigureRow[] =>
      FIGURES.map((figure) => {
        const raw = summary[figure];
        const readBack = figure === 'practicalBenefitShare' && raw !== null ? Math.round(raw) : raw;
        return { figure, target: targets[figure], readBack, ok: readBack === targets[figure] };
      });
    const deadline = performance.now() + this.options.timeoutMs;
    for (;;) {
      const rows = rowsOf(await this.summary());
      if (rows.every((row) => row.ok) || performance.now() > deadline) return rows;
      await sleep(1000);
    }
  }
}

/** Plays a whole programme and reads its figures back through the gateway. */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const began = performance.now();
  const plan = buildPlan(options);
  const player = new Player(plan, options);
  const log = options.log ?? (() => undefined);
  const circles = plan.weeks.reduce((sum, week) => sum + week.circles.length, 0);
  log(
    `Programme ${plan.period.from}..${plan.period.to}: ${plan.weeks.length} weeks, ${circles} circles, ` +
      `${plan.employees.length} employees in ${plan.departments.length} departments, ${plan.crm.length} CRM messages (seed ${options.seed})`,
  );
  await player.checkStack();
  await player.connect();
  try {
    await player.importDirectory();
    for (const week of plan.weeks) await player.playWeek(week);
    log('Waiting for the figures to catch up …');
    const rows = await player.readBack();
    return {
      ok: rows.every((row) => row.ok),
      period: plan.period,
      rows,
      wallMs: performance.now() - began,
      requests: player.client.requests,
      crmMessages: plan.crm.length,
      plan,
    };
  } finally {
    await player.disconnect();
  }
}

export { GraphQLCallError };
