import { decodeCrmEvent } from '@hc/contracts';
import { isoWeekOf, localDateOf } from './calendar.js';
import {
  buildPlan,
  DEFAULT_PLAN_OPTIONS,
  InfeasiblePlanError,
  planFigures,
  pulseSplit,
  type Plan,
  type PlanOptions,
  type Targets,
} from './plan.js';

const small: PlanOptions = {
  months: 1,
  employees: 30,
  departments: 3,
  seed: 7,
  start: '2026-04-06',
  targets: {
    circlesHeld: 9,
    ideasSubmitted: 2,
    improvementsImplemented: 3,
    writtenThanks: 4,
    practicalBenefitShare: 80,
  },
};

function expectTargets(plan: Plan, targets: Targets): void {
  const figures = planFigures(plan);
  expect({
    circlesHeld: figures.circlesHeld,
    ideasSubmitted: figures.ideasSubmitted,
    improvementsImplemented: figures.improvementsImplemented,
    writtenThanks: figures.writtenThanks,
    practicalBenefitShare: figures.practicalBenefitShare,
  }).toEqual(targets);
}

describe('the programme plan', () => {
  it.each([1, 2, 42, 2026])('reproduces the division’s seven months with seed %i', (seed) => {
    const plan = buildPlan({ ...DEFAULT_PLAN_OPTIONS, seed });
    expectTargets(plan, DEFAULT_PLAN_OPTIONS.targets);
    expect(plan.period).toEqual({ from: '2026-03-02', to: '2026-10-01' });
  });

  it.each<[string, Partial<PlanOptions>, Targets]>([
    ['a short pilot', { months: 1 }, small.targets],
    [
      'a bigger division',
      { months: 5, employees: 200, departments: 8, seed: 3 },
      {
        circlesHeld: 300,
        ideasSubmitted: 40,
        improvementsImplemented: 25,
        writtenThanks: 60,
        practicalBenefitShare: 71,
      },
    ],
    [
      'a three-week pilot',
      { weeks: 3, seed: 9 },
      {
        circlesHeld: 6,
        ideasSubmitted: 1,
        improvementsImplemented: 2,
        writtenThanks: 3,
        practicalBenefitShare: 75,
      },
    ],
    [
      'nobody sees benefit, no thanks',
      { seed: 11 },
      {
        circlesHeld: 5,
        ideasSubmitted: 0,
        improvementsImplemented: 0,
        writtenThanks: 0,
        practicalBenefitShare: 0,
      },
    ],
    [
      'everybody sees benefit',
      { seed: 12, start: '2026-02-28' },
      {
        circlesHeld: 12,
        ideasSubmitted: 1,
        improvementsImplemented: 1,
        writtenThanks: 1,
        practicalBenefitShare: 100,
      },
    ],
  ])('reaches other targets exactly: %s', (_name, overrides, targets) => {
    expectTargets(buildPlan({ ...small, ...overrides, targets }), targets);
  });

  it('is the same plan for the same seed, another for another seed', () => {
    expect(buildPlan(small)).toEqual(buildPlan(small));
    expect(buildPlan({ ...small, seed: 8 }).crm[0]!.event.eventId).not.toBe(
      buildPlan(small).crm[0]!.event.eventId,
    );
  });

  it('keeps the weekly rule, the roster size and mixes departments', () => {
    const plan = buildPlan(DEFAULT_PLAN_OPTIONS);
    const departmentOf = new Map(plan.employees.map((employee) => [employee.id, employee.departmentId]));
    const leaders = new Set(plan.employees.filter((e) => e.leaderEligible).map((e) => e.id));
    let mixed = 0;
    for (const week of plan.weeks) {
      const people = week.circles.flatMap((circle) => [circle.leaderId, ...circle.participantIds]);
      expect(new Set(people).size).toBe(people.length);
      for (const circle of week.circles) {
        expect(leaders.has(circle.leaderId)).toBe(true);
        expect(circle.participantIds.length).toBeGreaterThanOrEqual(3);
        expect(circle.participantIds.length).toBeLessThanOrEqual(7);
        expect(week.days).toContain(circle.date);
        expect(isoWeekOf(circle.date)).toBe(week.isoWeek);
        expect(circle.situations.length).toBeGreaterThanOrEqual(1);
        expect(circle.situations.length).toBeLessThanOrEqual(2);
        const departments = new Set(
          [circle.leaderId, ...circle.participantIds].map((id) => departmentOf.get(id)),
        );
        if (departments.size > 1) mixed += 1;
        for (const pulse of circle.pulses) {
          expect(circle.attendeeIds).toContain(pulse.employeeId);
          expect(pulse.employeeId).not.toBe(circle.leaderId);
        }
      }
    }
    expect(mixed / plan.weeks.flatMap((week) => week.circles).length).toBeGreaterThan(0.95);
  });

  it('sends only events of the CRM contract, with duplicates, late ones and corrected contact volumes', () => {
    const plan = buildPlan(DEFAULT_PLAN_OPTIONS);
    for (const { event } of plan.crm) {
      const decoded = decodeCrmEvent(Buffer.from(JSON.stringify(event)));
      if (!decoded.ok) throw new Error(`${event.type} ${event.eventId}: ${decoded.detail}`);
    }
    const figures = planFigures(plan);
    expect(figures.duplicates).toBeGreaterThan(0);
    expect(figures.lateEvents).toBeGreaterThan(0);
    const types = new Set(plan.crm.map((message) => message.event.type));
    expect(types).toEqual(
      new Set(['ComplaintLogged', 'GratitudeReceived', 'SurveyAnswered', 'ContactsHandled']),
    );
    const categories = new Set(
      plan.crm.flatMap(({ event }) => (event.type === 'ComplaintLogged' ? [event.payload.category] : [])),
    );
    expect(categories).toEqual(new Set(['service_quality', 'product', 'billing', 'claims', 'other']));
    const contactDays = plan.crm.flatMap(({ event, duplicate }) =>
      event.type === 'ContactsHandled' && !duplicate
        ? [`${event.payload.departmentId}|${event.payload.date}`]
        : [],
    );
    expect(new Set(contactDays).size).toBeLessThan(contactDays.length);
    const thanks = plan.crm.filter(
      ({ event }) => event.type === 'GratitudeReceived' && !event.payload.written,
    );
    expect(thanks.length).toBeGreaterThan(0);
  });

  it('delivers every complaint a circle discusses before that circle is scheduled', () => {
    const plan = buildPlan(DEFAULT_PLAN_OPTIONS);
    const complaints = new Map(
      plan.crm.flatMap((message) =>
        message.event.type === 'ComplaintLogged' && !message.duplicate
          ? [[message.event.payload.complaintId, message] as const]
          : [],
      ),
    );
    for (const week of plan.weeks)
      for (const circle of week.circles)
        for (const situation of circle.situations) {
          if (!situation.complaintId) continue;
          const message = complaints.get(situation.complaintId)!;
          expect(Date.parse(message.event.occurredAt)).toBeLessThan(week.scheduleAt);
          expect(localDateOf(Date.parse(message.event.occurredAt)) >= plan.period.from).toBe(true);
          const before = message.deliveryWeek < week.index || !message.afterCircles;
          expect(message.deliveryWeek <= week.index && before).toBe(true);
        }
  });

  it('keeps the backlog inside what one query lists: stale complaints are archived', () => {
    const plan = buildPlan(DEFAULT_PLAN_OPTIONS);
    const complaints = plan.crm.flatMap((message) =>
      message.event.type === 'ComplaintLogged' && !message.duplicate
        ? [
            {
              id: message.event.payload.complaintId,
              category: message.event.payload.category,
              week: message.deliveryWeek,
            },
          ]
        : [],
    );
    const discussedIn = new Map(
      plan.weeks.flatMap((week) =>
        week.circles.flatMap((circle) =>
          circle.situations.flatMap((situation) =>
            situation.complaintId ? [[situation.complaintId, week.index] as const] : [],
          ),
        ),
      ),
    );
    const archivedIn = new Map(plan.archives.map((archive) => [archive.complaintId, archive.weekIndex]));
    expect(plan.archives.length).toBeGreaterThan(0);
    for (const archive of plan.archives) expect(discussedIn.has(archive.complaintId)).toBe(false);
    for (const week of plan.weeks) {
      const open = complaints.filter(
        (complaint) =>
          complaint.week <= week.index &&
          (discussedIn.get(complaint.id) ?? Infinity) >= week.index &&
          (archivedIn.get(complaint.id) ?? Infinity) >= week.index,
      );
      for (const category of new Set(open.map((complaint) => complaint.category)))
        expect(open.filter((complaint) => complaint.category === category).length).toBeLessThan(200);
    }
  });

  it('plans every coordinator step inside the programme', () => {
    const plan = buildPlan(DEFAULT_PLAN_OPTIONS);
    const last = plan.weeks.length - 1;
    for (const track of plan.ideaTracks) {
      for (const step of track.steps) expect(step.weekIndex).toBeLessThanOrEqual(last);
      const types = track.steps.map((step) => step.action.type);
      if (track.fate === 'implemented')
        expect(types).toEqual(expect.arrayContaining(['approve', 'start', 'complete']));
      if (track.fate === 'submitted') expect(types).toContain('approve');
    }
  });

  it.each<[string, Partial<PlanOptions>, Partial<Targets>, RegExp]>([
    ['more circles than employees allow', { employees: 20, months: 1 }, { circlesHeld: 200 }, /do not fit/],
    [
      'more ideas than leaflets hold',
      { months: 1 },
      { circlesHeld: 1, improvementsImplemented: 50 },
      /more leaflets/,
    ],
    ['a share above 100 %', {}, { practicalBenefitShare: 101 }, /practical benefit share/],
    ['no circles at all', {}, { circlesHeld: 0 }, /circles held/],
    ['a start that is not a date', { start: '2026-02-30' }, {}, /start/],
    ['too few employees for one circle', { employees: 3 }, {}, /employees/],
  ])('refuses %s up front', (_name, overrides, targets, message) => {
    const build = () => buildPlan({ ...small, ...overrides, targets: { ...small.targets, ...targets } });
    expect(build).toThrow(InfeasiblePlanError);
    expect(build).toThrow(message);
  });

  it('splits pulses so that the rounded share is exact', () => {
    for (const target of [0, 1, 33, 50, 67, 95, 99, 100])
      for (const available of [3, 7, 20, 150, 1800]) {
        const split = pulseSplit(available, target);
        if (!split) continue;
        expect(Math.round((100 * split.yes) / split.answers)).toBe(target);
        expect(split.answers).toBeLessThanOrEqual(available);
      }
    expect(pulseSplit(3, 40)).toBeNull();
    expect(pulseSplit(1800, 95)).not.toBeNull();
  });
});
