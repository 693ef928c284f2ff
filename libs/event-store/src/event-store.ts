import type { Pool, PoolClient } from 'pg';
import { newEventId, type Actor, type EventEnvelope } from '@hc/contracts';
import { StreamVersionConflictError, type ExpectedVersion } from './errors.js';
import { STREAM_VERSION_CONFLICT_SQLSTATE, eventStoreMigrations } from './event-store.migrations.js';
import { runMigrations } from './migrations.js';
import type { AppendSignal } from './polling.js';

/** What a writer hands to the store; stream id and version are assigned on append. */
export interface NewEvent<TType extends string = string, TPayload = unknown> {
  eventId?: string;
  type: TType;
  schemaVersion: number;
  payload: TPayload;
  occurredAt: Date;
  correlationId: string;
  causationId?: string | null;
  actor?: Actor | null;
  /**
   * W3C trace headers (`traceparent`, `tracestate`) of the operation that appended the event, so the
   * outbox relay can continue that trace when it publishes; not part of the wire envelope.
   */
  traceContext?: Record<string, string> | null;
}

/** An event as stored: the wire envelope plus its place in the store. */
export interface RecordedEvent<TType extends string = string, TPayload = unknown> extends EventEnvelope<
  TType,
  TPayload
> {
  globalPosition: bigint;
  transactionId: bigint;
  recordedAt: Date;
  traceContext: Record<string, string> | null;
}

/**
 * A place in the commit-visibility order `(transaction_id, global_position)`. Serialised as
 * "xid:position" so that it can be stored as text by any consumer.
 */
export interface Checkpoint {
  transactionId: bigint;
  globalPosition: bigint;
}

export const START_CHECKPOINT: Checkpoint = { transactionId: 0n, globalPosition: 0n };

export function checkpointOf(event: Pick<RecordedEvent, 'transactionId' | 'globalPosition'>): Checkpoint {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

/** Negative when `a` comes before `b` in commit order. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition === b.globalPosition) return 0;
  return a.globalPosition < b.globalPosition ? -1 : 1;
}

/** The last of `checkpoints` in commit order, skipping nulls (commands that appended nothing). */
export function latestCheckpoint(checkpoints: (Checkpoint | null)[]): Checkpoint | null {
  let latest: Checkpoint | null = null;
  for (const checkpoint of checkpoints)
    if (checkpoint && (!latest || compareCheckpoints(checkpoint, latest) > 0)) latest = checkpoint;
  return latest;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId}:${checkpoint.globalPosition}`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const match = /^(\d+):(\d+)$/.exec(text);
  if (!match) throw new Error(`Invalid checkpoint "${text}"`);
  return { transactionId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) };
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** The same command id appended again returns the first result and writes nothing. */
  commandId?: string;
  /** Run inside the caller's transaction (e.g. a consumer recording the processed message). */
  client?: PoolClient;
}

export interface AppendResult {
  /** False when the command id had already been appended: nothing was written. */
  appended: boolean;
  firstVersion: number;
  nextExpectedVersion: number;
  globalPositions: bigint[];
  /** Where the last appended event sits in commit order (null for a duplicate command). */
  checkpoint: Checkpoint | null;
}

interface EventRow {
  global_position: string;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  payload: unknown;
  occurred_at: Date;
  recorded_at: Date;
  correlation_id: string;
  causation_id: string | null;
  actor: Actor | null;
  trace_context: Record<string, string> | null;
}

const EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, event_id, stream_id, stream_version,
  type, schema_version, payload, occurred_at, recorded_at, correlation_id, causation_id, actor, trace_context`;

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    occurredAt: row.occurred_at.toISOString(),
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    actor: row.actor,
    payload: row.payload,
    globalPosition: BigInt(row.global_position),
    transactionId: BigInt(row.transaction_id),
    recordedAt: row.recorded_at,
    traceContext: row.trace_context,
  };
}

const ANY_RETRIES = 5;

/**
 * Append-only PostgreSQL event store: one table per service database, one stream per aggregate.
 * Each append touches exactly one stream, which is what keeps every stream's events in
 * commit-visibility order (see append_to_stream).
 */
export class PostgresEventStore {
  constructor(
    private readonly pool: Pool,
    /** Told of every append, so this process's readers of the store need not wait for their next poll. */
    private readonly options: { signal?: AppendSignal } = {},
  ) {}

