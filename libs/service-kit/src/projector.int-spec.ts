import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { AppendSignal, PostgresEventStore, type NewEvent, type RecordedEvent } from '@hc/event-store';
import { createTestDatabase, eventually, type TestDatabase } from '@hc/testing';
import { EventStoreProjector } from './projector.js';

function aNote(text: string): NewEvent {
  return {
    type: 'NoteAdded',
    schemaVersion: 1,
    payload: { text },
    occurredAt: new Date('2026-06-01T09:00:00Z'),
    correlationId: randomUUID(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventStoreProjector idle polling on a real PostgreSQL', () => {
  let db: TestDatabase;
  let appendSignal: AppendSignal;
  /** Appends as this process: the projector hears of them. */
  let local: PostgresEventStore;
  /** Appends as another instance would: the projector has to find them by polling. */
  let remote: PostgresEventStore;
  let projector: EventStoreProjector;

  beforeAll(async () => {
    db = await createTestDatabase('projector_polling');
    appendSignal = new AppendSignal();
    local = new PostgresEventStore(db.pool, { signal: appendSignal });
    remote = new PostgresEventStore(db.pool);
    await local.migrate();
    await db.pool.query('CREATE TABLE notes (event_id uuid PRIMARY KEY, text text NOT NULL)');
    // A ceiling far above what the tests wait: only a wake-up applies an event in time.
    projector = new EventStoreProjector(
      db.pool,
      {
        name: 'notes',
        async apply(client: PoolClient, events: RecordedEvent[]) {
          for (const event of events) {
            await client.query('INSERT INTO notes VALUES ($1, $2)', [
              event.eventId,
              (event.payload as { text: string }).text,
            ]);
          }
        },
      },
      { idleDelayMs: 10, maxIdleDelayMs: 60_000, appendSignal },
    );
    await projector.start();
  });

  afterAll(async () => {
    await projector.stop();
    await db.drop();
  });

  /** Lets the projector idle until its wait has grown well past a second (10, 20, … 1,280 ms). */
  async function idleLong(): Promise<number> {
    const pollsBefore = projector.polls;
    await sleep(1_500);
    return projector.polls - pollsBefore;
  }

  it('polls less and less while nothing is appended', async () => {
    // A fixed 10 ms wait made 150 polls in 1.5 s.
    expect(await idleLong()).toBeLessThan(15);
  });

  it('applies an event appended in this process at once', async () => {
    await idleLong();
    const appendedAt = performance.now();
    const { appended } = await local.appendToStream(`note-${randomUUID()}`, [aNote('локально')], {
      expectedVersion: 0,
    });
    expect(appended).toBe(true);
    await eventually(
      async () => {
        const { rows } = await db.pool.query("SELECT 1 FROM notes WHERE text = 'локально'");
        return rows.length > 0 ? true : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 5, what: 'the note to be projected' },
    );
    expect(performance.now() - appendedAt).toBeLessThan(500);
  });

  it('releases a reader waiting for an event another instance appended without waiting out its idle delay', async () => {
    await idleLong();
    const { checkpoint } = await remote.appendToStream(`note-${randomUUID()}`, [aNote('издалека')], {
      expectedVersion: 0,
    });
    const waitedFrom = performance.now();
    await projector.waitFor(checkpoint, 5_000);
    expect(performance.now() - waitedFrom).toBeLessThan(500);
    const { rows } = await db.pool.query("SELECT 1 FROM notes WHERE text = 'издалека'");
    expect(rows).toHaveLength(1);
  });
});
