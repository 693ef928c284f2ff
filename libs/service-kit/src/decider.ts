import type { PoolClient } from 'pg';
import { newEventId, type Actor, type Clock, type EventRegistry, type PlainObject } from '@hc/contracts';
import {
  PostgresEventStore,
  StreamVersionConflictError,
  isTransientDatabaseError,
  type Checkpoint,
  type RecordedEvent,
} from '@hc/event-store';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { TRACER_NAME, traceHeadersOf } from '@hc/messaging';
import type { Histogram } from 'prom-client';
import type { DomainError } from './errors.js';
import { isDomainError } from './errors.js';
import type { Identity } from './identity.js';
import { FoldedStateCache, type Fold, type FoldedStream } from './folded-state-cache.js';
import { KeyedQueue } from './keyed-queue.js';

/** A domain event as the aggregate sees it: its type and its data (the envelope's payload). */
export interface DomainEvent<TType extends string = string, TData extends object = object> {
  type: TType;
  data: TData;
}

export interface DecisionContext {
  now: Date;
  actor: Identity | null;
}

/**
 * An aggregate as two pure functions (Emmett's decider): `decide` turns a command and the current
 * state into new events or an expected failure; `evolve` folds an event into the state. `evolve` returns
 * a new state and never changes the one it is given: the runner caches folded states and shares them.
 */
export interface Decider<TCommand, TEvent extends DomainEvent, TState> extends Fold<TEvent, TState> {
  decide(command: TCommand, state: TState, context: DecisionContext): TEvent[] | DomainError;
}

export interface CommandMetadata {
  /** Idempotency: the same command id never appends twice. */
  commandId?: string;
  correlationId: string;
  causationId?: string | null;
  actor: Identity | null;
  /** Run inside the caller's transaction (a consumer recording the message it applies). */
  client?: PoolClient;
}

export type CommandOutcome<TEvent, TState> =
  | {
      ok: true;
      state: TState;
      events: TEvent[];
      version: number;
      duplicate: boolean;
      /** Where the appended events sit in commit order: `projector.waitFor(checkpoint)` gives read-your-writes. */
      checkpoint: Checkpoint | null;
    }
  | { ok: false; error: DomainError };

/** Each retry re-reads and re-decides; with many writers on one aggregate some need many turns. */
const MAX_ATTEMPTS = 50;

/** Streams whose folded state a process keeps: a few thousand circles, situations and ideas. */
export const DEFAULT_CACHED_STREAMS = 5_000;

function actorOf(identity: Identity | null): Actor | null {
  return identity ? { id: identity.subject, roles: [...identity.roles] } : null;
}

/** The payload as it reads back from the store (plain JSON), so a cached state holds nothing of the caller's. */
function asStored<TEvent extends DomainEvent>(event: TEvent): TEvent {
  return { type: event.type, data: JSON.parse(JSON.stringify(event.data)) as object } as TEvent;
}

export interface CommandRunnerOptions {
  metrics?: { appendDuration: Histogram<'outcome'> };
  /** How many streams' folded states to keep (0: none, every command reads its whole stream). */
  cachedStreams?: number;
}

/**
 * Runs commands against event-sourced aggregates: fold the stream with `evolve`, `decide`, append with
 * the expected version; on a version conflict, read what was appended meanwhile and decide again, so
 * concurrent commands on one aggregate are all kept (no lost update). Nothing is published in-process:
 * the outbox relay publishes what was appended.
 *
 * Outside a caller's transaction the state comes from a cache of committed folds (ADR 0011): the
 * command appends at the cached version without reading, and the store's version check catches a
 * stale guess.
 */
export class CommandRunner {
  private readonly cache: FoldedStateCache;
  private readonly metrics: CommandRunnerOptions['metrics'];
  private readonly streamQueue = new KeyedQueue();

  constructor(
    private readonly store: PostgresEventStore,
    private readonly registry: EventRegistry,
    private readonly clock: Clock,
    options: CommandRunnerOptions = {},
  ) {
    this.metrics = options.metrics;
    this.cache = new FoldedStateCache(options.cachedStreams ?? DEFAULT_CACHED_STREAMS);
  }

