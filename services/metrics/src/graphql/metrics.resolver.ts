// Queries of the figures. AUTH: analysts, coordinators and admins only. VALIDATION: dates and department. RESOLUTION: read models.
import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { CurrentIdentity, badInput, hasRole, isDomainError, raise, type Identity } from '@hc/service-kit';
import type { Granularity } from '../calendar.js';
import {
  METRIC_DEFINITIONS,
  METRIC_NAMES,
  type MetricDefinition,
  type MetricName,
} from '../metric-definitions.js';
import { Figures, MAX_SERIES_POINTS, seriesLength, validatePeriodQuery } from '../queries/figures.js';
import type { PeriodQuery } from '../queries/metrics.reader.js';
import { ChangeOutcomeReader, changeOutcome, type ChangeReference } from '../queries/change-outcome.js';
import { LIVE_SCHEMA } from '../migrations/read-model.migrations.js';
import { METRICS_RUNTIME, type MetricsRuntime } from '../metrics.runtime.js';
import { DateScalar } from './date.scalar.js';
import {
  ChangeOutcome,
  DepartmentFigure,
  Freshness,
  GranularityEnum,
  MetricDefinitionModel,
  MetricNameEnum,
  MetricPoint,
  ProgramSummary,
} from './metrics.model.js';

/** Throws UNAUTHENTICATED without a verified identity, FORBIDDEN without a reading role. */
export function assertMayReadMetrics(identity: Identity | null): void {
  if (identity === null) raise({ code: 'UNAUTHENTICATED', message: 'Sign in to read metrics' });
  if (!hasRole(identity, 'analyst', 'coordinator')) {
    raise({ code: 'FORBIDDEN', message: 'Only analysts, coordinators and admins may read metrics' });
  }
}

function validated(query: PeriodQuery): PeriodQuery {
  const error = validatePeriodQuery(query);
  if (error) raise(error);
  return query;
}

@Resolver()
export class MetricsResolver {
  private readonly figures: Figures;
  private readonly changes: ChangeOutcomeReader;

  constructor(@Inject(METRICS_RUNTIME) private readonly metrics: MetricsRuntime) {
    this.figures = new Figures(metrics.reader);
    this.changes = new ChangeOutcomeReader(metrics.runtime.pool, LIVE_SCHEMA);
  }

  @Query(() => ProgramSummary, {
    description: 'The programme figures over a period, optionally for one department.',
  })
  async programSummary(
    @CurrentIdentity() identity: Identity | null,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
    @Args('departmentId', { type: () => ID, nullable: true }) departmentId: string | null | undefined,
  ): Promise<ProgramSummary> {
    assertMayReadMetrics(identity);
    const query = validated({ from, to, departmentId: departmentId ?? null });
    return { ...query, ...(await this.figures.summary(query)) };
  }

  @Query(() => [MetricPoint], { description: 'One figure per day, ISO week or month of a period.' })
  async metricSeries(
    @CurrentIdentity() identity: Identity | null,
    @Args('metric', { type: () => MetricNameEnum }) metric: MetricName,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
    @Args('granularity', { type: () => GranularityEnum }) granularity: Granularity,
    @Args('departmentId', { type: () => ID, nullable: true }) departmentId: string | null | undefined,
  ): Promise<MetricPoint[]> {
    assertMayReadMetrics(identity);
    const query = validated({ from, to, departmentId: departmentId ?? null });
    if (seriesLength(from, to, granularity) > MAX_SERIES_POINTS) {
      raise(
        badInput('granularity', `a series has at most ${MAX_SERIES_POINTS} points: choose a coarser one`),
      );
    }
    return this.figures.series(metric, query, granularity);
  }

  @Query(() => [DepartmentFigure], { description: 'One figure for every known department over a period.' })
  async departmentComparison(
    @CurrentIdentity() identity: Identity | null,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
    @Args('metric', { type: () => MetricNameEnum }) metric: MetricName,
  ): Promise<DepartmentFigure[]> {
    assertMayReadMetrics(identity);
    validated({ from, to, departmentId: null });
    return this.figures.departmentComparison(metric, from, to);
  }

  @Query(() => [MetricDefinitionModel], {
    description: 'The definitions registry: every figure and its formula.',
  })
  metricDefinitions(@CurrentIdentity() identity: Identity | null): MetricDefinitionModel[] {
    assertMayReadMetrics(identity);
    return METRIC_NAMES.map((name) => {
      const { description, formula, formulaVersion, unit }: MetricDefinition = METRIC_DEFINITIONS[name];
      return { name, description, formula, formulaVersion, unit };
    });
  }

  @Query(() => ChangeOutcome, {
    description:
      'Outcome of a change: pass improvementIdeaId, or wowCircleId and wowSituationId. Complaint rate of its category for N weeks before and after, against the other categories (difference in differences).',
  })
  async changeOutcome(
    @CurrentIdentity() identity: Identity | null,
    @Args('weeks', { type: () => Int }) weeks: number,
    @Args('improvementIdeaId', { type: () => ID, nullable: true }) ideaId: string | null | undefined,
    @Args('wowCircleId', { type: () => ID, nullable: true }) circleId: string | null | undefined,
    @Args('wowSituationId', { type: () => ID, nullable: true }) situationId: string | null | undefined,
  ): Promise<ChangeOutcome> {
    assertMayReadMetrics(identity);
    let change: ChangeReference;
    if (ideaId != null && circleId == null && situationId == null) {
      change = { kind: 'improvement', ideaId };
    } else if (ideaId == null && circleId != null && situationId != null) {
      change = { kind: 'wow_solution', circleId, situationId };
    } else {
      raise(
        badInput('improvementIdeaId', 'pass either improvementIdeaId, or wowCircleId and wowSituationId'),
      );
    }
    const outcome = await changeOutcome(this.changes, change, weeks);
    if (isDomainError(outcome)) raise(outcome);
    return outcome;
  }

  @Query(() => Freshness, {
    description: 'How current the figures are: consumer lag per partition and asOf.',
  })
  async freshness(@CurrentIdentity() identity: Identity | null): Promise<Freshness> {
    assertMayReadMetrics(identity);
    const [asOf, deadLetters] = await Promise.all([
      this.metrics.reader.asOf(),
      this.metrics.reader.deadLetters(),
    ]);
    const runners = this.metrics.runtime.consumerRunners;
    return {
      asOf,
      consumers: this.metrics.consumerGroups.map((groupId, index) => {
        const stats = runners[index]?.stats;
        return {
          groupId,
          applied: stats?.applied ?? 0,
          duplicates: stats?.duplicates ?? 0,
          deadLettered: deadLetters.get(groupId) ?? 0,
          partitions: [...(stats?.lag ?? new Map<string, number>())].map(([key, lag]) => {
            const separator = key.lastIndexOf(':');
            return { topic: key.slice(0, separator), partition: Number(key.slice(separator + 1)), lag };
          }),
        };
      }),
    };
  }
}
