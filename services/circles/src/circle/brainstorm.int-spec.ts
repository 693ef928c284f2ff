import { importDirectory, person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';

const leader = person('lead-1', 'leader');
const people = [leader, ...Array.from({ length: 7 }, (_, n) => person(`emp-${n}`))];

describe('concurrent brainstorm proposals', () => {
  let app: CirclesTestApp;
  let circleId: string;

  beforeAll(async () => {
    app = await startCirclesApp('circles_brainstorm');
    await importDirectory(
      app,
      [{ id: 'd-a', name: 'Контакт-центр' }],
      [
        { id: 'lead-1', fullName: 'Ведущий', departmentId: 'd-a', leaderEligible: true },
        ...Array.from({ length: 7 }, (_, n) => ({
          id: `emp-${n}`,
          fullName: `Сотрудник ${n}`,
          departmentId: 'd-a',
        })),
      ],
    );
    const { registerSituation } = await app.ok<{ registerSituation: { id: string } }>(
      person('emp-0'),
      'mutation { registerSituation(input: { title: "Очередь", description: "Долгое ожидание", category: service_quality }) { id } }',
    );
    const { scheduleCircle } = await app.ok<{ scheduleCircle: { id: string } }>(
      person('coord-1', 'coordinator'),
      'mutation($input: ScheduleCircleInput!) { scheduleCircle(input: $input) { id } }',
      {
        input: {
          scheduledAt: '2026-05-14T10:00:00+03:00',
          leaderId: 'lead-1',
          situationIds: [registerSituation.id],
        },
      },
    );
    circleId = scheduleCircle.id;
    for (const participant of people.slice(1))
      await app.ok(participant, 'mutation($id: ID!) { joinCircle(circleId: $id) { id } }', { id: circleId });
    await app.ok(leader, 'mutation($id: ID!) { startCircle(circleId: $id) { id } }', { id: circleId });
    for (let step = 0; step < 2; step++)
      await app.ok(leader, 'mutation($id: ID!) { advanceStage(circleId: $id) { id } }', { id: circleId });
  });

  afterAll(async () => {
    await app.stop();
  });

  it('keeps all of 20 proposals sent at the same moment', async () => {
    const texts = Array.from({ length: 20 }, (_, n) => `Идея номер ${n + 1}`);
    const results = await Promise.all(
      texts.map((text, n) =>
        app.gql(
          people[n % people.length]!,
          'mutation($id: ID!, $text: String!) { proposeIdea(circleId: $id, text: $text) { id } }',
          {
            id: circleId,
            text,
          },
        ),
      ),
    );
    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const { circle } = await app.ok<{ circle: { brainstormIdeas: { text: string }[] } }>(
      leader,
      'query($id: ID!) { circle(id: $id) { brainstormIdeas { text } } }',
      { id: circleId },
    );
    expect(circle.brainstormIdeas.map((idea) => idea.text).sort()).toEqual([...texts].sort());
  });
});
