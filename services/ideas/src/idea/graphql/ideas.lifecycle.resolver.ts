// Mutations that move an idea through its lifecycle; the decision enforces roles and legal transitions.
import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CorrelationId, CurrentIdentity, type Identity } from '@hc/service-kit';
import type { IdeaCommand } from '../idea.decide.js';
import { toIdea } from '../idea.mapping.js';
import { IdeasService } from '../ideas.service.js';
import {
  ApproveIdeaInput,
  AssignIdeaOwnerInput,
  CompleteIdeaImplementationInput,
  DeferIdeaInput,
  Idea,
  IdeaReasonInput,
} from './idea.model.js';
import { requireIdentity, unwrap } from './identity.guard.js';

@Resolver(() => Idea)
export class IdeasLifecycleResolver {
  constructor(private readonly service: IdeasService) {}

  private async run(id: string, command: IdeaCommand, identity: Identity | null, correlationId: string) {
    const caller = requireIdentity(identity);
    const row = unwrap(await this.service.execute(id, command, caller, correlationId));
    return toIdea(row, this.service.today(caller));
  }

  @Mutation(() => Idea, { description: 'Coordinators: proposed → under review.' })
  startIdeaReview(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    return this.run(id, { type: 'StartReview' }, identity, correlationId);
  }

  @Mutation(() => Idea, {
    description: 'Coordinators: under review → approved; other_department submits it there (IdeaSubmitted).',
  })
  approveIdea(
    @Args('input') input: ApproveIdeaInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const command = {
      type: 'ApproveIdea',
      scope: input.scope,
      targetDepartmentId: input.targetDepartmentId ?? null,
    } as const;
    return this.run(input.id, command, identity, correlationId);
  }

  @Mutation(() => Idea, { description: 'Coordinators, with a reason.' })
  rejectIdea(
    @Args('input') input: IdeaReasonInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    return this.run(input.id, { type: 'RejectIdea', reason: input.reason }, identity, correlationId);
  }

  @Mutation(() => Idea, {
    description: 'Coordinators: not implementable now; it returns to review on revisitOn.',
  })
  deferIdea(
    @Args('input') input: DeferIdeaInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const command = { type: 'DeferIdea', reason: input.reason, revisitOn: input.revisitOn } as const;
    return this.run(input.id, command, identity, correlationId);
  }

  @Mutation(() => Idea, { description: 'The proposer takes their idea back.' })
  withdrawIdea(
    @Args('input') input: IdeaReasonInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    return this.run(input.id, { type: 'WithdrawIdea', reason: input.reason }, identity, correlationId);
  }

  @Mutation(() => Int, {
    description: 'Coordinators: deferred ideas whose revisit date has come go back to review.',
  })
  async returnDueIdeasToReview(
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<number> {
    return unwrap(await this.service.returnDueIdeasToReview(requireIdentity(identity), correlationId));
  }

  @Mutation(() => Idea, { description: 'Coordinators: who follows the idea up, and by when.' })
  assignIdeaOwner(
    @Args('input') input: AssignIdeaOwnerInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const command = { type: 'AssignOwner', ownerId: input.ownerId, dueDate: input.dueDate } as const;
    return this.run(input.id, command, identity, correlationId);
  }

  @Mutation(() => Idea, { description: 'The owner or a coordinator: approved → in progress.' })
  startIdeaImplementation(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    return this.run(id, { type: 'StartImplementation' }, identity, correlationId);
  }

  @Mutation(() => Idea, {
    description: 'The owner or a coordinator: in progress → implemented (ImprovementImplemented).',
  })
  completeIdeaImplementation(
    @Args('input') input: CompleteIdeaImplementationInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const command = { type: 'CompleteImplementation', description: input.description } as const;
    return this.run(input.id, command, identity, correlationId);
  }
}
