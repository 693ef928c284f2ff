// Circles in their exchange of opinions, ready to take brainstorm ideas: built straight on the circles
// subgraph (the set-up is not what is measured), one leader and three participants of their own each, so
// the once-a-week rule never refuses an enrolment.
import { systemClock } from '@hc/contracts';
import { eventually } from '@hc/testing';
import { forEachConcurrently, mustSucceed, postGraphQL, subgraphHeaders, type Caller } from './graphql.js';

export interface BrainstormCircle {
  circleId: string;
  /** The people who may propose ideas in it: the leader and the participants. */
  members: Caller[];
}

const DEPARTMENTS = 10;
const PARTICIPANTS = 3;

export async function brainstormCircles(
  circlesUrl: string,
  identitySecret: string,
  count: number,
  label: string,
): Promise<BrainstormCircle[]> {
  const admin: Caller = { subject: `bench-admin-${label}`, roles: ['admin'], departmentId: null };
  const call = <T>(caller: Caller, query: string, variables: Record<string, unknown>, what: string) =>
    mustSucceed(postGraphQL<T>(circlesUrl, query, variables, subgraphHeaders(caller, identitySecret)), what);

  const departments = Array.from({ length: DEPARTMENTS }, (_, n) => ({
    id: `bench-dep-${n}`,
    name: `Отдел ${n}`,
  }));
  await call(
    admin,
    'mutation($input: [DepartmentInput!]!) { upsertDepartments(input: $input) { id } }',
    { input: departments },
    'upsertDepartments',
  );
  // Employees are checked against the departments read model, which follows the events asynchronously.
  await eventually(
    async () => {
      const { departments: known } = await call<{ departments: { id: string }[] }>(
        admin,
        '{ departments { id } }',
        {},
        'departments',
      );
      const ids = new Set(known.map((department) => department.id));
      return departments.every((department) => ids.has(department.id)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the departments to be known' },
  );

  const plans = Array.from({ length: count }, (_, n) => {
    const departmentId = departments[n % DEPARTMENTS]!.id;
    const leader: Caller = { subject: `${label}-lead-${n}`, roles: ['leader'], departmentId };
    const participants: Caller[] = Array.from({ length: PARTICIPANTS }, (_, p) => ({
      subject: `${label}-emp-${n}-${p}`,
      roles: ['participant'],
      departmentId: departments[(n + p + 1) % DEPARTMENTS]!.id,
    }));
    return { leader, participants };
  });
  const employees = plans.flatMap(({ leader, participants }) => [
    {
      id: leader.subject,
      fullName: `Ведущий ${leader.subject}`,
      departmentId: leader.departmentId,
      leaderEligible: true,
    },
    ...participants.map((participant) => ({
      id: participant.subject,
      fullName: `Сотрудник ${participant.subject}`,
      departmentId: participant.departmentId,
    })),
  ]);
  for (let start = 0; start < employees.length; start += 200) {
    await call(
      admin,
      'mutation($input: [EmployeeInput!]!) { upsertEmployees(input: $input) { id } }',
      { input: employees.slice(start, start + 200) },
      'upsertEmployees',
    );
  }

  await eventually(
    async () => {
      const { employees: known } = await call<{ employees: { id: string }[] }>(
        admin,
        '{ employees { id } }',
        {},
        'employees',
      );
      const ids = new Set(known.map((employee) => employee.id));
      return employees.every((employee) => ids.has(employee.id)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the employees to be known' },
  );

  // A week ahead: scheduling in the past may be refused, and the stages do not depend on the date.
  const scheduledAt = new Date(systemClock.now().getTime() + 7 * 24 * 3_600_000)
    .toISOString()
    .replace('Z', '+00:00');
  const circles: BrainstormCircle[] = new Array<BrainstormCircle>(count);
  await forEachConcurrently(plans, 4, async ({ leader, participants }, n) => {
    const { registerSituation } = await call<{ registerSituation: { id: string } }>(
      participants[0]!,
      'mutation($input: RegisterSituationInput!) { registerSituation(input: $input) { id } }',
      {
        input: {
          title: `Клиент ждал перезвона ${n}`,
          description: 'Обещали перезвонить в течение часа, перезвонили через два дня',
          category: 'service_quality',
        },
      },
      'registerSituation',
    );
    // The new situation reaches the backlog the scheduling checks asynchronously too.
    const { scheduleCircle } = await eventually(
      () =>
        call<{ scheduleCircle: { id: string } }>(
          admin,
          'mutation($input: ScheduleCircleInput!) { scheduleCircle(input: $input) { id } }',
          { input: { leaderId: leader.subject, scheduledAt, situationIds: [registerSituation.id] } },
          'scheduleCircle',
        ),
      { timeoutMs: 60_000, intervalMs: 200, what: 'the circle to be scheduled' },
    );
    const circleId = scheduleCircle.id;
    for (const participant of participants) {
      await call(
        participant,
        'mutation($id: ID!) { joinCircle(circleId: $id) { id } }',
        { id: circleId },
        'joinCircle',
      );
    }
    await call(
      leader,
      'mutation($id: ID!) { startCircle(circleId: $id) { id } }',
      { id: circleId },
      'startCircle',
    );
    // Preparation → description of the standard answer → exchange of opinions.
    for (let step = 0; step < 2; step++) {
      await call(
        leader,
        'mutation($id: ID!) { advanceStage(circleId: $id) { id } }',
        { id: circleId },
        'advanceStage',
      );
    }
    circles[n] = { circleId, members: [leader, ...participants] };
  });
  return circles;
}

export const PROPOSE_IDEA =
  'mutation($id: ID!, $text: String!) { proposeIdea(circleId: $id, text: $text) { id } }';
