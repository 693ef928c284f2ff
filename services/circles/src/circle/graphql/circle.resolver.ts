// Circle queries: a circle with its stages, deadlines, ideas and leaflets; my week; federation reference.
import { Inject } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import type { Pool } from 'pg';
import {
  CurrentIdentity,
  SERVICE_RUNTIME,
  badInput,
  type Identity,
  type ServiceRuntime,
} from '@hc/service-kit';
import { check, requireIdentity } from '../../graphql/caller.js';
import { Employee } from '../../directory/graphql/directory.model.js';
import { findEmployee } from '../../directory/directory.queries.js';
import { Situation } from '../../situations/graphql/situation.model.js';
import { findSituations } from '../../situations/situations.queries.js';
import { isIsoWeek, isoWeekOf } from '../iso-week.js';
import { loadCircle } from './circle-access.js';
import { toCircle } from './circle.mapper.js';
import { Circle, EarlierWowSolution, MyWeek } from './circle.model.js';

const EARLIER_WOW_LIMIT = 20;

async function earlierWowSolutions(
  pool: Pool,
  circle: Circle,
  categories: string[],
): Promise<EarlierWowSolution[]> {
  const { rows } = await pool.query<EarlierWowSolution>(
    `SELECT circle_id AS "circleId", situation_id AS "situationId", wording, category, chosen_at AS "chosenAt"
     FROM wow_solutions WHERE category = ANY($1) AND circle_id <> $2
     ORDER BY chosen_at DESC LIMIT $3`,
    [categories, circle.id, EARLIER_WOW_LIMIT],
  );
  return rows;
}

@Resolver(() => Circle)
export class CircleResolver {
  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {}

  @Query(() => Circle, { nullable: true })
  async circle(
    @Args('id', { type: () => ID }) id: string,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<Circle | null> {
    requireIdentity(identity);
    const state = await loadCircle(this.runtime, id);
    return state ? toCircle(state) : null;
  }

  @Query(() => MyWeek, { description: "The caller's circles of an ISO week (the current week by default)" })
  async myWeek(
    @Args('isoWeek', { type: () => String, nullable: true }) isoWeek: string | null,
    @CurrentIdentity() identity: Identity | null,
  ): Promise<MyWeek> {
    const caller = requireIdentity(identity);
    const week = isoWeek ?? isoWeekOf(this.runtime.clock.now(), this.runtime.options.config.timeZone);
    check(isIsoWeek(week) ? null : badInput('isoWeek', 'must be an ISO week YYYY-Www'));
    const { rows } = await this.runtime.pool.query<{ id: string }>(
      `SELECT id FROM circles WHERE iso_week = $1 AND (leader_id = $2 OR $2 = ANY(participant_ids))
       ORDER BY scheduled_at, id`,
      [week, caller.subject],
    );
    const states = await Promise.all(rows.map((row) => loadCircle(this.runtime, row.id)));
    const volunteered = await this.runtime.pool.query(
      'SELECT 1 FROM week_volunteers WHERE employee_id = $1 AND iso_week = $2',
      [caller.subject, week],
    );
    return {
      isoWeek: week,
      circles: states.filter((state) => state !== null).map(toCircle),
      volunteered: (volunteered.rowCount ?? 0) > 0,
    };
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }): Promise<Circle | null> {
    const state = await loadCircle(this.runtime, reference.id);
    return state ? toCircle(state) : null;
  }

  @ResolveField(() => Employee, { nullable: true })
  async leader(@Parent() circle: Circle): Promise<Employee | null> {
    return findEmployee(this.runtime.pool, circle.leaderId);
  }

  @ResolveField(() => [Situation])
  async situations(@Parent() circle: Circle): Promise<Situation[]> {
    const rows = await findSituations(this.runtime.pool, { ids: circle.situationIds });
    return circle.situationIds.flatMap((id) => rows.filter((row) => row.id === id));
  }

  @ResolveField(() => [EarlierWowSolution], {
    description:
      'WOW solutions of earlier circles in the categories of this circle’s situations (for preparation)',
  })
  async earlierWowSolutions(@Parent() circle: Circle): Promise<EarlierWowSolution[]> {
    const situations = await findSituations(this.runtime.pool, { ids: circle.situationIds });
    return earlierWowSolutions(
      this.runtime.pool,
      circle,
      situations.map((situation) => situation.category),
    );
  }
}
