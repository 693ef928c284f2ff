// The knowledge base of completed leaflets, and the Leaflet entity.
import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import { isCalendarDate, type SituationCategory } from '@hc/contracts';
import {
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { KnowledgeBasePage, Leaflet } from '../../circle/graphql/circle.model.js';
import { check, requireIdentity } from '../../graphql/caller.js';
import { SituationCategoryEnum } from '../../graphql/enums.js';
import { decodeCursor, encodeCursor, findLeaflet, searchLeaflets } from '../knowledge-base.queries.js';

const MAX_PAGE = 50;
const MAX_QUERY_LENGTH = 500;

@Resolver(() => Leaflet)
export class KnowledgeBaseResolver {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Query(() => KnowledgeBasePage, {
    description:
      'Completed leaflets by full-text search (Russian word forms match), best first, with highlights',
  })
  async knowledgeBase(
    @Args('query', { defaultValue: '' }) query: string,
    @Args('category', { type: () => SituationCategoryEnum, nullable: true })
    category: SituationCategory | null,
    @Args('departmentId', { type: () => ID, nullable: true }) departmentId: string | null,
    @Args('from', {
      type: () => String,
      nullable: true,
      description: 'Company-local date YYYY-MM-DD, inclusive',
    })
    from: string | null,
    @Args('to', {
      type: () => String,
      nullable: true,
      description: 'Company-local date YYYY-MM-DD, inclusive',
    })
    to: string | null,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<KnowledgeBasePage> {
    // AUTH
    requireIdentity(identity);
    // Omitted nullable arguments arrive as undefined.
    [category, departmentId, from, to, after] = [
      category ?? null,
      departmentId ?? null,
      from ?? null,
      to ?? null,
      after ?? null,
    ];
    // VALIDATION
    check(
      query.length > MAX_QUERY_LENGTH
        ? badInput('query', `must be at most ${MAX_QUERY_LENGTH} characters`)
        : null,
    );
    check(first < 1 || first > MAX_PAGE ? badInput('first', `must be 1..${MAX_PAGE}`) : null);
    check(from !== null && !isCalendarDate(from) ? badInput('from', 'must be a date YYYY-MM-DD') : null);
    check(to !== null && !isCalendarDate(to) ? badInput('to', 'must be a date YYYY-MM-DD') : null);
    const cursor = after === null ? null : decodeCursor(after);
    check(after !== null && cursor === null ? badInput('after', 'is not a cursor of this query') : null);
    // RESOLUTION
    const rows = await searchLeaflets(this.runtime.pool, {
      query,
      category,
      departmentId,
      from,
      to,
      first,
      after: cursor,
      timeZone: this.runtime.options.config.timeZone,
    });
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      hits: page.map(({ rank, headline, ...leaflet }) => ({
        leaflet,
        rank,
        headline,
        completedAt: leaflet.completedAt,
      })),
      nextCursor: rows.length > first && last ? encodeCursor({ rank: last.rank, id: last.id }) : null,
    };
  }

  @Query(() => Leaflet, { nullable: true })
  async leaflet(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Leaflet | null> {
    requireIdentity(identity);
    return findLeaflet(this.runtime.pool, id);
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Leaflet | null> {
    return findLeaflet(this.runtime.pool, reference.id);
  }
}
