// GraphQL types of the figures; every figure's description is taken from the definitions registry.
import type { GraphQLScalarType } from 'graphql';
import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GRANULARITIES, type Granularity } from '../calendar.js';
import { describeMetric, METRIC_DEFINITIONS, METRIC_NAMES, type MetricName } from '../metric-definitions.js';
import { DateScalar } from './date.scalar.js';

export const MetricNameEnum = Object.fromEntries(METRIC_NAMES.map((name) => [name, name])) as {
  [K in MetricName]: K;
};
registerEnumType(MetricNameEnum, {
  name: 'MetricName',
  description: 'A figure of the programme; the values are the ProgramSummary field names.',
  valuesMap: Object.fromEntries(METRIC_NAMES.map((name) => [name, { description: describeMetric(name) }])),
});

export const GranularityEnum = Object.fromEntries(GRANULARITIES.map((value) => [value, value])) as {
  [K in Granularity]: K;
};
registerEnumType(GranularityEnum, {
  name: 'Granularity',
  description: 'Periods of a series: company-local days, ISO weeks (from Monday) or calendar months.',
});

const metric = (name: MetricName, type: () => GraphQLScalarType, nullable = false) =>
  Field(type, { description: describeMetric(name), nullable });

const sample = (name: MetricName) =>
  Field(() => Int, { description: `Sample size of ${name}: the observations behind the average or share.` });

const interval = (name: MetricName) =>
  Field(() => ConfidenceInterval, {
    nullable: true,
    description: `95% confidence interval of ${name}; null below two answers. ${METRIC_DEFINITIONS[name].description}`,
  });

@ObjectType({ description: 'A 95% confidence interval, on the scale of its figure.' })
export class ConfidenceInterval {
  @Field(() => Float) low!: number;
  @Field(() => Float) high!: number;
}

@ObjectType({
  description:
    "The programme figures over company-local dates from..to (inclusive). Each event counts on the local date of its own occurredAt (a circle on the date it was completed, contacts on their own date), never on its arrival. Shares are unrounded percentages 0..100; a figure whose denominator is 0 is null. With departmentId: CRM figures by the event's department; circle figures (circles, situations, pulses) over circles in which that department had an attending participant; ideas by the idea's department (author of a brainstorm idea); engagement over that department's employees.",
})
export class ProgramSummary {
  @Field(() => DateScalar) from!: string;
  @Field(() => DateScalar) to!: string;
  @Field(() => ID, { nullable: true, description: 'The department filter, null for the whole programme.' })
  departmentId!: string | null;

  @metric('circlesHeld', () => Int) circlesHeld!: number;
  @metric('situationsDiscussed', () => Int) situationsDiscussed!: number;
  @metric('ideasProposed', () => Int) ideasProposed!: number;
  @metric('ideasPerSituation', () => Float, true) ideasPerSituation!: number | null;
  @sample('ideasPerSituation') ideasPerSituationSample!: number;
  @metric('buildOnShare', () => Float, true) buildOnShare!: number | null;
  @sample('buildOnShare') buildOnShareSample!: number;
  @metric('ideasSubmitted', () => Int) ideasSubmitted!: number;
  @metric('improvementsImplemented', () => Int) improvementsImplemented!: number;
  @metric('writtenThanks', () => Int) writtenThanks!: number;
  @metric('gratitudes', () => Int) gratitudes!: number;
  @metric('complaints', () => Int) complaints!: number;
  @metric('serviceQualityComplaintShare', () => Float, true) serviceQualityComplaintShare!: number | null;
  @sample('serviceQualityComplaintShare') serviceQualityComplaintShareSample!: number;
  @metric('contactsHandled', () => Int) contactsHandled!: number;
  @metric('complaintsPer1000Contacts', () => Float, true) complaintsPer1000Contacts!: number | null;
  @sample('complaintsPer1000Contacts') complaintsPer1000ContactsSample!: number;
  @metric('csi', () => Float, true) csi!: number | null;
  @sample('csi') csiSample!: number;
  @interval('csi') csiConfidenceInterval!: ConfidenceInterval | null;
  @metric('csat', () => Float, true) csat!: number | null;
  @sample('csat') csatSample!: number;
  @metric('nps', () => Float, true) nps!: number | null;
  @sample('nps') npsSample!: number;
  @interval('nps') npsConfidenceInterval!: ConfidenceInterval | null;
  @metric('surveyAnswers', () => Int) surveyAnswers!: number;
  @metric('practicalBenefitShare', () => Float, true) practicalBenefitShare!: number | null;
  @sample('practicalBenefitShare') practicalBenefitShareSample!: number;
  @metric('engagementRate', () => Float, true) engagementRate!: number | null;
  @sample('engagementRate') engagementRateSample!: number;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The occurredAt of the newest event applied to the figures; null before the first.',
  })
  asOf!: Date | null;
}

