import type { Pool, PoolClient } from 'pg';
import {
  IdlePacing,
  PostgresEventStore,
  START_CHECKPOINT,
  checkpointOf,
  compareCheckpoints,
  runMigrations,
  withTransaction,
  type AppendSignal,
  type Checkpoint,
  type RecordedEvent,
} from '@hc/event-store';
import { silentLogger, type Logger } from '@hc/messaging';

export interface Projection {
  /** Names the checkpoint; change it (e.g. `-v2`) to rebuild into fresh tables. */
  name: string;
  /** Applies events in commit order inside the transaction that also moves the checkpoint. */
  apply(client: PoolClient, events: RecordedEvent[]): Promise<void>;
  /** Empties the projection's tables, for a rebuild from the first event. */
  reset?(client: PoolClient): Promise<void>;
}

export interface ProjectorOptions {
  batchSize?: number;
  /** The wait after the first poll that found nothing; it doubles while polls keep finding nothing. */
  idleDelayMs?: number;
  /** The ceiling of the idle wait: how late, at most, an event appended by another process is applied. */
  maxIdleDelayMs?: number;
  /** Appends in this process, which end the idle wait at once. */
  appendSignal?: AppendSignal;
  logger?: Logger;
}

const projectorMigrations = [
  {
    id: '202611270001_projection_checkpoints',
    sql: `CREATE TABLE projection_checkpoints (
      projection text PRIMARY KEY,
      transaction_id xid8 NOT NULL,
      global_position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );`,
  },
];

/**
 * Keeps a service's own read models up to date from its event store (not from Kafka): it reads
 * everything after its checkpoint behind the commit horizon and applies each batch and the new
 * checkpoint in one transaction, so a read model is exactly the fold of the events before it.
 * Commands can wait for their events to be visible (`waitFor`) to give read-your-writes.
 */
export class EventStoreProjector {
  private readonly store: PostgresEventStore;
  private running = false;
  private loop: Promise<void> | undefined;
  private position: Checkpoint = START_CHECKPOINT;
  private waiters: { target: Checkpoint; resolve: () => void }[] = [];
  private readonly pacing: IdlePacing;
  private pollCount = 0;

  constructor(
    private readonly pool: Pool,
    private readonly projection: Projection,
    private readonly options: ProjectorOptions = {},
  ) {
    this.store = new PostgresEventStore(pool);
    const idleDelayMs = options.idleDelayMs ?? 10;
    this.pacing = new IdlePacing({
      idleDelayMs,
      maxIdleDelayMs: Math.max(idleDelayMs, options.maxIdleDelayMs ?? 200),
      ...(options.appendSignal ? { signal: options.appendSignal } : {}),
    });
  }

  /** How many times the store was read for new events (tests and diagnostics). */
  get polls(): number {
    return this.pollCount;
  }

  async migrate(): Promise<void> {
    await runMigrations(this.pool, 'projector_migrations', projectorMigrations);
  }

  async start(): Promise<void> {
    if (this.running) return;
    await this.migrate();
    this.position = await this.loadCheckpoint();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pacing.interrupt();
    await this.loop;
  }

  /** Resolves true once every event up to `target` has been applied, false if `timeoutMs` passes first. */
  waitFor(target: Checkpoint | null, timeoutMs = 5_000): Promise<boolean> {
    if (!target || compareCheckpoints(this.position, target) >= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      });
      // A reader is waiting: poll now rather than at the end of a long idle wait.
      this.pacing.wake();
    });
  }

  /** Applies everything available now; returns how many events were applied. */
  async catchUp(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    let applied = 0;
    for (;;) {
      const events = await this.store.readAllAfter(this.position, batchSize);
      this.pollCount += 1;
      if (events.length === 0) return applied;
      const next = checkpointOf(events.at(-1)!);
      await withTransaction(this.pool, async (client) => {
        await this.projection.apply(client, events);
        await client.query(
          `INSERT INTO projection_checkpoints (projection, transaction_id, global_position) VALUES ($1, $2::text::xid8, $3)
           ON CONFLICT (projection) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
             global_position = EXCLUDED.global_position, updated_at = clock_timestamp()`,
          [this.projection.name, next.transactionId.toString(), next.globalPosition.toString()],
        );
      });
      this.position = next;
      applied += events.length;
      this.releaseWaiters();
      // A short batch was everything visible: reading again at once would most likely find nothing.
      if (events.length < batchSize) return applied;
    }
  }

  /** Drops the read model's content and replays every event into it. */
  async rebuild(): Promise<number> {
    await withTransaction(this.pool, async (client) => {
      await this.projection.reset?.(client);
      await client.query('DELETE FROM projection_checkpoints WHERE projection = $1', [this.projection.name]);
    });
    this.position = START_CHECKPOINT;
    return this.catchUp();
  }

  private releaseWaiters(): void {
    const [ready, waiting] = [
      this.waiters.filter((waiter) => compareCheckpoints(this.position, waiter.target) >= 0),
      this.waiters.filter((waiter) => compareCheckpoints(this.position, waiter.target) < 0),
    ];
    this.waiters = waiting;
    for (const waiter of ready) waiter.resolve();
  }

  private async run(): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    while (this.running) {
      try {
        // catchUp returns once a read found less than a batch, so even after applying events the loop waits.
        const applied = await this.catchUp();
        if (applied > 0) this.pacing.found();
        await this.pacing.idle(this.position, this.waiters.length > 0);
      } catch (error) {
        logger.error({ err: error, projection: this.projection.name }, 'projection failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private async loadCheckpoint(): Promise<Checkpoint> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>(
      'SELECT transaction_id::text AS transaction_id, global_position FROM projection_checkpoints WHERE projection = $1',
      [this.projection.name],
    );
    const row = rows[0];
    return row
      ? { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.global_position) }
      : START_CHECKPOINT;
  }
}
