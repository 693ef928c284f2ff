// The figures the GraphQL and CSV surfaces return: a period's summary, a series, a department comparison.
import { badInput, type DomainError } from '@hc/service-kit';
import { isCalendarDate, periodsBetween, periodStartOf, type Granularity } from '../calendar.js';
import { computeMetric, type MetricInputs, type MetricName } from '../metric-definitions.js';
import type { MetricsReader, PeriodQuery } from './metrics.reader.js';

/** A series longer than this is refused: ask for a coarser granularity. */
export const MAX_SERIES_POINTS = 1000;
const MAX_DEPARTMENT_ID_LENGTH = 200;

export interface SummaryFigures {
  circlesHeld: number;
  situationsDiscussed: number;
  ideasProposed: number;
  ideasPerSituation: number | null;
  ideasPerSituationSample: number;
  buildOnShare: number | null;
  buildOnShareSample: number;
  ideasSubmitted: number;
  improvementsImplemented: number;
  writtenThanks: number;
  gratitudes: number;
  complaints: number;
  serviceQualityComplaintShare: number | null;
  serviceQualityComplaintShareSample: number;
  contactsHandled: number;
  complaintsPer1000Contacts: number | null;
  complaintsPer1000ContactsSample: number;
  csi: number | null;
  csiSample: number;
  csiConfidenceInterval: { low: number; high: number } | null;
  csat: number | null;
  csatSample: number;
  nps: number | null;
  npsSample: number;
  npsConfidenceInterval: { low: number; high: number } | null;
  surveyAnswers: number;
  practicalBenefitShare: number | null;
  practicalBenefitShareSample: number;
  engagementRate: number | null;
  engagementRateSample: number;
}

/** Every figure of a period from its inputs. */
export function summaryFigures(inputs: MetricInputs): SummaryFigures {
  const value = (name: MetricName) => computeMetric(name, inputs).value;
  const sampleOf = (name: MetricName) => computeMetric(name, inputs).sampleSize ?? 0;
  const intervalOf = (name: MetricName) => computeMetric(name, inputs).confidenceInterval ?? null;
  return {
    circlesHeld: inputs.circlesHeld,
    situationsDiscussed: inputs.situationsDiscussed,
    ideasProposed: inputs.ideasProposed,
    ideasPerSituation: value('ideasPerSituation'),
    ideasPerSituationSample: sampleOf('ideasPerSituation'),
    buildOnShare: value('buildOnShare'),
    buildOnShareSample: sampleOf('buildOnShare'),
    ideasSubmitted: inputs.ideasSubmitted,
    improvementsImplemented: inputs.improvementsImplemented,
    writtenThanks: inputs.writtenThanks,
    gratitudes: inputs.gratitudes,
    complaints: inputs.complaints,
    serviceQualityComplaintShare: value('serviceQualityComplaintShare'),
    serviceQualityComplaintShareSample: sampleOf('serviceQualityComplaintShare'),
    contactsHandled: inputs.contactsHandled,
    complaintsPer1000Contacts: value('complaintsPer1000Contacts'),
    complaintsPer1000ContactsSample: sampleOf('complaintsPer1000Contacts'),
    csi: value('csi'),
    csiSample: sampleOf('csi'),
    csiConfidenceInterval: intervalOf('csi'),
    csat: value('csat'),
    csatSample: sampleOf('csat'),
    nps: value('nps'),
    npsSample: sampleOf('nps'),
    npsConfidenceInterval: intervalOf('nps'),
    surveyAnswers: inputs.surveyAnswers,
    practicalBenefitShare: value('practicalBenefitShare'),
    practicalBenefitShareSample: sampleOf('practicalBenefitShare'),
    engagementRate: value('engagementRate'),
    engagementRateSample: sampleOf('engagementRate'),
  };
}

/** Input rules of every figure query; the error names the argument at fault. */
export function validatePeriodQuery(query: PeriodQuery): DomainError | null {
  if (!isCalendarDate(query.from)) return badInput('from', 'must be a calendar date YYYY-MM-DD');
  if (!isCalendarDate(query.to)) return badInput('to', 'must be a calendar date YYYY-MM-DD');
  if (query.from > query.to) return badInput('to', 'must not be before from');
  const department = query.departmentId;
  if (department !== null && (department.trim() === '' || department.length > MAX_DEPARTMENT_ID_LENGTH)) {
    return badInput('departmentId', `must be a department id of 1..${MAX_DEPARTMENT_ID_LENGTH} characters`);
  }
  return null;
}

export interface SeriesPoint {
  periodStart: string;
  value: number | null;
  sampleSize: number | null;
}

export class Figures {
  constructor(private readonly reader: MetricsReader) {}

  async summary(query: PeriodQuery): Promise<SummaryFigures & { asOf: Date | null }> {
    const [inputs, asOf] = await Promise.all([this.reader.inputs(query), this.reader.asOf()]);
    return { ...summaryFigures(inputs), asOf };
  }

  async series(metric: MetricName, query: PeriodQuery, granularity: Granularity): Promise<SeriesPoint[]> {
    const periods = periodsBetween(query.from, query.to, granularity);
    const points: SeriesPoint[] = [];
    for (const period of periods) {
      const inputs = await this.reader.inputs({ ...query, from: period.from, to: period.to });
      const { value, sampleSize } = computeMetric(metric, inputs);
      points.push({ periodStart: period.periodStart, value, sampleSize });
    }
    return points;
  }

  async departmentComparison(
    metric: MetricName,
    from: string,
    to: string,
  ): Promise<
    { departmentId: string; departmentName: string | null; value: number | null; sampleSize: number | null }[]
  > {
    const departments = await this.reader.departments();
    const figures = [];
    for (const department of departments) {
      const inputs = await this.reader.inputs({ from, to, departmentId: department.departmentId });
      figures.push({
        departmentId: department.departmentId,
        departmentName: department.name,
        ...computeMetric(metric, inputs),
      });
    }
    return figures.map(({ departmentId, departmentName, value, sampleSize }) => ({
      departmentId,
      departmentName,
      value,
      sampleSize,
    }));
  }
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** The number of points of a series, computed without listing them (so a huge range is refused cheaply). */
export function seriesLength(from: string, to: string, granularity: Granularity): number {
  switch (granularity) {
    case 'DAY':
      return dayNumber(to) - dayNumber(from) + 1;
    case 'WEEK':
      return (dayNumber(periodStartOf(to, 'WEEK')) - dayNumber(periodStartOf(from, 'WEEK'))) / 7 + 1;
    case 'MONTH': {
      const months = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
      return months(to) - months(from) + 1;
    }
  }
}
