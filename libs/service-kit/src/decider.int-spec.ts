import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { Histogram } from 'prom-client';
import { EventRegistry, FixedClock, IsIntegerInRange, IsTextOfLength } from '@hc/contracts';
import { PostgresEventStore, type RecordedEvent } from '@hc/event-store';
import { createTestDatabase, type TestDatabase } from '@hc/testing';
import { CommandRunner, SimulationAwareClock, type Decider, type DomainEvent } from './decider.js';
import { badInput } from './errors.js';
import { EventStoreProjector } from './projector.js';

class NoteAddedPayload {
  @IsTextOfLength({ minLength: 1, maxLength: 100 })
  text!: string;
  @IsIntegerInRange(1, 1_000_000)
  number!: number;
}

type NoteAdded = DomainEvent<'NoteAdded', { text: string; number: number }>;
interface Notebook {
  notes: string[];
}
type AddNote = { text: string };

const notebook: Decider<AddNote, NoteAdded, Notebook> = {
  initialState: () => ({ notes: [] }),
  evolve: (state, event) => ({ notes: [...state.notes, event.data.text] }),
  decide: (command, state) =>
    command.text.trim() === ''
      ? badInput('text', 'must not be empty')
      : [{ type: 'NoteAdded', data: { text: command.text, number: state.notes.length + 1 } }],
};

