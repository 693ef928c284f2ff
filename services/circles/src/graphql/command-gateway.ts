// Runs commands for resolvers, with domain errors raised at the edge: one stream's command on its own, or
// one transaction per mutation (several streams and the weekly-rule ledger commit together), retried whole.
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import {
  isTransientDatabaseError,
  latestCheckpoint,
  withTransaction,
  type Checkpoint,
} from '@hc/event-store';
import {
  SERVICE_RUNTIME,
  acceptedNotYetVisible,
  raise,
  type CommandOutcome,
  type Decider,
  type DomainError,
  type DomainEvent,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';

/** Rolls the transaction back and answers with the domain error. */
export class CommandRefused extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

export type Succeeded<E, S> = Extract<CommandOutcome<E, S>, { ok: true }>;

export interface CallContext {
  identity: Identity;
  correlationId: string;
}

/** Enough for twenty brainstormers hitting one circle at the same moment. */
const MAX_ATTEMPTS = 50;

@Injectable()
export class CommandGateway {
  constructor(@Inject(SERVICE_RUNTIME) readonly runtime: ServiceRuntime) {}

  /** Runs `work` in one transaction; a CommandRefused thrown inside rolls it back and is raised. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTransaction(this.runtime.pool, work);
      } catch (error) {
        if (error instanceof CommandRefused) raise(error.error);
        if (!isTransientDatabaseError(error) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 10)));
      }
    }
  }

  /**
   * One command on one stream, outside any transaction: its append is one atomic statement, and the
   * runner retries conflicts and transient failures itself (deciding again on the new state).
   */
  async run<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CallContext,
    fieldPrefix?: string,
  ): Promise<Succeeded<E, S>> {
    try {
      return await this.execute(undefined, decider, streamId, command, context, fieldPrefix);
    } catch (error) {
      if (error instanceof CommandRefused) raise(error.error);
      throw error;
    }
  }

  /** One command inside a `transaction`: the successful outcome, or a CommandRefused that rolls it back. */
  async execute<C, E extends DomainEvent, S>(
    client: PoolClient | undefined,
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    { identity, correlationId }: CallContext,
    /** Where the command's fields sit in the GraphQL input, e.g. `input`: errors then name `input.title`. */
    fieldPrefix?: string,
  ): Promise<Succeeded<E, S>> {
    const outcome = await this.runtime.commands.run(decider, streamId, command, {
      correlationId,
      actor: identity,
      ...(client ? { client } : {}),
    });
    if (!outcome.ok) {
      const { field } = outcome.error;
      throw new CommandRefused(
        field && fieldPrefix ? { ...outcome.error, field: `${fieldPrefix}.${field}` } : outcome.error,
      );
    }
    return outcome;
  }

  /**
   * Read-your-writes for a mutation answering from a read model: raises ACCEPTED_NOT_YET_VISIBLE naming
   * `ids` (what the mutation recorded) when the read model has not applied the outcomes in time.
   */
  async settled(outcomes: { checkpoint: Checkpoint | null }[], ids: string[]): Promise<void> {
    const latest = latestCheckpoint(outcomes.map((outcome) => outcome.checkpoint));
    if (!(await this.runtime.waitForProjections(latest))) raise(acceptedNotYetVisible(ids));
  }
}
