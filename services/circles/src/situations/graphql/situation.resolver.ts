// The situations backlog: queries, registration by any employee, merge and archive (coordinator).
import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { circlesStreamId, newEventId, type SituationCategory } from '@hc/contracts';
import {
  CorrelationId,
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  notFound,
  raise,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { CommandGateway } from '../../graphql/command-gateway.js';
import { check, requireIdentity, requireRole } from '../../graphql/caller.js';
import { SituationCategoryEnum, SituationStatusEnum } from '../../graphql/enums.js';
import { situationDecider } from '../situation.decide.js';
import { findSituation, findSituations } from '../situations.queries.js';
import { RegisterSituationInput, Situation } from './situation.model.js';

const BACKLOG_PAGE = 200;
const MAX_BACKLOG_PAGE = 500;

@Resolver(() => Situation)
export class SituationResolver {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly gateway: CommandGateway,
  ) {}

  @Query(() => Situation, { nullable: true })
  async situation(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Situation | null> {
    requireIdentity(identity);
    return findSituation(this.runtime.pool, id);
  }

  @Query(() => [Situation], {
    description:
      'Situations waiting for a circle (open by default), oldest first; a page of `first` (1..500) after the situation `after`',
  })
  async backlog(
    @Args('statuses', { type: () => [SituationStatusEnum], nullable: true }) statuses: string[] | null,
    @Args('category', { type: () => SituationCategoryEnum, nullable: true })
    category: SituationCategory | null,
    @Args('first', { type: () => Int, defaultValue: BACKLOG_PAGE }) first: number,
    @Args('after', { type: () => ID, nullable: true }) after: string | null | undefined,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Situation[]> {
    requireIdentity(identity);
    if (!Number.isInteger(first) || first < 1 || first > MAX_BACKLOG_PAGE) {
      raise(badInput('first', `must be 1..${MAX_BACKLOG_PAGE}`));
    }
    // An argument the query leaves out arrives as undefined.
    const afterId = after ?? null;
    if (afterId !== null && !(await findSituation(this.runtime.pool, afterId))) {
      raise(notFound('No such situation to page after'));
    }
    return findSituations(
      this.runtime.pool,
      { statuses: statuses ?? ['open'], category: category ?? null, afterId },
      first,
    );
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Situation | null> {
    return findSituation(this.runtime.pool, reference.id);
  }

  @Mutation(() => Situation, { description: 'Any employee brings a situation; anonymously if they wish' })
  async registerSituation(
    @Args('input') input: RegisterSituationInput,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Situation> {
    const caller = requireIdentity(identity);
    const situationId = newEventId();
    const outcome = await this.gateway.transaction((client) =>
      this.gateway.execute(
        client,
        situationDecider,
        circlesStreamId.situation(situationId),
        {
          type: 'RegisterSituation',
          situationId,
          title: input.title,
          description: input.description,
          category: input.category,
          source: 'employee',
          authorId: input.anonymous ? null : caller.subject,
          departmentId: caller.departmentId,
          complaintIds: [],
        },
        { identity: caller, correlationId },
        'input',
      ),
    );
    await this.gateway.settled([outcome], [situationId]);
    return this.load(situationId);
  }

  @Mutation(() => Situation, {
    description:
      'Merges `mergedId` into `targetId`: the target takes its complaints, the merged one is archived',
  })
  async mergeSituations(
    @Args('targetId', { type: () => ID }) targetId: string,
    @Args('mergedId', { type: () => ID }) mergedId: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Situation> {
    // AUTH
    const caller = requireRole(identity, 'coordinator');
    // VALIDATION
    check(targetId === mergedId ? badInput('mergedId', 'must name another situation') : null);
    // RESOLUTION: both streams in one transaction.
    const context = { identity: caller, correlationId };
    const outcomes = await this.gateway.transaction(async (client) => {
      const merged = await this.runtime.commands.load(
        situationDecider,
        circlesStreamId.situation(mergedId),
        client,
      );
      if (!merged.state.exists) raise(notFound('No such situation to merge'));
      const archived = await this.gateway.execute(
        client,
        situationDecider,
        circlesStreamId.situation(mergedId),
        { type: 'ArchiveSituation', reason: `Объединена с ситуацией ${targetId}` },
        context,
      );
      const absorbed = await this.gateway.execute(
        client,
        situationDecider,
        circlesStreamId.situation(targetId),
        { type: 'AbsorbSituation', mergedSituationId: mergedId, complaintIds: merged.state.complaintIds },
        context,
      );
      return [archived, absorbed];
    });
    await this.gateway.settled(outcomes, [targetId, mergedId]);
    return this.load(targetId);
  }

  @Mutation(() => Situation)
  async archiveSituation(
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
    @CurrentIdentity() identity: Identity | null,
    @CorrelationId() correlationId: string,
  ): Promise<Situation> {
    const caller = requireRole(identity, 'coordinator');
    const outcome = await this.gateway.transaction((client) =>
      this.gateway.execute(
        client,
        situationDecider,
        circlesStreamId.situation(id),
        { type: 'ArchiveSituation', reason },
        { identity: caller, correlationId },
      ),
    );
    await this.gateway.settled([outcome], [id]);
    return this.load(id);
  }

  private async load(id: string): Promise<Situation> {
    return (await findSituation(this.runtime.pool, id)) ?? raise(notFound('No such situation'));
  }
}
