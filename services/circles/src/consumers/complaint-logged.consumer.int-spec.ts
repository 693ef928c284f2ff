import { newEventId } from '@hc/contracts';
import { eventually, readTopic } from '@hc/testing';
import type { Producer } from 'kafkajs';
import { person, startCirclesApp, type CirclesTestApp } from '../testing/circles-app.js';
import { situationIdOfComplaint } from './complaint-logged.consumer.js';

function complaintLogged(eventId: string, complaintId: string, summary: string) {
  return JSON.stringify({
    eventId,
    type: 'ComplaintLogged',
    schemaVersion: 1,
    occurredAt: '2026-05-14T10:22:00+03:00',
    payload: {
      complaintId,
      customerId: 'cust-1',
      channel: 'phone',
      category: 'service_quality',
      departmentId: 'd-a',
      summary,
    },
  });
}

describe('ComplaintLogged from the CRM becomes one masked situation', () => {
  let app: CirclesTestApp;
  let producer: Producer;

  beforeAll(async () => {
    app = await startCirclesApp('circles_complaints');
    producer = app.kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await app.stop();
  });

  it('registers each complaint once, however often and under whichever event id it arrives', async () => {
    const summary =
      'Клиент ждал 40 минут. Перезвоните: +7 (912) 345-67-89 или 8 912 345 67 89, почта ivan@mail.ru, полис 1234567890, карта 4276 1234 5678 9012';
    const first = complaintLogged(newEventId(), 'CMP-1', summary);
    const again = complaintLogged(newEventId(), 'CMP-1', summary);
    const other = complaintLogged(newEventId(), 'CMP-2', 'Списали деньги дважды');
    const blank = complaintLogged(newEventId(), 'CMP-3', '   ');
    const gratitude = JSON.stringify({
      eventId: newEventId(),
      type: 'GratitudeReceived',
      schemaVersion: 1,
      occurredAt: '2026-05-14T10:22:00+03:00',
      payload: { gratitudeId: 'g-1', customerId: 'cust-1', channel: 'email', written: true },
    });
    await producer.send({
      topic: app.config.circles.crmTopic,
      messages: [first, first, again, other, gratitude, '{ not json', blank].map((value) => ({
        key: 'cust-1',
        value,
      })),
    });

    const runner = app.runtime.consumerRunners[0]!;
    const deadLetters = async () =>
      Number(
        (await app.db.pool.query<{ count: string }>('SELECT count(*) FROM dead_letters')).rows[0]!.count,
      );
    await eventually(
      async () =>
        runner.stats.applied + runner.stats.duplicates + runner.stats.ignored >= 5 &&
        (await deadLetters()) === 2
          ? true
          : undefined,
      { what: 'the complaints consumer to take every message' },
    );
    // The thanks is no business of this consumer: acknowledged, not recorded.
    expect(runner.stats).toMatchObject({ applied: 3, duplicates: 1, ignored: 1 });
    // Not JSON, and a summary of blanks that cannot become a situation: dead-lettered, nothing written.
    const dead = await readTopic(app.kafka, `${app.config.circles.crmTopic}.dlq`, 2);
    expect(dead.map((letter) => letter.value!.toString()).sort()).toEqual([blank, '{ not json'].sort());

    const { rows } = await app.db.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM events WHERE type = 'SituationRegistered' ORDER BY stream_id`,
    );
    expect(rows.map((row) => row.stream_id).sort()).toEqual(
      [`situation-${situationIdOfComplaint('CMP-1')}`, `situation-${situationIdOfComplaint('CMP-2')}`].sort(),
    );

    const { backlog } = await eventually(async () => {
      const result = await app.ok<{
        backlog: {
          id: string;
          description: string;
          title: string;
          complaintIds: string[];
          source: string;
          authorId: string | null;
        }[];
      }>(person('emp-1'), '{ backlog { id title description complaintIds source authorId } }');
      return result.backlog.length === 2 ? result : undefined;
    });
    const masked = backlog.find((situation) => situation.complaintIds.includes('CMP-1'))!;
    expect(masked).toMatchObject({ source: 'crm', authorId: null, id: situationIdOfComplaint('CMP-1') });
    expect(masked.description).toBe(
      'Клиент ждал 40 минут. Перезвоните: [телефон скрыт] или [телефон скрыт], почта [e-mail скрыт], полис [номер скрыт], карта [номер карты скрыт]',
    );
    expect(masked.title).not.toMatch(/\d{3}/);
  });
});
