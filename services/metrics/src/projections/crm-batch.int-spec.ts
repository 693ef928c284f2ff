import { randomUUID } from 'node:crypto';
import type { CrmEvent } from '@hc/contracts';
import { runMigrations, withTransaction } from '@hc/event-store';
import { createTestDatabase, type TestDatabase } from '@hc/testing';
import { readModelMigrations } from '../migrations/read-model.migrations.js';
import { MetricsProjection } from './metrics.projection.js';

const TABLES = ['crm_complaints_daily', 'crm_gratitudes_daily', 'crm_surveys_daily', 'crm_contacts'];

function envelope(occurredAt: string, eventId: string = randomUUID()) {
  return { eventId, schemaVersion: 1 as const, occurredAt };
}

/** Redeliveries, nulls, a late ContactsHandled and a tie on occurredAt, all in one batch. */
function events(): CrmEvent[] {
  const repeated = envelope('2026-05-14T10:00:00+03:00');
  const complaint: CrmEvent = {
    ...repeated,
    type: 'ComplaintLogged',
    payload: {
      complaintId: 'c-1',
      customerId: 'cust-1',
      channel: 'phone',
      category: 'billing',
      departmentId: 'd-1',
      summary: 'Деньги списали дважды',
    },
  };
  const contacts = (occurredAt: string, count: number, eventId?: string): CrmEvent => ({
    ...envelope(occurredAt, eventId),
    type: 'ContactsHandled',
    payload: { departmentId: 'd-1', date: '2026-05-14', count },
  });
  return [
    complaint,
    complaint,
    {
      ...envelope('2026-05-14T23:30:00Z'),
      type: 'ComplaintLogged',
      payload: {
        complaintId: 'c-2',
        customerId: 'cust-2',
        channel: 'chat',
        category: 'billing',
        summary: 'Без отдела, следующий день по Москве',
      },
    },
    {
      ...envelope('2026-05-14T11:00:00+03:00'),
      type: 'GratitudeReceived',
      payload: {
        gratitudeId: 'g-1',
        customerId: 'cust-3',
        channel: 'email',
        written: true,
        departmentId: 'd-1',
      },
    },
    {
      ...envelope('2026-05-14T12:00:00+03:00'),
      type: 'GratitudeReceived',
      payload: {
        gratitudeId: 'g-2',
        customerId: 'cust-4',
        channel: 'phone',
        written: false,
        departmentId: 'd-1',
      },
    },
    {
      ...envelope('2026-05-14T12:00:00+03:00'),
      type: 'SurveyAnswered',
      payload: { surveyId: 's-1', customerId: 'cust-5', departmentId: 'd-1', csi: 5, nps: null },
    },
    {
      ...envelope('2026-05-14T12:30:00+03:00'),
      type: 'SurveyAnswered',
      payload: { surveyId: 's-2', customerId: 'cust-6', departmentId: 'd-1', csi: null, nps: 3 },
    },
    {
      ...envelope('2026-05-14T13:00:00+03:00'),
      type: 'SurveyAnswered',
      payload: { surveyId: 's-3', customerId: 'cust-7', departmentId: 'd-1', csi: 2, nps: 10 },
    },
    // A tie on occurredAt: the later arrival wins, although its id sorts first.
    contacts('2026-05-15T09:00:00+03:00', 1_200, 'ffffffff-0000-4000-8000-000000000000'),
    contacts('2026-05-14T20:00:00+03:00', 900),
    contacts('2026-05-15T09:00:00+03:00', 1_250, '00000000-0000-4000-8000-000000000000'),
  ];
}

