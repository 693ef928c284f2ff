// GET /export/series.csv: a metric series as CSV for spreadsheets and BI tools, with the same rules as metricSeries.
import { Controller, Get, Header, HttpException, HttpStatus, Inject, Query, Req } from '@nestjs/common';
import { decodeIdentity, hasRole } from '@hc/service-kit';
import { GRANULARITIES, type Granularity } from '../calendar.js';
import { METRIC_NAMES, type MetricName } from '../metric-definitions.js';
import {
  Figures,
  MAX_SERIES_POINTS,
  seriesLength,
  validatePeriodQuery,
  type SeriesPoint,
} from '../queries/figures.js';
import { METRICS_RUNTIME, type MetricsRuntime } from '../metrics.runtime.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
}

const isMetricName = (value: unknown): value is MetricName =>
  typeof value === 'string' && (METRIC_NAMES as string[]).includes(value);
const isGranularity = (value: unknown): value is Granularity =>
  typeof value === 'string' && (GRANULARITIES as readonly string[]).includes(value);

function badRequest(field: string, message: string): HttpException {
  return new HttpException({ code: 'BAD_USER_INPUT', field, message }, HttpStatus.BAD_REQUEST);
}

/** RFC 4180 rows: a header, then one row per period; an empty value is a null figure. */
export function seriesCsv(metric: MetricName, points: SeriesPoint[]): string {
  const rows = points.map((point) =>
    [metric, point.periodStart, point.value ?? '', point.sampleSize ?? ''].join(','),
  );
  return ['metric,periodStart,value,sampleSize', ...rows].join('\r\n') + '\r\n';
}

@Controller('export')
export class SeriesCsvController {
  private readonly figures: Figures;

  constructor(@Inject(METRICS_RUNTIME) private readonly metrics: MetricsRuntime) {
    this.figures = new Figures(metrics.reader);
  }

  @Get('series.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  async series(
    @Req() request: RequestLike,
    @Query('metric') metric: unknown,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Query('granularity') granularity: unknown,
    @Query('departmentId') departmentId: unknown,
  ): Promise<string> {
    const identity = decodeIdentity(request.headers, this.metrics.config.identitySecret);
    if (identity === null) throw new HttpException({ code: 'UNAUTHENTICATED' }, HttpStatus.UNAUTHORIZED);
    if (!hasRole(identity, 'analyst', 'coordinator')) {
      throw new HttpException({ code: 'FORBIDDEN' }, HttpStatus.FORBIDDEN);
    }
    if (!isMetricName(metric)) throw badRequest('metric', `must be one of ${METRIC_NAMES.join(', ')}`);
    if (!isGranularity(granularity))
      throw badRequest('granularity', `must be one of ${GRANULARITIES.join(', ')}`);
    const query = {
      from: typeof from === 'string' ? from : '',
      to: typeof to === 'string' ? to : '',
      departmentId: typeof departmentId === 'string' ? departmentId : null,
    };
    const error = validatePeriodQuery(query);
    if (error) throw badRequest(error.field ?? '', error.message);
    if (seriesLength(query.from, query.to, granularity) > MAX_SERIES_POINTS) {
      throw badRequest('granularity', `a series has at most ${MAX_SERIES_POINTS} points`);
    }
    return seriesCsv(metric, await this.figures.series(metric, query, granularity));
  }
}
