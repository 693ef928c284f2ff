import { newEventId, type LeafletCompleted } from '@hc/contracts';
import { eventually } from '@hc/testing';
import { person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';

interface Page {
  knowledgeBase: {
    hits: { rank: number; headline: string; leaflet: { id: string; title: string } }[];
    nextCursor: string | null;
  };
}

const reader = person('emp-1');

function leaflet(id: string, overrides: Partial<LeafletCompleted>): LeafletCompleted {
  return {
    circleId: `c-${id}`,
    situationId: `s-${id}`,
    leafletId: id,
    title: 'Листовка',
    situation: 'Ситуация',
    standardSolution: ['Шаг'],
    wowEffect: 'Эффект',
    additionalQuestions: [],
    category: 'service_quality',
    complaintIds: [],
    departmentIds: ['d-a'],
    ...overrides,
  };
}

describe('knowledge base search', () => {
  let app: CirclesTestApp;

  beforeAll(async () => {
    app = await startCirclesApp('circles_kb');
    const leaflets = [
      leaflet('l-1', {
        title: 'Перезвонить клиенту',
        wowEffect: 'Оператор сам перезвонил клиенту и извинился',
        situation: 'Клиент не дождался ответа',
      }),
      leaflet('l-2', {
        title: 'Перезвонить по страховому случаю',
        situation: 'Клиенту не перезвонили после аварии',
        category: 'claims',
        departmentIds: ['d-b'],
      }),
      leaflet('l-3', { title: 'Уточнить реквизиты', situation: 'Ошибка в платёжке', category: 'billing' }),
    ];
    // Completed leaflets appended as circles would: the read model takes them from the event store.
    for (const data of leaflets) {
      await app.runtime.store.appendToStream(
        `circle-${data.circleId}`,
        [
          {
            eventId: newEventId(),
            type: 'LeafletCompleted',
            schemaVersion: 1,
            payload: data,
            occurredAt: new Date('2026-05-14T10:00:00Z'),
            correlationId: 'kb-test',
          },
        ],
        { expectedVersion: 'any' },
      );
    }
    // The commit horizon is cluster-wide: a transaction another suite holds open delays the projection.
    await eventually(
      async () => {
        await app.runtime.projectors[0]!.catchUp();
        const { rows } = await app.runtime.pool.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM leaflets',
        );
        return rows[0]!.count === leaflets.length ? true : undefined;
      },
      { timeoutMs: 60_000, what: 'the leaflets in the read model' },
    );
  });

  afterAll(async () => {
    await app.stop();
  });

  const search = (args: string) =>
    app.ok<Page>(
      reader,
      `{ knowledgeBase(${args}) { hits { rank headline leaflet { id title } } nextCursor } }`,
    );

  it('finds Russian leaflets by an inflected form, best match first, highlighted', async () => {
    const { knowledgeBase } = await search('query: "перезвонил"');
    expect(knowledgeBase.hits.map((hit) => hit.leaflet.id)).toEqual(['l-1', 'l-2']);
    expect(knowledgeBase.hits[0]!.rank).toBeGreaterThan(knowledgeBase.hits[1]!.rank);
    expect(knowledgeBase.hits[0]!.headline).toMatch(/<b>Перезвонить<\/b>/);
  });

  it('filters by category, department and date', async () => {
    expect(
      (await search('query: "перезвонить", category: claims')).knowledgeBase.hits.map(
        (hit) => hit.leaflet.id,
      ),
    ).toEqual(['l-2']);
    expect(
      (await search('departmentId: "d-a"')).knowledgeBase.hits.map((hit) => hit.leaflet.id).sort(),
    ).toEqual(['l-1', 'l-3']);
    expect((await search('from: "2026-05-15"')).knowledgeBase.hits).toEqual([]);
    expect((await search('from: "2026-05-14", to: "2026-05-14"')).knowledgeBase.hits).toHaveLength(3);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { knowledgeBase }: Page = await search(
        `query: "перезвонить", first: 1${after ? `, after: "${after}"` : ''}`,
      );
      seen.push(...knowledgeBase.hits.map((hit) => hit.leaflet.id));
      after = knowledgeBase.nextCursor;
    } while (after !== null);
    expect(seen).toEqual(['l-1', 'l-2']);
  });

  it('names the argument at fault', async () => {
    const result = await app.gql(reader, '{ knowledgeBase(first: 0) { nextCursor } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const cursor = await app.gql(reader, '{ knowledgeBase(after: "nonsense") { nextCursor } }');
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ field: 'after' });
  });
});
