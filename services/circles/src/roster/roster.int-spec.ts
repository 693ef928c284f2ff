import { importDirectory, person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';

const coordinator = person('coord-1', 'coordinator');
const SCHEDULE = `mutation($input: ScheduleCircleInput!) { scheduleCircle(input: $input) { id } }`;
const JOIN = `mutation($circleId: ID!) { joinCircle(circleId: $circleId) { id participants { employeeId } } }`;
const LEAVE = `mutation($circleId: ID!) { leaveCircle(circleId: $circleId) { id } }`;

describe('the weekly rule and the roster', () => {
  let app: CirclesTestApp;
  const circles: Record<string, string> = {};

  beforeAll(async () => {
    app = await startCirclesApp('circles_roster');
    const employees = Array.from({ length: 9 }, (_, n) => ({
      id: `emp-${n}`,
      fullName: `Сотрудник ${n}`,
      departmentId: ['d-a', 'd-b', 'd-c'][n % 3]!,
    }));
    await importDirectory(
      app,
      [
        { id: 'd-a', name: 'Контакт-центр' },
        { id: 'd-b', name: 'Урегулирование' },
        { id: 'd-c', name: 'Продажи' },
      ],
      [
        ...employees,
        { id: 'lead-1', fullName: 'Ведущий Один', departmentId: 'd-a', leaderEligible: true },
        { id: 'lead-2', fullName: 'Ведущий Два', departmentId: 'd-b', leaderEligible: true },
      ],
    );
    const situations: string[] = [];
    for (const title of ['Первая', 'Вторая', 'Третья']) {
      const { registerSituation } = await app.ok<{ registerSituation: { id: string } }>(
        person('emp-0'),
        `mutation($title: String!) { registerSituation(input: { title: $title, description: "Описание", category: internal }) { id } }`,
        { title },
      );
      situations.push(registerSituation.id);
    }
    for (const [name, leaderId, scheduledAt, situationId] of [
      ['monday', 'lead-1', '2026-05-11T10:00:00+03:00', situations[0]],
      ['thursday', 'lead-2', '2026-05-14T10:00:00+03:00', situations[1]],
      ['nextWeek', 'lead-2', '2026-05-18T10:00:00+03:00', situations[2]],
    ] as const) {
      const { scheduleCircle } = await app.ok<{ scheduleCircle: { id: string } }>(coordinator, SCHEDULE, {
        input: { scheduledAt, leaderId, situationIds: [situationId] },
      });
      circles[name] = scheduleCircle.id;
    }
  });

  afterAll(async () => {
    await app.stop();
  });

  it('refuses a second circle in the same ISO week with a clear CONFLICT, and allows the next week', async () => {
    await app.ok(person('emp-1'), JOIN, { circleId: circles.monday });
    const second = await app.gql(person('emp-1'), JOIN, { circleId: circles.thursday });
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(second.errors?.[0]?.message).toMatch(/at most one circle per ISO week/);
    await app.ok(person('emp-1'), JOIN, { circleId: circles.nextWeek });
  });

  it('counts the leader too: a leader of the week cannot join another circle of it', async () => {
    const result = await app.gql(person('lead-1'), JOIN, { circleId: circles.thursday });
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('frees the week when the employee leaves before the circle starts', async () => {
    await app.ok(person('emp-2'), JOIN, { circleId: circles.monday });
    await app.ok(person('emp-2'), LEAVE, { circleId: circles.monday });
    await app.ok(person('emp-2'), JOIN, { circleId: circles.thursday });
  });

  it('is race-free: joining two circles of one week at the same moment enrols exactly once', async () => {
    const results = await Promise.all(
      [circles.monday, circles.thursday].map((circleId) => app.gql(person('emp-3'), JOIN, { circleId })),
    );
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
    expect(results.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    const { rows } = await app.db.pool.query(
      `SELECT circle_id FROM weekly_enrolments WHERE employee_id = 'emp-3' AND iso_week = '2026-W20'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('suggests volunteers still free in the week, mixing departments', async () => {
    for (const n of [4, 5, 6, 7, 1])
      await app.ok(person(`emp-${n}`), 'mutation { volunteerForWeek(isoWeek: "2026-W20") }');
    const { rosterSuggestion } = await app.ok<{
      rosterSuggestion: { employeeIds: string[]; departmentCount: number };
    }>(coordinator, '{ rosterSuggestion(isoWeek: "2026-W20", size: 3) { employeeIds departmentCount } }');
    // emp-1 volunteered but already takes part in a circle that week.
    expect(rosterSuggestion.employeeIds).not.toContain('emp-1');
    expect(rosterSuggestion.employeeIds).toHaveLength(3);
    expect(rosterSuggestion.departmentCount).toBe(3);
    const { myWeek } = await app.ok<{ myWeek: { volunteered: boolean } }>(
      person('emp-4'),
      '{ myWeek(isoWeek: "2026-W20") { volunteered } }',
    );
    expect(myWeek.volunteered).toBe(true);
  });

  it('takes CIRCLES_PER_WEEK from the configuration', async () => {
    const relaxed = await startCirclesApp('circles_roster_two', { env: { CIRCLES_PER_WEEK: '2' } });
    try {
      expect(relaxed.config.circles.circlesPerWeek).toBe(2);
    } finally {
      await relaxed.stop();
    }
  });
});