  /**
   * The stream's current state: the cached fold and the events after it. Inside a caller's transaction
   * the events it sees (its own uncommitted ones too) are folded, and nothing is cached.
   */
  async load<TEvent extends DomainEvent, TState>(
    decider: Fold<TEvent, TState>,
    streamId: string,
    client?: PoolClient,
  ): Promise<FoldedStream<TState>> {
    const cached = this.cache.get(streamId, decider);
    return cached
      ? this.catchUp(decider, streamId, cached, client)
      : this.readWhole(decider, streamId, client);
  }

  /**
   * Runs the command in a span of its own: the events it appends record that span's trace context,
   * which the outbox relay continues when it publishes them.
   */
  async run<TCommand, TEvent extends DomainEvent, TState>(
    decider: Decider<TCommand, TEvent, TState>,
    streamId: string,
    command: TCommand,
    metadata: CommandMetadata,
  ): Promise<CommandOutcome<TEvent, TState>> {
    const type =
      typeof command === 'object' && command !== null && 'type' in command && typeof command.type === 'string'
        ? command.type
        : 'unknown';
    return trace
      .getTracer(TRACER_NAME)
      .startActiveSpan(`command ${type}`, { attributes: { 'hc.stream_id': streamId } }, async (span) => {
        try {
          // Inside a caller's transaction the command cannot wait its turn: the transaction may hold locks
          // the commands ahead of it need.
          const outcome = metadata.client
            ? await this.decideAndAppend(decider, streamId, command, metadata)
            : await this.streamQueue.run(streamId, () =>
                this.decideAndAppend(decider, streamId, command, metadata),
              );
          if (!outcome.ok) span.setAttribute('hc.domain_error', outcome.error.code);
          return outcome;
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
          throw error;
        } finally {
          span.end();
        }
      });
  }

  private async decideAndAppend<TCommand, TEvent extends DomainEvent, TState>(
    decider: Decider<TCommand, TEvent, TState>,
    streamId: string,
    command: TCommand,
    metadata: CommandMetadata,
  ): Promise<CommandOutcome<TEvent, TState>> {
    const { client } = metadata;
    const traceHeaders = traceHeadersOf();
    const traceContext = Object.keys(traceHeaders).length > 0 ? traceHeaders : null;
    // Outside a caller's transaction the cached fold is taken unread; the append's version check verifies it.
    const guess = client ? undefined : this.cache.get(streamId, decider);
    let current = guess ?? (await this.load(decider, streamId, client));
    let verified = guess === undefined;
    for (let attempt = 1; ; attempt++) {
      const now = this.now(metadata.actor);
      const decision = decider.decide(command, current.state, { now, actor: metadata.actor });
      if (isDomainError(decision) || decision.length === 0) {
        // A refusal (or nothing to do) must rest on the stream as it is, not on a guess.
        if (!verified) {
          current = await this.catchUp(decider, streamId, current);
          verified = true;
          continue;
        }
        if (isDomainError(decision)) return { ok: false, error: decision };
        return { ok: true, ...current, events: [], duplicate: false, checkpoint: null };
      }
      for (const event of decision) this.registry.assertValidPayload(event.type, event.data);
      const appending = performance.now();
      try {
        const result = await this.store.appendToStream(
          streamId,
          decision.map((event) => ({
            eventId: newEventId(),
            type: event.type,
            schemaVersion: this.registry.types().find((registered) => registered.type === event.type)!
              .schemaVersion,
            payload: event.data,
            occurredAt: now,
            correlationId: metadata.correlationId,
            causationId: metadata.causationId ?? null,
            actor: actorOf(metadata.actor),
            traceContext,
          })),
          {
            expectedVersion: current.version,
            ...(metadata.commandId ? { commandId: metadata.commandId } : {}),
            ...(client ? { client } : {}),
          },
        );
        this.observeAppend(result.appended ? 'appended' : 'duplicate', appending);
        if (!result.appended) {
          const replayed = await this.load(decider, streamId, client);
          return { ok: true, ...replayed, events: [], duplicate: true, checkpoint: null };
        }
        const appended = client ? decision : decision.map(asStored);
        const state = appended.reduce((folded, event) => decider.evolve(folded, event), current.state);
        const version = result.nextExpectedVersion;
        // Committed (no caller's transaction that might still roll back): the next command starts here.
        if (!client) this.cache.set(streamId, decider, { version, state });
        return {
          ok: true,
          state,
          events: decision,
          version,
          duplicate: false,
          checkpoint: result.checkpoint,
        };
      } catch (error) {
        const conflict = error instanceof StreamVersionConflictError;
        this.observeAppend(conflict ? 'conflict' : 'error', appending);
        // Inside a caller's transaction any failure must abort it: the caller retries the whole unit.
        if (client || attempt >= MAX_ATTEMPTS || !isTransientDatabaseError(error)) throw error;
        if (conflict) {
          const stale = !verified;
          current = await this.afterConflict(decider, streamId, current);
          verified = true;
          // A stale cache is not contention: decide again at once.
          if (stale) continue;
        }
        // Jittered, growing back-off spreads the contenders out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
      }
    }
  }

