// Queries of ideas: one idea, filtered pages, similar ideas before proposing; Idea's own fields.
import { Args, ID, Int, Parent, Query, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { CurrentIdentity, badInput, raise, type Identity } from '@hc/service-kit';
import { toIdea } from '../idea.mapping.js';
import { IdeasService } from '../ideas.service.js';
import { decodeCursor, encodeCursor } from '../../projections/ideas.read-model.js';
import {
  Idea,
  IdeaComment,
  IdeaConnection,
  IdeaHistoryEntry,
  IdeasFilter,
  MAX_PAGE_SIZE,
  SimilarIdea,
} from './idea.model.js';
import { requireIdentity } from './identity.guard.js';

const MAX_SIMILAR = 20;
const MAX_SEARCH_LENGTH = 4000;

@Resolver(() => Idea)
export class IdeasQueryResolver {
  constructor(private readonly service: IdeasService) {}

  @Query(() => Idea, { nullable: true })
  async idea(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Idea | null> {
    requireIdentity(identity);
    const row = await this.service.readModel.byId(id);
    return row ? toIdea(row, this.service.today(identity)) : null;
  }

  @Query(() => IdeaConnection, {
    description: 'Newest first; `after` is the endCursor of the previous page.',
  })
  async ideas(
    @CurrentIdentity() identity: Identity | null,
    @Args('filter', { type: () => IdeasFilter, nullable: true }) filter: IdeasFilter | null | undefined,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
  ): Promise<IdeaConnection> {
    requireIdentity(identity);
    if (first < 1 || first > MAX_PAGE_SIZE) raise(badInput('first', `must be 1..${MAX_PAGE_SIZE}`));
    // An argument left out arrives as undefined.
    const cursor = after ?? null;
    const afterPosition = cursor === null ? null : decodeCursor(cursor);
    if (cursor !== null && afterPosition === null) raise(badInput('after', 'is not a cursor of this list'));
    const today = this.service.today(identity);
    const rows = await this.service.readModel.list(filter ?? {}, today, first, afterPosition);
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      nodes: page.map((row) => toIdea(row, today)),
      pageInfo: { endCursor: last ? encodeCursor(last.position) : null, hasNextPage: rows.length > first },
    };
  }

  @Query(() => [SimilarIdea], {
    description:
      'Open ideas similar to a text (Russian full-text, best first): offered before proposing a new one.',
  })
  async similarIdeas(
    @CurrentIdentity() identity: Identity | null,
    @Args('text') text: string,
    @Args('limit', { type: () => Int, defaultValue: 5 }) limit: number,
  ): Promise<SimilarIdea[]> {
    requireIdentity(identity);
    if (text.trim() === '') raise(badInput('text', 'must not be empty'));
    if (text.length > MAX_SEARCH_LENGTH)
      raise(badInput('text', `must be at most ${MAX_SEARCH_LENGTH} characters`));
    if (limit < 1 || limit > MAX_SIMILAR) raise(badInput('limit', `must be 1..${MAX_SIMILAR}`));
    const today = this.service.today(identity);
    const matches = await this.service.readModel.similar(text, limit);
    return matches.map(({ row, rank }) => ({ idea: toIdea(row, today), rank }));
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Idea | null> {
    const row = await this.service.readModel.byId(reference.id);
    return row ? toIdea(row, this.service.today(null)) : null;
  }

  @ResolveField(() => [ID])
  supporterIds(@Parent() idea: Idea): Promise<string[]> {
    return this.service.readModel.supporters(idea.id);
  }

  @ResolveField(() => Int)
  async supportCount(@Parent() idea: Idea): Promise<number> {
    return (await this.service.readModel.supporters(idea.id)).length;
  }

  @ResolveField(() => [IdeaComment])
  async comments(@Parent() idea: Idea): Promise<IdeaComment[]> {
    const rows = await this.service.readModel.comments(idea.id);
    return rows.map((row) => ({
      id: row.comment_id,
      authorId: row.author_id,
      text: row.text,
      commentedAt: row.commented_at,
    }));
  }

  @ResolveField(() => [IdeaHistoryEntry], { description: 'The idea’s own events, oldest first.' })
  async history(@Parent() idea: Idea): Promise<IdeaHistoryEntry[]> {
    const rows = await this.service.readModel.history(idea.id);
    return rows.map((row) => ({
      eventId: row.event_id,
      type: row.type,
      actorId: row.actor_id,
      occurredAt: row.occurred_at,
      payload: JSON.stringify(row.payload),
    }));
  }

  @ResolveField(() => [Idea], { description: 'Ideas merged into this one.' })
  async mergedIdeas(@Parent() idea: Idea): Promise<Idea[]> {
    const rows = await this.service.readModel.mergedInto(idea.id);
    const today = this.service.today(null);
    return rows.map((row) => toIdea(row, today));
  }
}
