// The application side of ideas: runs lifecycle commands for a caller, waits for the read model, answers with it.
import { Inject, Injectable } from '@nestjs/common';
import { ideaStreamId } from '@hc/contracts';
import { StreamVersionConflictError, withTransaction, type Checkpoint } from '@hc/event-store';
import {
  SERVICE_RUNTIME,
  acceptedNotYetVisible,
  forbidden,
  hasRole,
  notFound,
  type CommandOutcome,
  type DomainError,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { companyLocalDate } from '../company-date.js';
import { IdeasReadModel, type IdeaRow } from '../projections/ideas.read-model.js';
import { createIdeaDecider, type IdeaCommand } from './idea.decide.js';
import type { IdeaEvent } from './idea.events.js';
import type { IdeaState } from './idea.state.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** Carries an expected failure out of a transaction, so the transaction rolls back. */
class DomainFailure extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

const MERGE_ATTEMPTS = 5;

@Injectable()
export class IdeasService {
  readonly readModel: IdeasReadModel;
  readonly decider: ReturnType<typeof createIdeaDecider>;

  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {
    this.readModel = new IdeasReadModel(runtime.pool);
    this.decider = createIdeaDecider(runtime.options.config.timeZone);
  }

  /** Today in the company's time zone (the caller's business time in simulation mode). */
  today(identity: Identity | null): string {
    const now =
      identity?.businessTime && this.runtime.clock.simulationMode
        ? this.runtime.clock.at(identity.businessTime)
        : this.runtime.clock.now();
    return companyLocalDate(now, this.runtime.options.config.timeZone);
  }

  /** Runs one command on one idea and returns the idea as the read model shows it afterwards. */
  async execute(
    ideaId: string,
    command: IdeaCommand,
    identity: Identity | null,
    correlationId: string,
  ): Promise<Result<IdeaRow>> {
    const outcome: CommandOutcome<IdeaEvent, IdeaState> = await this.runtime.commands.run(
      this.decider,
      ideaStreamId(ideaId),
      command,
      { correlationId, actor: identity },
    );
    if (!outcome.ok) return outcome;
    return this.readAfter(ideaId, outcome.checkpoint);
  }

  /**
   * Merges `mergedId` into `targetId`: both streams record it (IdeasMerged, IdeaMergedInto) in one
   * transaction, and each keeps its own history.
   */
  async merge(
    targetId: string,
    mergedId: string,
    identity: Identity | null,
    correlationId: string,
  ): Promise<Result<IdeaRow>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const checkpoint = await withTransaction(this.runtime.pool, async (client) => {
          const metadata = { correlationId, actor: identity, client };
          const absorbed = await this.runtime.commands.run(
            this.decider,
            ideaStreamId(targetId),
            { type: 'AbsorbIdea', mergedIdeaId: mergedId },
            metadata,
          );
          if (!absorbed.ok) throw new DomainFailure(absorbed.error);
          const mergedInto = await this.runtime.commands.run(
            this.decider,
            ideaStreamId(mergedId),
            { type: 'MergeIntoIdea', targetIdeaId: targetId },
            metadata,
          );
          if (!mergedInto.ok) throw new DomainFailure(mergedInto.error);
          return mergedInto.checkpoint;
        });
        return await this.readAfter(targetId, checkpoint);
      } catch (error) {
        if (error instanceof DomainFailure) return { ok: false, error: error.error };
        // A concurrent change to either idea: decide again on the new state.
        if (attempt >= MERGE_ATTEMPTS || !(error instanceof StreamVersionConflictError)) throw error;
      }
    }
  }

  /** Returns every deferred idea whose revisit date has come to review; answers how many went back. */
  async returnDueIdeasToReview(identity: Identity | null, correlationId: string): Promise<Result<number>> {
    // Null is the service's own timer; a person must be a coordinator even when nothing is due.
    if (identity !== null && !hasRole(identity, 'coordinator'))
      return { ok: false, error: forbidden('Only a coordinator may return deferred ideas to review') };
    const due = await this.readModel.dueForReview(this.today(identity));
    let returned = 0;
    let last: Checkpoint | null = null;
    for (const ideaId of due) {
      const outcome = await this.runtime.commands.run(
        this.decider,
        ideaStreamId(ideaId),
        { type: 'ReturnToReview' },
        { correlationId, actor: identity },
      );
      if (!outcome.ok) {
        // The read model may lag a concurrent change; anything but a refusal of the caller is skipped.
        if (outcome.error.code === 'FORBIDDEN') return outcome;
        continue;
      }
      if (outcome.events.length > 0) returned++;
      last = outcome.checkpoint ?? last;
    }
    await this.runtime.waitForProjections(last);
    return { ok: true, value: returned };
  }

  private async readAfter(ideaId: string, checkpoint: Checkpoint | null): Promise<Result<IdeaRow>> {
    // An answer from a read model that has not applied the change would be stale, or NOT_FOUND for a new idea.
    if (!(await this.runtime.waitForProjections(checkpoint)))
      return { ok: false, error: acceptedNotYetVisible([ideaId]) };
    const row = await this.readModel.byId(ideaId);
    return row ? { ok: true, value: row } : { ok: false, error: notFound(`Idea ${ideaId} does not exist`) };
  }
}
