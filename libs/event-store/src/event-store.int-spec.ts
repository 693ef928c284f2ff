import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@hc/testing';
import {
  PostgresEventStore,
  START_CHECKPOINT,
  StreamVersionConflictError,
  checkpointOf,
  withTransaction,
  type NewEvent,
  type RecordedEvent,
} from './index.js';

function anEvent(n: number): NewEvent {
  return {
    type: 'SomethingHappened',
    schemaVersion: 1,
    payload: { n, text: `Событие №${n}` },
    occurredAt: new Date('2026-05-14T07:22:00Z'),
    correlationId: randomUUID(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function versionsOf(pool: Pool, streamId: string): Promise<number[]> {
  const { rows } = await pool.query<{ stream_version: number }>(
    'SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version',
    [streamId],
  );
  return rows.map((row) => row.stream_version);
}

describe('PostgresEventStore on a real PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    store = new PostgresEventStore(db.pool);
    await store.migrate();
    await store.migrate(); // a second run applies nothing
  });

  afterAll(async () => {
    await db.drop();
  });

  it('appends and reads a stream in version order, keeping Russian text intact', async () => {
    const streamId = `circle-${randomUUID()}`;
    const first = await store.appendToStream(streamId, [anEvent(1), anEvent(2)], { expectedVersion: 0 });
    const second = await store.appendToStream(streamId, [anEvent(3)], { expectedVersion: 2 });
    expect(first).toMatchObject({ appended: true, firstVersion: 1, nextExpectedVersion: 2 });
    expect(second).toMatchObject({ appended: true, firstVersion: 3, nextExpectedVersion: 3 });
    const { events, version } = await store.readStream(streamId);
    expect(version).toBe(3);
    expect(events.map((event) => event.streamVersion)).toEqual([1, 2, 3]);
    expect(events.map((event) => (event.payload as { text: string }).text)).toEqual([
      'Событие №1',
      'Событие №2',
      'Событие №3',
    ]);
    expect((await store.readStream(streamId, { afterVersion: 2 })).events).toHaveLength(1);
  });

  it('lets exactly one of two writers at the same expected version succeed', async () => {
    const streamId = `situation-${randomUUID()}`;
    await store.appendToStream(streamId, [anEvent(1)], { expectedVersion: 0 });
    const outcomes = await Promise.allSettled([
      store.appendToStream(streamId, [anEvent(2)], { expectedVersion: 1 }),
      store.appendToStream(streamId, [anEvent(3)], { expectedVersion: 1 }),
    ]);
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error: unknown = rejected[0]!.reason;
    expect(error).toBeInstanceOf(StreamVersionConflictError);
    expect(error).toMatchObject({ streamId, expectedVersion: 1, actualVersion: 2 });
    expect(await versionsOf(db.pool, streamId)).toEqual([1, 2]);
  });

  it('refuses to create a stream twice and to leave a gap', async () => {
    const streamId = `idea-${randomUUID()}`;
    const creations = await Promise.allSettled(
      Array.from({ length: 5 }, (_, n) =>
        store.appendToStream(streamId, [anEvent(n)], { expectedVersion: 0 }),
      ),
    );
    expect(creations.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    await expect(store.appendToStream(streamId, [anEvent(9)], { expectedVersion: 5 })).rejects.toBeInstanceOf(
      StreamVersionConflictError,
    );
    await expect(
      store.appendToStream(`none-${randomUUID()}`, [anEvent(9)], { expectedVersion: 3 }),
    ).rejects.toBeInstanceOf(StreamVersionConflictError);
    expect(await versionsOf(db.pool, streamId)).toEqual([1]);
  });

  it('appends at any version when asked, without gaps under concurrency', async () => {
    const streamId = `log-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        store.appendToStream(streamId, [anEvent(n)], { expectedVersion: 'any' }),
      ),
    );
    expect(await versionsOf(db.pool, streamId)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
  });

  it('writes the same command id once, however often and however concurrently it is appended', async () => {
    const streamId = `circle-${randomUUID()}`;
    const commandId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        store.appendToStream(streamId, [anEvent(1), anEvent(2)], { expectedVersion: 'any', commandId }),
      ),
    );
    expect(results.filter((result) => result.appended)).toHaveLength(1);
    for (const result of results) {
      expect(result).toMatchObject({ firstVersion: 1, nextExpectedVersion: 2 });
      expect(result.globalPositions).toHaveLength(2);
    }
    // A retry with a stale expected version is still recognised as the same command.
    const again = await store.appendToStream(streamId, [anEvent(1), anEvent(2)], {
      expectedVersion: 0,
      commandId,
    });
    expect(again.appended).toBe(false);
    expect(await versionsOf(db.pool, streamId)).toEqual([1, 2]);
  });

  it('rolls the whole append back with the caller transaction, command id included', async () => {
    const streamId = `circle-${randomUUID()}`;
    const commandId = randomUUID();
    await expect(
      withTransaction(db.pool, async (client) => {
        await store.appendToStream(streamId, [anEvent(1)], { expectedVersion: 0, commandId, client });
        throw new Error('the consumer failed after appending');
      }),
    ).rejects.toThrow('the consumer failed');
    expect(await versionsOf(db.pool, streamId)).toEqual([]);
    const retried = await store.appendToStream(streamId, [anEvent(1)], { expectedVersion: 0, commandId });
    expect(retried.appended).toBe(true);
  });

  it('makes a transaction whose id predates the stream head retry, so stream order equals read order', async () => {
    const streamId = `circle-${randomUUID()}`;
    const older = await db.pool.connect();
    try {
      await older.query('BEGIN');
      // Takes a transaction id now, before the other writer.
      await store.appendToStream(`other-${randomUUID()}`, [anEvent(0)], {
        expectedVersion: 0,
        client: older,
      });
      await store.appendToStream(streamId, [anEvent(1)], { expectedVersion: 0 });
      await expect(
        store.appendToStream(streamId, [anEvent(2)], { expectedVersion: 1, client: older }),
      ).rejects.toMatchObject({ code: '40001' });
      await older.query('ROLLBACK');
    } finally {
      older.release(true);
    }
    expect(await versionsOf(db.pool, streamId)).toEqual([1]);
  });

  describe('reading everything after a checkpoint', () => {
    async function readAll(from = START_CHECKPOINT): Promise<RecordedEvent[]> {
      const all: RecordedEvent[] = [];
      let checkpoint = from;
      for (;;) {
        const page = await store.readAllAfter(checkpoint, 7);
        if (page.length === 0) return all;
        all.push(...page);
        checkpoint = checkpointOf(page.at(-1)!);
      }
    }

    /**
     * Every committed event read: the horizon is cluster-wide, so another suite's transaction may
     * hold it back for a moment; wait until the reader reaches the table's last position.
     */
    async function caughtUp(): Promise<RecordedEvent[]> {
      return eventually(async () => {
        const all = await readAll();
        const { rows } = await db.pool.query<{ last: string | null }>(
          'SELECT max(global_position) AS last FROM events',
        );
        return (all.at(-1)?.globalPosition ?? 0n) === BigInt(rows[0]!.last ?? 0) ? all : undefined;
      });
    }

    it('does not skip an event whose transaction commits after a later one (where position > last would)', async () => {
      const base = await caughtUp();
      let checkpoint = base.length > 0 ? checkpointOf(base.at(-1)!) : START_CHECKPOINT;
      const lastPosition = base.at(-1)?.globalPosition ?? 0n;

      const slowStream = `slow-${randomUUID()}`;
      const fastStream = `fast-${randomUUID()}`;
      let naiveLastPosition: string | undefined;
      const slow = await db.pool.connect();
      // Destroyed at the end whatever happens, so a failed assertion cannot leave it holding the horizon.
      try {
        await slow.query('BEGIN');
        await store.appendToStream(slowStream, [anEvent(1)], { expectedVersion: 0, client: slow });
        await store.appendToStream(fastStream, [anEvent(2)], { expectedVersion: 0 });

        // A naive reader by position sees the fast event and moves past the slow one's position.
        const naive = await db.pool.query<{ global_position: string; stream_id: string }>(
          'SELECT global_position, stream_id FROM events WHERE global_position > $1 ORDER BY global_position',
          [lastPosition.toString()],
        );
        expect(naive.rows.map((row) => row.stream_id)).toEqual([fastStream]);
        naiveLastPosition = naive.rows.at(-1)!.global_position;

        // The horizon holds back: nothing is visible to the store's reader while the slow one is open.
        expect(await store.readAllAfter(checkpoint)).toEqual([]);
        await slow.query('COMMIT');
      } finally {
        slow.release(true);
      }

      // Other suites' open transactions on the same server may hold the horizon a moment longer.
      const after = await eventually(async () => {
        const page = await store.readAllAfter(checkpoint);
        return page.length >= 2 ? page : undefined;
      });
      expect(after.map((event) => event.streamId)).toEqual([slowStream, fastStream]);
      checkpoint = checkpointOf(after.at(-1)!);
      const naiveAfter = await db.pool.query('SELECT 1 FROM events WHERE global_position > $1', [
        naiveLastPosition ?? '',
      ]);
      expect(naiveAfter.rowCount).toBe(0); // the naive reader would never see the slow event
      expect(await store.readAllAfter(checkpoint)).toEqual([]);
    });

    it('gives a tailing reader every committed event exactly once under 8 concurrent writers', async () => {
      const start = await caughtUp();
      const startCheckpoint = start.length > 0 ? checkpointOf(start.at(-1)!) : START_CHECKPOINT;
      const committed = new Set<string>();
      const rolledBack = new Set<string>();
      let writersDone = false;

      const writer = async (w: number) => {
        const streamId = `writer-${w}-${randomUUID()}`;
        let version = 0;
        for (let i = 0; i < 40; i++) {
          const events = [anEvent(i), anEvent(i + 1000)].map((event) => ({
            ...event,
            eventId: randomUUID(),
          }));
          const holdOpen = (w + i) % 5 === 0; // some transactions stay open on purpose
          const abort = (w * 7 + i) % 13 === 0;
          await withTransaction(db.pool, async (client: PoolClient) => {
            await store.appendToStream(streamId, events, { expectedVersion: version, client });
            if (holdOpen) await sleep(20 + ((w * 31 + i * 17) % 60));
            if (abort) throw new Error('rolled back on purpose');
          }).then(
            () => {
              version += events.length;
              for (const event of events) committed.add(event.eventId);
            },
            () => {
              for (const event of events) rolledBack.add(event.eventId);
            },
          );
        }
      };

      const seen: RecordedEvent[] = [];
      // Stops once every committed event was seen; a skipped one would keep it waiting until the
      // deadline. (Any transaction on the server, autovacuum's included, may hold the horizon briefly.)
      const reader = async () => {
        let checkpoint = startCheckpoint;
        const deadline = performance.now() + 30_000;
        while (performance.now() < deadline) {
          const page = await store.readAllAfter(checkpoint, 25);
          seen.push(...page);
          if (page.length > 0) checkpoint = checkpointOf(page.at(-1)!);
          else if (writersDone && seen.length >= committed.size) return;
          else await sleep(5);
        }
      };

      const reading = reader();
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      writersDone = true;
      await reading;

      const seenIds = seen.map((event) => event.eventId);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      expect(new Set(seenIds)).toEqual(committed);
      expect(rolledBack.size).toBeGreaterThan(0);
      for (const id of rolledBack) expect(seenIds).not.toContain(id);
      const lastVersion = new Map<string, number>();
      for (const event of seen) {
        expect(event.streamVersion).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
        lastVersion.set(event.streamId, event.streamVersion);
      }
    });
  });
});
