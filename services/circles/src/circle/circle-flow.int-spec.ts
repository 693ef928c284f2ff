import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCirclesEvent } from '@hc/contracts';
import type { Identity } from '@hc/service-kit';
import { eventually, readTopic } from '@hc/testing';
import { importDirectory, person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';

const coordinator = person('coord-1', 'coordinator');
const leader = person('lead-1', 'leader');
const emp = (n: number) => person(`emp-${n}`);

const CIRCLE_FIELDS = `id status isoWeek leaderId rosterWarning participants { employeeId departmentId }
  currentStage { stage situationId plannedMinutes startedAt deadline }
  stages { stage endedAt overrunSeconds steppedBack }
  brainstormIdeas { id text authorId parentIdeaId praiseCount }
  ideaTree { id buildOns { id } }
  wowSolutions { wording ideaIds category needsChange }
  leaflets { id title standardSolution additionalQuestions departmentIds }
  attendees { employeeId } completedAt pulseAnswers`;

interface CircleView {
  id: string;
  status: string;
  isoWeek: string;
  rosterWarning: boolean;
  participants: { employeeId: string }[];
  currentStage: {
    stage: string;
    situationId: string;
    plannedMinutes: number;
    startedAt: string;
    deadline: string;
  } | null;
  stages: { stage: string; endedAt: string | null; overrunSeconds: number | null; steppedBack: boolean }[];
  brainstormIdeas: {
    id: string;
    text: string;
    authorId: string;
    parentIdeaId: string | null;
    praiseCount: number;
  }[];
  ideaTree: { id: string; buildOns: { id: string }[] }[];
  wowSolutions: { wording: string; ideaIds: string[]; category: string }[];
  leaflets: {
    id: string;
    title: string;
    standardSolution: string[];
    additionalQuestions: string[];
    departmentIds: string[];
  }[];
  attendees: { employeeId: string }[] | null;
  completedAt: string | null;
  pulseAnswers: number;
}

describe('a circle from scheduling to leaflet through GraphQL', () => {
  let app: CirclesTestApp;
  const schemaDir = mkdtempSync(join(tmpdir(), 'circles-schema-'));
  const schemaFile = join(schemaDir, 'schema.graphql');

  beforeAll(async () => {
    app = await startCirclesApp('circles_flow', { schemaFile });
    await importDirectory(
      app,
      [
        { id: 'd-a', name: 'Контакт-центр' },
        { id: 'd-b', name: 'Урегулирование убытков' },
        { id: 'd-c', name: 'Продажи' },
      ],
      [
        { id: 'lead-1', fullName: 'Лидия Ведущая', departmentId: 'd-a', leaderEligible: true },
        { id: 'emp-1', fullName: 'Анна Иванова', departmentId: 'd-a' },
        { id: 'emp-2', fullName: 'Борис Петров', departmentId: 'd-b' },
        { id: 'emp-3', fullName: 'Вера Сидорова', departmentId: 'd-c' },
        { id: 'emp-4', fullName: 'Глеб Орлов', departmentId: 'd-b' },
      ],
    );
  });

  afterAll(async () => {
    await app.stop();
    rmSync(schemaDir, { recursive: true, force: true });
  });

  /** Calls a circle mutation that must succeed and returns the circle it answers with. */
  async function circleCall(identity: Identity, mutation: string, variables: Record<string, unknown>) {
    const name = /{\s*(\w+)/.exec(mutation)![1]!;
    return (await app.ok<Record<string, CircleView>>(identity, mutation, variables))[name]!;
  }

  it('writes the same SDL as the committed schema.graphql, with the federation keys', () => {
    const generated = readFileSync(schemaFile, 'utf8');
    const committedFile = new URL('../../schema.graphql', import.meta.url);
    // `UPDATE_SCHEMA=true npm run test:int` regenerates the committed SDL after a deliberate change.
    if (process.env.UPDATE_SCHEMA === 'true') writeFileSync(committedFile, generated);
    const committed = readFileSync(committedFile, 'utf8');
    expect(generated).toBe(committed);
    for (const entity of ['Employee', 'Department', 'Circle', 'Situation', 'Leaflet'])
      expect(generated).toMatch(new RegExp(`type ${entity} @key\\(fields: "id"\\)`));
  });

  it('runs the whole practice and publishes every fact in order', async () => {
    // The situation, with personal data masked.
    const { registerSituation: situation } = await app.ok<{
      registerSituation: { id: string; description: string; authorId: string | null };
    }>(
      emp(1),
      `mutation { registerSituation(input: { title: "Клиент не дождался ответа", category: service_quality, anonymous: true,
         description: "Клиент звонил с +7 (912) 345-67-89 и не дождался ответа оператора" }) { id description authorId } }`,
    );
    expect(situation.description).toBe('Клиент звонил с [телефон скрыт] и не дождался ответа оператора');
    expect(situation.authorId).toBeNull();

    // Scheduling and roster.
    const schedule = `mutation($input: ScheduleCircleInput!) { scheduleCircle(input: $input) { ${CIRCLE_FIELDS} } }`;
    const refused = await app.gql(emp(1), schedule, {
      input: { scheduledAt: '2026-05-14T13:00:00+03:00', leaderId: 'lead-1', situationIds: [situation.id] },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const notEligible = await app.gql(coordinator, schedule, {
      input: { scheduledAt: '2026-05-14T13:00:00+03:00', leaderId: 'emp-1', situationIds: [situation.id] },
    });
    expect(notEligible.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.leaderId',
    });
    const scheduled = await circleCall(coordinator, schedule, {
      input: { scheduledAt: '2026-05-14T13:00:00+03:00', leaderId: 'lead-1', situationIds: [situation.id] },
    });
    expect(scheduled).toMatchObject({ status: 'scheduled', isoWeek: '2026-W20', rosterWarning: true });
    const circleId = scheduled.id;
    const byCircle = (field: string) =>
      `mutation($circleId: ID!) { ${field}(circleId: $circleId) { ${CIRCLE_FIELDS} } }`;

    await app.ok(
      leader,
      `mutation($circleId: ID!) { inviteParticipant(circleId: $circleId, employeeId: "emp-1") { id } }`,
      {
        circleId,
      },
    );
    let circle = scheduled;
    for (const n of [1, 2, 3]) circle = await circleCall(emp(n), byCircle('joinCircle'), { circleId });
    expect(circle.rosterWarning).toBe(true);
    circle = await circleCall(emp(4), byCircle('joinCircle'), { circleId });
    expect(circle.rosterWarning).toBe(false);
    expect(circle.participants.map((p) => p.employeeId)).toEqual(['emp-1', 'emp-2', 'emp-3', 'emp-4']);

    // Stages: only the leader runs them.
    const forbidden = await app.gql(emp(1), byCircle('startCircle'), { circleId });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    circle = await circleCall(leader, byCircle('startCircle'), { circleId });
    expect(circle.currentStage).toMatchObject({ stage: 'preparation', plannedMinutes: 3 });
    const { startedAt, deadline } = circle.currentStage!;
    expect(new Date(deadline).getTime() - new Date(startedAt).getTime()).toBe(3 * 60_000);

    // A situation's status is read from the read model, which applies the scheduling asynchronously.
    const prepared = await eventually(
      async () => {
        const { circle: read } = await app.ok<{
          circle: { earlierWowSolutions: unknown[]; situations: { status: string }[] };
        }>(
          emp(1),
          `query($id: ID!) { circle(id: $id) { earlierWowSolutions { wording } situations { status } } }`,
          { id: circleId },
        );
        return read.situations.every((situation) => situation.status !== 'open') ? read : undefined;
      },
      { timeoutMs: 20_000, what: 'the read model to apply the scheduling' },
    );
    expect(prepared).toEqual({ earlierWowSolutions: [], situations: [{ status: 'scheduled' }] });

    const propose = `mutation($circleId: ID!, $text: String!, $parent: ID) {
      proposeIdea(circleId: $circleId, text: $text, parentIdeaId: $parent) { ${CIRCLE_FIELDS} } }`;
    const early = await app.gql(emp(1), propose, { circleId, text: 'Рано' });
    expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const advanceByParticipant = await app.gql(emp(2), byCircle('advanceStage'), { circleId });
    expect(advanceByParticipant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await circleCall(leader, byCircle('advanceStage'), { circleId });
    circle = await circleCall(leader, byCircle('advanceStage'), { circleId });
    expect(circle.currentStage?.stage).toBe('exchange_of_opinions');

    // Brainstorm.
    circle = await circleCall(emp(1), propose, { circleId, text: 'Перезвонить клиенту в течение 10 минут' });
    const first = circle.brainstormIdeas[0]!;
    circle = await circleCall(emp(2), propose, {
      circleId,
      text: 'И прислать SMS с именем оператора',
      parent: first.id,
    });
    const second = circle.brainstormIdeas[1]!;
    const praise = `mutation($circleId: ID!, $ideaId: ID!) { praiseIdea(circleId: $circleId, ideaId: $ideaId) { ${CIRCLE_FIELDS} } }`;
    circle = await circleCall(emp(3), praise, { circleId, ideaId: first.id });
    expect(
      (await app.gql(emp(3), praise, { circleId, ideaId: first.id })).errors?.[0]?.extensions?.code,
    ).toBe('CONFLICT');
    expect(
      (await app.gql(emp(1), praise, { circleId, ideaId: first.id })).errors?.[0]?.extensions?.code,
    ).toBe('CONFLICT');
    expect(circle.brainstormIdeas[0]!.praiseCount).toBe(1);
    expect(circle.ideaTree).toEqual([{ id: first.id, buildOns: [{ id: second.id }] }]);

    // A step back is recorded, then the meeting goes on.
    circle = await circleCall(leader, byCircle('stepBackStage'), { circleId });
    expect(circle.currentStage?.stage).toBe('standard_solution');
    expect(circle.stages.filter((stage) => stage.steppedBack)).toHaveLength(1);
    await circleCall(leader, byCircle('advanceStage'), { circleId });
    circle = await circleCall(leader, byCircle('advanceStage'), { circleId });
    expect(circle.currentStage?.stage).toBe('wow_solution');

    // WOW solution and leaflet.
    const choose = `mutation($input: ChooseWowSolutionInput!) { chooseWowSolution(input: $input) { ${CIRCLE_FIELDS} } }`;
    const wowInput = {
      circleId,
      ideaIds: [first.id, second.id],
      wording: 'Перезвонить клиенту самим и прислать SMS',
      needsChange: true,
    };
    expect((await app.gql(emp(1), choose, { input: wowInput })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    circle = await circleCall(leader, choose, { input: wowInput });
    expect(circle.wowSolutions).toEqual([
      {
        wording: wowInput.wording,
        ideaIds: [first.id, second.id],
        category: 'service_quality',
        needsChange: true,
      },
    ]);
    const complete = `mutation($input: LeafletInput!) { completeLeaflet(input: $input) { ${CIRCLE_FIELDS} } }`;
    const leaflet = {
      circleId,
      situationId: situation.id,
      title: 'Перезвонить клиенту, который не дождался',
      situation: 'Клиент долго ждал на линии и положил трубку',
      standardSolution: ['Извиниться за ожидание', 'Решить вопрос клиента'],
      wowEffect: 'Оператор сам перезвонил клиенту через 10 минут и прислал SMS со своим именем',
      additionalQuestions: [
        'Автоматический перезвон при сбросе',
        'Приоритет в очереди для повторных звонков',
      ],
    };
    const tooLong = await app.gql(leader, complete, { input: { ...leaflet, title: 'я'.repeat(201) } });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    const emptyStep = await app.gql(leader, complete, {
      input: { ...leaflet, standardSolution: ['Шаг', ''] },
    });
    expect(emptyStep.errors?.[0]?.extensions).toMatchObject({ field: 'input.standardSolution[1]' });
    circle = await circleCall(leader, complete, { input: leaflet });
    expect(circle.leaflets[0]).toMatchObject({ title: leaflet.title, departmentIds: ['d-a', 'd-b', 'd-c'] });

    // End of the stages, attendance, completion, pulse.
    circle = await circleCall(leader, byCircle('advanceStage'), { circleId });
    expect(circle.currentStage).toBeNull();
    circle = await circleCall(
      leader,
      `mutation($circleId: ID!) { recordAttendance(circleId: $circleId, employeeIds: ["lead-1", "emp-1", "emp-2", "emp-3"]) { ${CIRCLE_FIELDS} } }`,
      { circleId },
    );
    expect(circle.attendees).toHaveLength(4);
    circle = await circleCall(leader, byCircle('completeCircle'), { circleId });
    expect(circle.status).toBe('completed');
    const pulse = `mutation($input: PulseInput!) { answerPulse(input: $input) { ${CIRCLE_FIELDS} } }`;
    const badPulse = await app.gql(emp(1), pulse, {
      input: { circleId, seesPracticalBenefit: true, usefulness: 7 },
    });
    expect(badPulse.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.usefulness',
    });
    circle = await circleCall(emp(1), pulse, {
      input: { circleId, seesPracticalBenefit: true, usefulness: 5, comment: 'Полезно' },
    });
    expect(circle.pulseAnswers).toBe(1);

    // Read models: the meeting's mutations answer from its stream, so wait until the read model has applied
    // the leaflet (its situation becomes discussed); what the projector applied before it is then visible too.
    const discussed = await eventually(
      async () => {
        const { situation: read } = await app.ok<{ situation: { status: string } }>(
          emp(1),
          `query($id: ID!) { situation(id: $id) { status } }`,
          { id: situation.id },
        );
        return read.status === 'scheduled' ? undefined : read;
      },
      { timeoutMs: 20_000, what: 'the read model to apply the leaflet' },
    );
    expect(discussed.status).toBe('discussed');
    const { myWeek } = await app.ok<{ myWeek: { circles: { id: string }[] } }>(
      emp(2),
      '{ myWeek(isoWeek: "2026-W20") { circles { id } } }',
    );
    expect(myWeek.circles).toEqual([{ id: circleId }]);
    const { knowledgeBase } = await app.ok<{
      knowledgeBase: { hits: { headline: string; leaflet: { id: string } }[] };
    }>(emp(4), '{ knowledgeBase(query: "перезвонил") { hits { headline leaflet { id } } } }');
    expect(knowledgeBase.hits.map((hit) => hit.leaflet.id)).toEqual([circle.leaflets[0]!.id]);
    expect(knowledgeBase.hits[0]!.headline).toContain('<b>');

    // The next circle on a situation of the same category sees this WOW solution while preparing.
    const { registerSituation: next } = await app.ok<{ registerSituation: { id: string } }>(
      emp(2),
      `mutation { registerSituation(input: { title: "Снова не перезвонили", category: service_quality,
         anonymous: false, description: "Клиенту обещали перезвонить и забыли" }) { id } }`,
    );
    const nextCircle = await circleCall(coordinator, schedule, {
      input: { scheduledAt: '2026-05-21T13:00:00+03:00', leaderId: 'lead-1', situationIds: [next.id] },
    });
    const { circle: nextPrepared } = await app.ok<{ circle: { earlierWowSolutions: { wording: string }[] } }>(
      emp(2),
      `query($id: ID!) { circle(id: $id) { earlierWowSolutions { wording } } }`,
      { id: nextCircle.id },
    );
    expect(nextPrepared.earlierWowSolutions).toEqual([
      { wording: 'Перезвонить клиенту самим и прислать SMS' },
    ]);

    // Every event on circles.events.v1, this circle's in stream order.
    const { rows } = await app.db.pool.query<{ count: string }>('SELECT count(*) FROM events');
    const messages = await readTopic(
      app.kafka,
      app.config.circles.circlesTopic,
      Number(rows[0]!.count),
      60_000,
    );
    const envelopes = messages.map((message) => {
      const decoded = decodeCirclesEvent(message.value);
      if (!decoded.ok) throw new Error(decoded.detail);
      return decoded.value;
    });
    const ofCircle = envelopes.filter((envelope) => envelope.streamId === `circle-${circleId}`);
    expect(ofCircle.map((envelope) => envelope.streamVersion)).toEqual(ofCircle.map((_, index) => index + 1));
    expect(ofCircle.map((envelope) => envelope.type)).toEqual([
      'CircleScheduled',
      'ParticipantInvited',
      ...Array<string>(4).fill('ParticipantJoined'),
      'CircleStarted',
      'StageStarted',
      ...['StageCompleted', 'StageStarted', 'StageCompleted', 'StageStarted'],
      'IdeaProposed',
      'IdeaProposed',
      'IdeaPraised',
      ...['StageCompleted', 'StageSteppedBack', 'StageStarted'],
      ...['StageCompleted', 'StageStarted', 'StageCompleted', 'StageStarted'],
      'WowSolutionChosen',
      'LeafletCompleted',
      'ImprovementProposed',
      'ImprovementProposed',
      'StageCompleted',
      'AttendanceRecorded',
      'CircleCompleted',
      'PulseAnswered',
    ]);
    expect(messages.find((message) => message.key === `circle-${circleId}`)).toBeDefined();
  });
});
