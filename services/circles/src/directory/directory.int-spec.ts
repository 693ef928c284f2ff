import { eventually } from '@hc/testing';
import { importDirectory, person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';

const coordinator = person('coord-1', 'coordinator');
const UPSERT =
  'mutation($input: [EmployeeInput!]!) { upsertEmployees(input: $input) { id fullName active leaderEligible } }';

describe('directory and backlog through GraphQL', () => {
  let app: CirclesTestApp;

  beforeAll(async () => {
    app = await startCirclesApp('circles_directory');
    await importDirectory(
      app,
      [{ id: 'd-a', name: 'Контакт-центр' }],
      [{ id: 'e-1', fullName: 'Анна', departmentId: 'd-a' }],
    );
  });

  afterAll(async () => {
    await app.stop();
  });

  it('asks for an identity and for the coordinator role', async () => {
    const anonymous = await app.gql(null, '{ departments { id } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const participant = await app.gql(person('e-1'), UPSERT, {
      input: [{ id: 'e-2', fullName: 'Борис', departmentId: 'd-a' }],
    });
    expect(participant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('imports all or nothing, naming the item at fault', async () => {
    const result = await app.gql(coordinator, UPSERT, {
      input: [
        { id: 'e-2', fullName: 'Борис', departmentId: 'd-a' },
        { id: 'e-3', fullName: ' ', departmentId: 'd-a' },
      ],
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input[1].fullName',
    });
    const unknown = await app.gql(coordinator, UPSERT, {
      input: [{ id: 'e-4', fullName: 'Вера', departmentId: 'd-x' }],
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ field: 'input[0].departmentId' });
    const { employees } = await app.ok<{ employees: { id: string }[] }>(coordinator, '{ employees { id } }');
    expect(employees.map((employee) => employee.id)).toEqual(['e-1']);
  });

  it('updates on a later import and deactivates without losing history', async () => {
    const { upsertEmployees } = await app.ok<{ upsertEmployees: { leaderEligible: boolean }[] }>(
      coordinator,
      UPSERT,
      {
        input: [{ id: 'e-1', fullName: 'Анна', departmentId: 'd-a', leaderEligible: true }],
      },
    );
    expect(upsertEmployees[0]!.leaderEligible).toBe(true);
    const { deactivateEmployee } = await app.ok<{ deactivateEmployee: { active: boolean } }>(
      coordinator,
      'mutation { deactivateEmployee(id: "e-1") { active } }',
    );
    expect(deactivateEmployee.active).toBe(false);
    const { reactivateEmployee } = await app.ok<{ reactivateEmployee: { active: boolean } }>(
      coordinator,
      'mutation { reactivateEmployee(id: "e-1") { active } }',
    );
    expect(reactivateEmployee.active).toBe(true);
    const { rows } = await app.db.pool.query(
      `SELECT type FROM events WHERE stream_id = 'employee-e-1' ORDER BY stream_version`,
    );
    expect(rows.map((row: { type: string }) => row.type)).toEqual([
      'EmployeeRegistered',
      'EmployeeUpdated',
      'EmployeeDeactivated',
      'EmployeeReactivated',
    ]);
  });

  it('merges situations keeping the originals, and archives', async () => {
    const register = (title: string) =>
      app.ok<{ registerSituation: { id: string; authorId: string | null } }>(
        person('e-1'),
        'mutation($title: String!) { registerSituation(input: { title: $title, description: "Описание", category: billing }) { id authorId } }',
        { title },
      );
    const target = (await register('Двойное списание')).registerSituation;
    const merged = (await register('Списали дважды')).registerSituation;
    expect(target.authorId).toBe('e-1');
    const invalid = await app.gql(
      person('e-1'),
      'mutation { registerSituation(input: { title: "", description: "x", category: billing }) { id } }',
    );
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    // PostgreSQL cannot store NUL: refused as bad input, not a server error.
    const nul = await app.gql(
      person('e-1'),
      'mutation($input: RegisterSituationInput!) { registerSituation(input: $input) { id } }',
      {
        input: { title: 'nul \u0000 byte', description: 'x', category: 'billing' },
      },
    );
    expect(nul.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    await app.ok(
      coordinator,
      'mutation($t: ID!, $m: ID!) { mergeSituations(targetId: $t, mergedId: $m) { id } }',
      {
        t: target.id,
        m: merged.id,
      },
    );
    const { situation } = await app.ok<{ situation: { status: string; mergedIntoId: string } }>(
      coordinator,
      'query($id: ID!) { situation(id: $id) { status mergedIntoId } }',
      { id: merged.id },
    );
    expect(situation).toEqual({ status: 'archived', mergedIntoId: target.id });
    const { backlog } = await app.ok<{ backlog: { id: string }[] }>(coordinator, '{ backlog { id } }');
    expect(backlog.map((open) => open.id)).toEqual([target.id]);
    await app.ok(coordinator, 'mutation($id: ID!) { archiveSituation(id: $id, reason: "Решено") { id } }', {
      id: target.id,
    });
    const again = await app.gql(
      coordinator,
      'mutation($id: ID!) { archiveSituation(id: $id, reason: "Ещё раз") { id } }',
      {
        id: target.id,
      },
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('pages through the backlog in order, refusing a bad page size or an unknown cursor', async () => {
    const titles = ['Первая', 'Вторая', 'Третья', 'Четвёртая', 'Пятая'];
    const ids: string[] = [];
    for (const title of titles) {
      const { registerSituation } = await app.ok<{ registerSituation: { id: string } }>(
        person('e-1'),
        'mutation($title: String!) { registerSituation(input: { title: $title, description: "Описание", category: claims }) { id } }',
        { title },
      );
      ids.push(registerSituation.id);
    }
    const page = async (after: string | null) =>
      (
        await app.ok<{ backlog: { id: string }[] }>(
          coordinator,
          'query($after: ID) { backlog(category: claims, first: 2, after: $after) { id } }',
          { after },
        )
      ).backlog.map((situation) => situation.id);
    const first = await page(null);
    const second = await page(first.at(-1)!);
    const third = await page(second.at(-1)!);
    expect([...first, ...second, ...third]).toEqual(ids);
    expect(third).toHaveLength(1);
    const tooMany = await app.gql(coordinator, '{ backlog(first: 501) { id } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const unknown = await app.gql(coordinator, '{ backlog(after: "no-such-situation") { id } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('answers ACCEPTED_NOT_YET_VISIBLE naming an import its read model has not applied in time', async () => {
    // Stopped until the answer, so the import's events are stored and nobody applies them. (Holding a lock
    // in a transaction would hold back the commit horizon of every database on the server.)
    for (const projector of app.runtime.projectors) await projector.stop();
    try {
      const answer = await app.gql(coordinator, UPSERT, {
        input: [
          { id: 'e-7', fullName: 'Галина', departmentId: 'd-a' },
          { id: 'e-8', fullName: 'Дмитрий', departmentId: 'd-a' },
        ],
      });
      expect(answer.errors?.[0]?.extensions).toEqual({
        code: 'ACCEPTED_NOT_YET_VISIBLE',
        ids: ['e-7', 'e-8'],
      });
      const { rows } = await app.db.pool.query<{ stream_id: string }>(
        `SELECT stream_id FROM events WHERE type = 'EmployeeRegistered' AND stream_id IN ('employee-e-7', 'employee-e-8')`,
      );
      expect(rows).toHaveLength(2);
    } finally {
      for (const projector of app.runtime.projectors) await projector.start();
    }
    const imported = await eventually(
      async () => {
        const { employees } = await app.ok<{ employees: { id: string }[] }>(
          coordinator,
          '{ employees { id } }',
        );
        const ids = employees.map((employee) => employee.id);
        return ids.includes('e-7') && ids.includes('e-8') ? ids : undefined;
      },
      { timeoutMs: 20_000, what: 'the imported employees to be readable' },
    );
    expect(imported).toEqual(expect.arrayContaining(['e-7', 'e-8']));
  });
});