describe('MetricsProjection.applyCrmBatch', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('metrics_crm_batch');
    await runMigrations(database.pool, 'batched_migrations', readModelMigrations('batched'));
    await runMigrations(database.pool, 'single_migrations', readModelMigrations('single'));
  });

  afterAll(async () => {
    await database.drop();
  });

  async function tables(schema: string): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const { rows } = await database.pool.query(`SELECT * FROM ${schema}.${table} ORDER BY 1, 2, 3`);
      result[table] = rows;
    }
    return result;
  }

  it('leaves the same tables as applying the events one by one, and nothing more when the batch comes again', async () => {
    const batch = events();
    const batched = new MetricsProjection('batched', 'Europe/Moscow');
    const single = new MetricsProjection('single', 'Europe/Moscow');
    await withTransaction(database.pool, (client) => batched.applyCrmBatch(client, batch));
    await withTransaction(database.pool, (client) => batched.applyCrmBatch(client, batch));
    for (const event of batch)
      await withTransaction(database.pool, (client) => single.applyCrm(client, event));

    const expected = await tables('single');
    expect(await tables('batched')).toEqual(expected);
    expect(expected.crm_complaints_daily).toHaveLength(2);
    expect(expected.crm_contacts).toEqual([
      expect.objectContaining({ department_id: 'd-1', contacts: 1_250 }),
    ]);
  });

  it('adds up each date and department: complaints per category, thanks, CSI and NPS answers', async () => {
    const projection = new MetricsProjection('sums', 'Europe/Moscow');
    await runMigrations(database.pool, 'sums_migrations', readModelMigrations('sums'));
    await withTransaction(database.pool, (client) => projection.applyCrmBatch(client, events()));
    const day = `to_char(local_date, 'YYYY-MM-DD') AS day`;
    const { rows: complaints } = await database.pool.query(
      `SELECT ${day}, department_id, category, complaints FROM sums.crm_complaints_daily ORDER BY local_date`,
    );
    expect(complaints).toEqual([
      { day: '2026-05-14', department_id: 'd-1', category: 'billing', complaints: 1 },
      { day: '2026-05-15', department_id: '', category: 'billing', complaints: 1 },
    ]);
    const { rows: gratitudes } = await database.pool.query(
      `SELECT ${day}, department_id, gratitudes, written FROM sums.crm_gratitudes_daily`,
    );
    expect(gratitudes).toEqual([{ day: '2026-05-14', department_id: 'd-1', gratitudes: 2, written: 1 }]);
    const { rows: surveys } = await database.pool.query(
      `SELECT ${day}, department_id, answers, csi_answers, csi_sum, csi_sum_of_squares, csi_satisfied,
         nps_answers, promoters, detractors FROM sums.crm_surveys_daily`,
    );
    // CSI 5, null, 2; NPS null, 3, 10.
    expect(surveys).toEqual([
      {
        day: '2026-05-14',
        department_id: 'd-1',
        answers: 3,
        csi_answers: 2,
        csi_sum: '7',
        csi_sum_of_squares: '29',
        csi_satisfied: 1,
        nps_answers: 2,
        promoters: 1,
        detractors: 1,
      },
    ]);
  });

  it('claims a large batch by the plain insert, and one holding redeliveries by the careful path', async () => {
    const projection = new MetricsProjection('large', 'Europe/Moscow');
    await runMigrations(database.pool, 'large_migrations', readModelMigrations('large'));
    const thanks = (): CrmEvent => ({
      ...envelope('2026-06-03T10:00:00+03:00'),
      type: 'GratitudeReceived',
      payload: { gratitudeId: randomUUID(), customerId: 'cust-10', channel: 'web', written: true },
    });
    const first = Array.from({ length: 300 }, thanks);
    const next = Array.from({ length: 200 }, thanks);
    const claimedOf = (batch: CrmEvent[]) =>
      withTransaction(database.pool, async (client) => {
        const claimed = await projection.claim(client, 'crm', batch, (event) => event);
        await projection.applyClaimedCrm(client, claimed);
        return claimed.length;
      });
    expect(await claimedOf(first)).toBe(300);
    // Half of the first batch again, the new ones in between and a repeat within the batch.
    expect(await claimedOf([...first.slice(0, 150), ...next, next[0]!])).toBe(200);
    const { rows } = await database.pool.query('SELECT gratitudes, written FROM large.crm_gratitudes_daily');
    expect(rows).toEqual([{ gratitudes: 500, written: 500 }]);
    const { rows: ledger } = await database.pool.query('SELECT count(*)::int AS n FROM large.applied_events');
    expect(ledger).toEqual([{ n: 500 }]);
  });

  it('applies only the new events of a batch that holds some applied before, and keeps the newest occurredAt', async () => {
    const projection = new MetricsProjection('mixed', 'Europe/Moscow');
    await runMigrations(database.pool, 'mixed_migrations', readModelMigrations('mixed'));
    const thanks = (occurredAt: string, written: boolean): CrmEvent => ({
      ...envelope(occurredAt),
      type: 'GratitudeReceived',
      payload: {
        gratitudeId: randomUUID(),
        customerId: 'cust-9',
        channel: 'web',
        written,
        departmentId: 'd-2',
      },
    });
    const seen = [thanks('2026-06-02T10:00:00+03:00', true), thanks('2026-06-02T11:00:00+03:00', true)];
    await withTransaction(database.pool, (client) => projection.applyCrmBatch(client, seen));
    // Older than what was applied: the watermark stays where it was.
    const fresh = [thanks('2026-06-01T09:00:00+03:00', false), thanks('2026-06-02T09:00:00+03:00', false)];
    const claimed = await withTransaction(database.pool, async (client) => {
      const batch = [fresh[0]!, seen[1]!, fresh[1]!, seen[0]!];
      const result = await projection.claim(client, 'crm', batch, (event) => event);
      await projection.applyClaimedCrm(client, result);
      return result;
    });
    expect(claimed.map((event) => event.eventId).sort()).toEqual(fresh.map((event) => event.eventId).sort());
    const { rows } = await database.pool.query(
      `SELECT to_char(local_date, 'YYYY-MM-DD') AS day, gratitudes, written
       FROM mixed.crm_gratitudes_daily ORDER BY local_date`,
    );
    expect(rows).toEqual([
      { day: '2026-06-01', gratitudes: 1, written: 0 },
      { day: '2026-06-02', gratitudes: 3, written: 2 },
    ]);
    const { rows: watermarks } = await database.pool.query(
      'SELECT source, latest_occurred_at FROM mixed.applied_watermarks',
    );
    expect(watermarks).toEqual([{ source: 'crm', latest_occurred_at: new Date('2026-06-02T08:00:00Z') }]);
  });

  it('claims an event id written in upper case once, and takes it in lower case as the same event', async () => {
    const projection = new MetricsProjection('single', 'Europe/Moscow');
    const eventId = randomUUID();
    const thanks = (id: string): CrmEvent => ({
      ...envelope('2026-06-01T12:00:00+03:00', id),
      type: 'GratitudeReceived',
      payload: { gratitudeId: 'g-upper', customerId: 'cust-8', channel: 'web', written: true },
    });
    const first = await withTransaction(database.pool, (client) =>
      projection.claim(client, 'crm', [thanks(eventId.toUpperCase())], (event) => event),
    );
    const again = await withTransaction(database.pool, (client) =>
      projection.claim(client, 'crm', [thanks(eventId), thanks(eventId.toUpperCase())], (event) => event),
    );
    expect(first.map((event) => event.eventId)).toEqual([eventId.toUpperCase()]);
    expect(again).toEqual([]);
  });
});