describe('CommandRunner and EventStoreProjector on a real PostgreSQL', () => {
  let db: TestDatabase;
  let runner: CommandRunner;
  let projector: EventStoreProjector;
  const registry = new EventRegistry().register({
    type: 'NoteAdded',
    schemaVersion: 1,
    payload: NoteAddedPayload,
  });
  const clock = new FixedClock('2026-06-01T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase('commands');
    const store = new PostgresEventStore(db.pool);
    await store.migrate();
    await db.pool.query(
      'CREATE TABLE notes (stream_id text, number int, text text, PRIMARY KEY (stream_id, number))',
    );
    runner = new CommandRunner(store, registry, new SimulationAwareClock(clock, true));
    projector = new EventStoreProjector(db.pool, {
      name: 'notes',
      async apply(client: PoolClient, events: RecordedEvent[]) {
        for (const event of events) {
          const data = event.payload as { text: string; number: number };
          await client.query('INSERT INTO notes VALUES ($1, $2, $3)', [
            event.streamId,
            data.number,
            data.text,
          ]);
        }
      },
      async reset(client: PoolClient) {
        await client.query('TRUNCATE notes');
      },
    });
    await projector.start();
  });

  afterAll(async () => {
    await projector.stop();
    await db.drop();
  });

  const meta = () => ({ correlationId: randomUUID(), actor: null });

  it('keeps every one of 20 concurrent commands on one aggregate (no lost update)', async () => {
    const streamId = `notebook-${randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) => runner.run(notebook, streamId, { text: `Заметка ${n}` }, meta())),
    );
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const { state, version } = await runner.load(notebook, streamId);
    expect(version).toBe(20);
    expect(new Set(state.notes).size).toBe(20);
  });

  it('takes concurrent commands on one aggregate in arrival order, none losing a version check', async () => {
    const appendDuration = new Histogram({
      name: 'queued_append_duration_seconds',
      help: 'appends by outcome',
      labelNames: ['outcome'],
      registers: [],
    });
    const queued = new CommandRunner(
      new PostgresEventStore(db.pool),
      registry,
      new SimulationAwareClock(clock, true),
      { metrics: { appendDuration } },
    );
    const streamId = `notebook-${randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        queued.run(notebook, streamId, { text: `По очереди ${n}` }, meta()),
      ),
    );
    expect(outcomes.map((outcome) => outcome.ok && outcome.events[0]!.data.number)).toEqual(
      Array.from({ length: 30 }, (_, n) => n + 1),
    );
    const counts = Object.fromEntries(
      (await appendDuration.get()).values
        .filter((value) => value.metricName === 'queued_append_duration_seconds_count')
        .map((value): [string, number] => [String(value.labels.outcome), value.value]),
    );
    expect(counts).toEqual({ appended: 30 });
  });

  it('returns an expected failure as a value and writes nothing', async () => {
    const streamId = `notebook-${randomUUID()}`;
    const outcome = await runner.run(notebook, streamId, { text: '  ' }, meta());
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'BAD_USER_INPUT', field: 'text', message: 'must not be empty' },
    });
    expect((await runner.load(notebook, streamId)).version).toBe(0);
  });

  it('executes a repeated command id once', async () => {
    const streamId = `notebook-${randomUUID()}`;
    const commandId = randomUUID();
    const first = await runner.run(notebook, streamId, { text: 'Один раз' }, { ...meta(), commandId });
    const second = await runner.run(notebook, streamId, { text: 'Один раз' }, { ...meta(), commandId });
    expect(first).toMatchObject({ ok: true, duplicate: false, version: 1 });
    expect(second).toMatchObject({ ok: true, duplicate: true, version: 1 });
  });

  it('stamps events with the business time of an admin caller in simulation mode', async () => {
    const streamId = `notebook-${randomUUID()}`;
    const actor = {
      subject: 'admin-1',
      roles: ['admin' as const],
      departmentId: null,
      businessTime: '2026-03-02T10:00:00+03:00',
    };
    await runner.run(notebook, streamId, { text: 'В прошлом' }, { correlationId: 'c', actor });
    const { events } = await new PostgresEventStore(db.pool).readStream(streamId);
    expect(events[0]!.occurredAt).toBe('2026-03-02T07:00:00.000Z');
    expect(events[0]!.actor).toEqual({ id: 'admin-1', roles: ['admin'] });
  });

  it('lets a command wait until its events are in the read model, and rebuilds it identically', async () => {
    const streamId = `notebook-${randomUUID()}`;
    const outcome = await runner.run(notebook, streamId, { text: 'Прочитай меня' }, meta());
    if (!outcome.ok) throw new Error('command failed');
    await projector.waitFor(outcome.checkpoint);
    const { rows } = await db.pool.query('SELECT text FROM notes WHERE stream_id = $1', [streamId]);
    expect(rows).toEqual([{ text: 'Прочитай меня' }]);

    const before = await db.pool.query('SELECT * FROM notes ORDER BY stream_id, number');
    await projector.stop();
    await projector.rebuild();
    const after = await db.pool.query('SELECT * FROM notes ORDER BY stream_id, number');
    expect(after.rows).toEqual(before.rows);
    expect(after.rows.length).toBeGreaterThan(20);
    await projector.start();
  });

  describe('with folded states cached', () => {
    let store: PostgresEventStore;
    let reads: { streamId: string; afterVersion: number }[];

    /** A runner over the same store, as one instance of the service would be. */
    const instance = () => new CommandRunner(store, registry, new SimulationAwareClock(clock, true));
    /** A new stream with the given notes, written by `runner` one after the other. */
    const streamWith = async (runner: CommandRunner, ...texts: string[]) => {
      const streamId = `notebook-${randomUUID()}`;
      for (const text of texts) await runner.run(notebook, streamId, { text }, meta());
      return streamId;
    };

    /** Appends the second note of a stream whose first one `runner` wrote: at version 1, reading nothing. */
    const expectSecondNoteUnread = async (runner: CommandRunner, streamId: string) => {
      reads = [];
      const second = await runner.run(notebook, streamId, { text: 'Вторая' }, meta());
      expect(second).toMatchObject({ ok: true, version: 2, state: { notes: ['Первая', 'Вторая'] } });
      expect(reads).toEqual([]);
    };

    beforeEach(() => {
      reads = [];
      store = new PostgresEventStore(db.pool);
      const readStream = store.readStream.bind(store);
      store.readStream = (streamId, options = {}) => {
        reads.push({ streamId, afterVersion: options.afterVersion ?? 0 });
        return readStream(streamId, options);
      };
    });

    it('appends at the cached version without reading the stream', async () => {
      const cached = instance();
      const streamId = await streamWith(cached, 'Первая');
      await expectSecondNoteUnread(cached, streamId);
    });

    it('decides again after a conflict with a write the cache missed, reading only the tail', async () => {
      const cached = instance();
      const streamId = await streamWith(cached, 'Первая', 'Вторая');
      await instance().run(notebook, streamId, { text: 'Чужая' }, meta());
      reads = [];
      const outcome = await cached.run(notebook, streamId, { text: 'Четвёртая' }, meta());
      expect(outcome).toMatchObject({ ok: true, version: 4 });
      expect(reads).toEqual([{ streamId, afterVersion: 2 }]);
      const { events } = await store.readStream(streamId);
      // The number is decided from the state with the other instance's note: the stale one would give 3.
      expect(events.map((event) => event.payload)).toEqual([
        { text: 'Первая', number: 1 },
        { text: 'Вторая', number: 2 },
        { text: 'Чужая', number: 3 },
        { text: 'Четвёртая', number: 4 },
      ]);
    });

    it('refuses only on the stream as it is, never on a stale cached state', async () => {
      const limited: Decider<AddNote, NoteAdded, Notebook> = {
        ...notebook,
        decide: (command, state, context) =>
          state.notes.length >= 2
            ? badInput('text', 'the notebook is full')
            : notebook.decide(command, state, context),
      };
      const cached = instance();
      const streamId = `notebook-${randomUUID()}`;
      await cached.run(limited, streamId, { text: 'Первая' }, meta());
      await instance().run(limited, streamId, { text: 'Чужая' }, meta());
      const refused = await cached.run(limited, streamId, { text: 'Третья' }, meta());
      expect(refused).toMatchObject({ ok: false, error: { message: 'the notebook is full' } });
      // And the load of a query sees the other instance's write too.
      expect((await cached.load(limited, streamId)).state.notes).toEqual(['Первая', 'Чужая']);
    });

    it('caches nothing from a run inside a caller’s transaction, which may roll back', async () => {
      const cached = instance();
      const streamId = await streamWith(cached, 'Первая');
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const inside = await cached.run(notebook, streamId, { text: 'Откатится' }, { ...meta(), client });
        expect(inside).toMatchObject({ ok: true, version: 2 });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      // Appended at the committed version 1 straight away: no conflict, so no read.
      await expectSecondNoteUnread(cached, streamId);
    });

    it('retries an append refused with a serialization failure (40001)', async () => {
      const cached = instance();
      const streamId = `notebook-${randomUUID()}`;
      const append = store.appendToStream.bind(store);
      let refusals = 2;
      store.appendToStream = (...args) => {
        if (refusals-- > 0)
          return Promise.reject(Object.assign(new Error('could not serialize access'), { code: '40001' }));
        return append(...args);
      };
      const outcome = await cached.run(notebook, streamId, { text: 'Со второго раза' }, meta());
      expect(outcome).toMatchObject({ ok: true, version: 1 });
      expect(refusals).toBe(-1);
    });

    it('reads the whole stream again when the store is behind the cache', async () => {
      const cached = instance();
      const streamId = await streamWith(cached, 'Первая', 'Вторая');
      await db.pool.query('DELETE FROM events WHERE stream_id = $1', [streamId]);
      await db.pool.query('DELETE FROM streams WHERE stream_id = $1', [streamId]);
      const outcome = await cached.run(notebook, streamId, { text: 'Заново' }, meta());
      expect(outcome).toMatchObject({ ok: true, version: 1, state: { notes: ['Заново'] } });
    });
  });
});