  /** Folds the events after `known` onto it; caches the result when read outside a transaction. */
  private async catchUp<TEvent extends DomainEvent, TState>(
    decider: Fold<TEvent, TState>,
    streamId: string,
    known: FoldedStream<TState>,
    client?: PoolClient,
  ): Promise<FoldedStream<TState>> {
    const { events, version } = await this.store.readStream(streamId, {
      afterVersion: known.version,
      ...(client ? { client } : {}),
    });
    if (events.length === 0) return known;
    const folded = { version, state: this.fold(decider, known.state, events) };
    if (!client) this.cache.set(streamId, decider, folded);
    return folded;
  }

  /**
   * A conflict means the stream moved past `known`. When it did not, the store is behind the cache (a
   * database restored from a backup): the cached fold is dropped and the whole stream read.
   */
  private async afterConflict<TEvent extends DomainEvent, TState>(
    decider: Fold<TEvent, TState>,
    streamId: string,
    known: FoldedStream<TState>,
  ): Promise<FoldedStream<TState>> {
    const caught = await this.catchUp(decider, streamId, known);
    if (caught !== known) return caught;
    this.cache.delete(streamId);
    return this.readWhole(decider, streamId);
  }

  private async readWhole<TEvent extends DomainEvent, TState>(
    decider: Fold<TEvent, TState>,
    streamId: string,
    client?: PoolClient,
  ): Promise<FoldedStream<TState>> {
    const { events, version } = await this.store.readStream(streamId, client ? { client } : {});
    const folded = { version, state: this.fold(decider, decider.initialState(), events) };
    if (!client && version > 0) this.cache.set(streamId, decider, folded);
    return folded;
  }

  private fold<TEvent extends DomainEvent, TState>(
    decider: Fold<TEvent, TState>,
    state: TState,
    events: RecordedEvent[],
  ): TState {
    return events.reduce(
      (current, event) => decider.evolve(current, this.toDomainEvent<TEvent>(event)),
      state,
    );
  }

  private observeAppend(outcome: 'appended' | 'duplicate' | 'conflict' | 'error', startedAt: number): void {
    this.metrics?.appendDuration.observe({ outcome }, (performance.now() - startedAt) / 1000);
  }

  /** The business time of a command: the caller's simulated time when the clock allows it. */
  private now(actor: Identity | null): Date {
    return actor?.businessTime && this.clock instanceof SimulationAwareClock
      ? this.clock.at(actor.businessTime)
      : this.clock.now();
  }

  private toDomainEvent<TEvent extends DomainEvent>(event: RecordedEvent): TEvent {
    const read = this.registry.readStoredPayload(
      event.type,
      event.schemaVersion,
      event.payload as PlainObject,
    );
    if (!read.ok)
      throw new Error(`Stored event ${event.eventId} (${event.type}) cannot be read: ${read.detail}`);
    return { type: event.type, data: read.value.payload } as TEvent;
  }
}

/**
 * The system clock, which in simulation mode (never in production) lets an admin's request carry
 * the business time of a command, so a seven-month programme can be played in minutes.
 */
export class SimulationAwareClock implements Clock {
  constructor(
    private readonly base: Clock,
    readonly simulationMode: boolean,
  ) {}

  now(): Date {
    return this.base.now();
  }

  at(businessTime: string): Date {
    if (!this.simulationMode) return this.base.now();
    const parsed = new Date(businessTime);
    return Number.isNaN(parsed.getTime()) ? this.base.now() : parsed;
  }
}