  async migrate(): Promise<void> {
    await runMigrations(this.pool, 'event_store_migrations', eventStoreMigrations);
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('appendToStream needs at least one event');
    const expected = options.expectedVersion === 'any' ? -1 : options.expectedVersion;
    if (!Number.isInteger(expected) || expected < -1) {
      throw new RangeError(`Invalid expected version ${String(options.expectedVersion)}`);
    }
    const serialised = JSON.stringify(
      events.map((event) => ({
        eventId: event.eventId ?? newEventId(),
        type: event.type,
        schemaVersion: event.schemaVersion,
        payload: event.payload,
        occurredAt: event.occurredAt.toISOString(),
        correlationId: event.correlationId,
        causationId: event.causationId ?? null,
        actor: event.actor ?? null,
        traceContext: event.traceContext ?? null,
      })),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.callAppend(
          options.client ?? this.pool,
          streamId,
          expected,
          options.commandId,
          serialised,
        );
        // Inside a caller's transaction the events are not committed yet: the readers then keep polling
        // at their short delay for a while, which finds them once the caller commits.
        if (result.appended) this.options.signal?.notify(result.checkpoint);
        return result;
      } catch (error) {
        const retryable =
          options.expectedVersion === 'any' &&
          !options.client &&
          attempt < ANY_RETRIES &&
          isRetryableAppendError(error);
        if (!retryable) throw this.translate(error, streamId, options.expectedVersion);
      }
    }
  }

  private async callAppend(
    executor: Pool | PoolClient,
    streamId: string,
    expected: number,
    commandId: string | undefined,
    serialisedEvents: string,
  ): Promise<AppendResult> {
    const { rows } = await executor.query<{
      outcome: 'appended' | 'duplicate';
      first_version: number;
      last_version: number;
      positions: string[];
      transaction_id: string | null;
    }>(
      `SELECT outcome, first_version, last_version, positions, transaction_id::text AS transaction_id
       FROM append_to_stream($1, $2, $3, $4::jsonb)`,
      [streamId, expected, commandId ?? null, serialisedEvents],
    );
    const row = rows[0];
    if (!row) throw new Error('append_to_stream returned no row');
    return {
      appended: row.outcome === 'appended',
      firstVersion: row.first_version,
      nextExpectedVersion: row.last_version,
      globalPositions: row.positions.map((position) => BigInt(position)),
      checkpoint:
        row.transaction_id === null || row.positions.length === 0
          ? null
          : { transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.positions.at(-1)!) },
    };
  }

  private translate(error: unknown, streamId: string, expectedVersion: ExpectedVersion): unknown {
    if (isPgError(error) && error.code === STREAM_VERSION_CONFLICT_SQLSTATE) {
      const actual = error.detail === undefined ? null : Number(error.detail);
      return new StreamVersionConflictError(streamId, expectedVersion, actual, error.message);
    }
    return error;
  }

  /** The stream's events after `afterVersion` (0 = from the start), in version order. */
  async readStream(
    streamId: string,
    options: { afterVersion?: number; client?: PoolClient } = {},
  ): Promise<{ events: RecordedEvent[]; version: number }> {
    const executor = options.client ?? this.pool;
    const { rows } = await executor.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version`,
      [streamId, options.afterVersion ?? 0],
    );
    const events = rows.map(toRecordedEvent);
    const version = events.at(-1)?.streamVersion ?? options.afterVersion ?? 0;
    return { events, version };
  }

  /**
   * Events committed after `checkpoint`, in commit-visibility order, never skipping one that
   * commits late: only transactions older than every transaction still in progress
   * (`pg_snapshot_xmin`) are read, so a slow writer holds the horizon back instead of being
   * overtaken. Each stream's events come in version order.
   */
  async readAllAfter(checkpoint: Checkpoint, limit = 1000, client?: PoolClient): Promise<RecordedEvent[]> {
    const { rows } = await (client ?? this.pool).query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id, global_position
       LIMIT $3`,
      [checkpoint.transactionId.toString(), checkpoint.globalPosition.toString(), limit],
    );
    return rows.map(toRecordedEvent);
  }
}

interface PgError {
  code: string;
  detail?: string;
  message: string;
}

function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string';
}

function isRetryableAppendError(error: unknown): boolean {
  return isPgError(error) && (error.code === STREAM_VERSION_CONFLICT_SQLSTATE || error.code === '40001');
}
