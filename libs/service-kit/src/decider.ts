import type { PoolClient } from 'pg';
import { newEventId, type Actor, type Clock, type EventRegistry, type PlainObject } from '@hc/contracts';
import {
  PostgresEventStore,
  StreamVersionConflictError,
  type Checkpoint,
  type RecordedEvent,
} from '@hc/event-store';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { TRACER_NAME, traceHeadersOf } from '@hc/messaging';
import type { Histogram } from 'prom-client';
import type { DomainError } from './errors.js';
import { isDomainError } from './errors.js';
import type { Identity } from './identity.js';

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
 * state into new events or an expected failure; `evolve` folds an event into the state.
 */
export interface Decider<TCommand, TEvent extends DomainEvent, TState> {
  initialState: () => TState;
  evolve(state: TState, event: TEvent): TState;
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

function actorOf(identity: Identity | null): Actor | null {
  return identity ? { id: identity.subject, roles: [...identity.roles] } : null;
}

/**
 * Runs commands against event-sourced aggregates: load the stream, fold it with `evolve`, `decide`,
 * append with the expected version; on a version conflict, reload and decide again, so concurrent
 * commands on one aggregate are all kept (no lost update). Nothing is published in-process: the
 * outbox relay publishes what was appended.
 */
export class CommandRunner {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly registry: EventRegistry,
    private readonly clock: Clock,
    private readonly metrics?: { appendDuration: Histogram<'outcome'> },
  ) {}

  async load<TEvent extends DomainEvent, TState>(
    decider: Pick<Decider<unknown, TEvent, TState>, 'initialState' | 'evolve'>,
    streamId: string,
    client?: PoolClient,
  ): Promise<{ state: TState; version: number }> {
    const { events, version } = await this.store.readStream(streamId, client ? { client } : {});
    const state = events.reduce(
      (current, event) => decider.evolve(current, this.toDomainEvent<TEvent>(event)),
      decider.initialState(),
    );
    return { state, version };
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
          const outcome = await this.decideAndAppend(decider, streamId, command, metadata);
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
    const traceHeaders = traceHeadersOf();
    const traceContext = Object.keys(traceHeaders).length > 0 ? traceHeaders : null;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(decider, streamId, metadata.client);
      const now = this.now(metadata.actor);
      const decision = decider.decide(command, state, { now, actor: metadata.actor });
      if (isDomainError(decision)) return { ok: false, error: decision };
      if (decision.length === 0)
        return { ok: true, state, events: [], version, duplicate: false, checkpoint: null };
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
            expectedVersion: version,
            ...(metadata.commandId ? { commandId: metadata.commandId } : {}),
            ...(metadata.client ? { client: metadata.client } : {}),
          },
        );
        this.observeAppend(result.appended ? 'appended' : 'duplicate', appending);
        if (!result.appended) {
          const replayed = await this.load(decider, streamId, metadata.client);
          return {
            ok: true,
            state: replayed.state,
            events: [],
            version: replayed.version,
            duplicate: true,
            checkpoint: null,
          };
        }
        const newState = decision.reduce((current, event) => decider.evolve(current, event), state);
        return {
          ok: true,
          state: newState,
          events: decision,
          version: result.nextExpectedVersion,
          duplicate: false,
          checkpoint: result.checkpoint,
        };
      } catch (error) {
        this.observeAppend(error instanceof StreamVersionConflictError ? 'conflict' : 'error', appending);
        // Inside a caller's transaction the conflict must abort it: the caller retries the whole unit.
        if (!(error instanceof StreamVersionConflictError) || metadata.client || attempt >= MAX_ATTEMPTS)
          throw error;
        // Jittered, growing back-off spreads the contenders out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
      }
    }
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
