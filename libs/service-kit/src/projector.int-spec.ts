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

  /** Lets the projector idle until it is in a wait of 2.56 s (10, 20, … 1,280 ms before it). */
  async function idleLong(): Promise<number> {
    const pollsBefore = projector.polls;
    await sleep(3_000);
    return projector.polls - pollsBefore;
  }

  /**
   * How long the projector takes to poll again: about two seconds unless something wakes it. Whether the poll
   * then sees the event is up to the server: any transaction open on it hides newer commits for a while.
   */
  async function nextPollWithin(): Promise<number> {
    const pollsBefore = projector.polls;
    const from = performance.now();
    await eventually(() => (projector.polls > pollsBefore ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 5,
      what: 'the next poll',
    });
    return performance.now() - from;
  }

  it('polls less and less while nothing is appended', async () => {
    // A fixed 10 ms wait made 300 polls in 3 s.
    expect(await idleLong()).toBeLessThan(15);
  });

  it('polls at once for an event appended in this process, and applies it', async () => {
    await idleLong();
    const { appended } = await local.appendToStream(`note-${randomUUID()}`, [aNote('локально')], {
      expectedVersion: 0,
    });
    expect(appended).toBe(true);
    expect(await nextPollWithin()).toBeLessThan(500);
    await eventually(
      async () => {
        const { rows } = await db.pool.query("SELECT 1 FROM notes WHERE text = 'локально'");
        return rows.length > 0 ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 5, what: 'the note to be projected' },
    );
  });

  it('polls at once for a reader waiting for an event another instance appended, and releases it', async () => {
    await idleLong();
    const { checkpoint } = await remote.appendToStream(`note-${randomUUID()}`, [aNote('издалека')], {
      expectedVersion: 0,
    });
    const waiting = projector.waitFor(checkpoint, 20_000);
    expect(await nextPollWithin()).toBeLessThan(500);
    await waiting;
    const { rows } = await db.pool.query("SELECT 1 FROM notes WHERE text = 'издалека'");
    expect(rows).toHaveLength(1);
  });
});
