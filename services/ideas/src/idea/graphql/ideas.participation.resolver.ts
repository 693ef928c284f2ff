// Mutations any employee makes: propose (directly), support, comment; and merging duplicates (coordinators).
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { newEventId } from '@hc/contracts';
import { CorrelationId, CurrentIdentity, forbidden, raise, type Identity } from '@hc/service-kit';
import { newIdeaId } from '../idea-id.js';
import { toIdea } from '../idea.mapping.js';
import { IdeasService } from '../ideas.service.js';
import { CommentOnIdeaInput, Idea, MergeIdeasInput, ProposeIdeaInput } from './idea.model.js';
import { requireIdentity, unwrap } from './identity.guard.js';

@Resolver(() => Idea)
export class IdeasParticipationResolver {
  constructor(private readonly service: IdeasService) {}

  @Mutation(() => Idea, {
    description: 'Look for similarIdeas first: a duplicate is better supported than repeated.',
  })
  async proposeImprovementIdea(
    @Args('input') input: ProposeIdeaInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    // AUTH: any employee (checked by the decision); the idea belongs to the proposer's department.
    const caller = requireIdentity(identity);
    const departmentId = caller.departmentId ?? raise(forbidden('Your identity names no department'));
    // VALIDATION and RESOLUTION: in the decision.
    const ideaId = newIdeaId();
    const row = unwrap(
      await this.service.execute(
        ideaId,
        {
          type: 'RegisterIdea',
          ideaId,
          title: input.title,
          description: input.description,
          origin: {
            kind: 'direct',
            circleId: null,
            leafletId: null,
            situationId: null,
            sourceEventId: null,
            complaintIds: [],
            category: null,
          },
          proposedBy: caller.subject,
          departmentId,
        },
        caller,
        correlationId,
      ),
    );
    return toIdea(row, this.service.today(caller));
  }

  @Mutation(() => Idea, { description: 'Back an idea; each employee counts once.' })
  async supportIdea(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const caller = requireIdentity(identity);
    const row = unwrap(await this.service.execute(id, { type: 'SupportIdea' }, caller, correlationId));
    return toIdea(row, this.service.today(caller));
  }

  @Mutation(() => Idea)
  async commentOnIdea(
    @Args('input') input: CommentOnIdeaInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const caller = requireIdentity(identity);
    const command = { type: 'CommentOnIdea', commentId: newEventId(), text: input.text } as const;
    const row = unwrap(await this.service.execute(input.id, command, caller, correlationId));
    return toIdea(row, this.service.today(caller));
  }

  @Mutation(() => Idea, {
    description: 'Coordinators: merge a duplicate into the idea that stays; both keep their history.',
  })
  async mergeIdeas(
    @Args('input') input: MergeIdeasInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Idea> {
    const caller = requireIdentity(identity);
    const row = unwrap(await this.service.merge(input.targetId, input.mergedId, caller, correlationId));
    return toIdea(row, this.service.today(caller));
  }
}