@ObjectType({ description: 'One period of a series.' })
export class MetricPoint {
  @Field(() => DateScalar, {
    description: 'First day of the period (a Monday for weeks, the 1st for months).',
  })
  periodStart!: string;
  @Field(() => Float, { nullable: true, description: 'The figure over the period, clipped to from..to.' })
  value!: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Observations behind an average or share; null for counts.',
  })
  sampleSize!: number | null;
}

@ObjectType({ description: "One department's figure in a comparison." })
export class DepartmentFigure {
  @Field(() => ID) departmentId!: string;
  @Field(() => String, { nullable: true, description: 'From the circles directory, when known.' })
  departmentName!: string | null;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Int, { nullable: true }) sampleSize!: number | null;
}

@ObjectType('MetricDefinition', { description: 'A figure of the definitions registry.' })
export class MetricDefinitionModel {
  @Field(() => MetricNameEnum) name!: MetricName;
  @Field() description!: string;
  @Field() formula!: string;
  @Field(() => Int) formulaVersion!: number;
  @Field() unit!: string;
}

@ObjectType({ description: 'How far a consumer is behind its topic partition.' })
export class PartitionLag {
  @Field() topic!: string;
  @Field(() => Int) partition!: number;
  @Field(() => Int, { description: 'Messages after the last committed offset, as of the last batch.' })
  lag!: number;
}

@ObjectType({ description: 'A consumer group of this instance.' })
export class ConsumerFreshness {
  @Field() groupId!: string;
  @Field(() => Int, { description: 'Messages applied since this instance started.' }) applied!: number;
  @Field(() => Int, { description: 'Redeliveries that changed nothing since this instance started.' })
  duplicates!: number;
  @Field(() => Int, { description: 'Messages ever sent to the dead-letter topic by this group.' })
  deadLettered!: number;
  @Field(() => [PartitionLag]) partitions!: PartitionLag[];
}

@ObjectType({ description: 'How current the figures are.' })
export class Freshness {
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The occurredAt of the newest event applied.',
  })
  asOf!: Date | null;
  @Field(() => [ConsumerFreshness]) consumers!: ConsumerFreshness[];
}

@ObjectType({ description: 'Complaints and CSI over one window around a change.' })
export class OutcomeWindow {
  @Field(() => DateScalar) from!: string;
  @Field(() => DateScalar) to!: string;
  @Field(() => Int, { description: "Complaints of the change's category." }) categoryComplaints!: number;
  @Field(() => Int, { description: 'Complaints of every other category (the control).' })
  otherComplaints!: number;
  @Field(() => Int) contactsHandled!: number;
  @Field(() => Float, { nullable: true, description: "1000 · category's complaints / contactsHandled." })
  categoryRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "1000 · other categories' complaints / contactsHandled.",
  })
  controlRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'CSI (0..100) of every survey in the window: CRM surveys carry no complaint category.',
  })
  csi!: number | null;
  @Field(() => Int) csiAnswers!: number;
}

@ObjectType({
  description:
    'The outcome of a change (an implemented improvement or a chosen WOW solution): its complaint category against the other categories, N weeks before (ending the day before) and after (starting the day after).',
})
export class ChangeOutcome {
  @Field() category!: string;
  @Field(() => DateScalar, { description: 'Company-local date of the change.' }) changedOn!: string;
  @Field(() => Int) weeks!: number;
  @Field(() => OutcomeWindow) before!: OutcomeWindow;
  @Field(() => OutcomeWindow) after!: OutcomeWindow;
  @Field(() => Float, {
    nullable: true,
    description:
      '(categoryRate after − before) − (controlRate after − before), complaints per 1000 contacts; negative means fewer complaints than the control trend; null when a window has no contacts.',
  })
  differenceInDifferences!: number | null;
}
