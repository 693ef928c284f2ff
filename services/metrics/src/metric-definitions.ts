// The registry of the programme's figures: name, meaning, formula and its version, unit, and how it is computed.
import {
  csiConfidenceInterval,
  csiScore,
  npsConfidenceInterval,
  npsScore,
  percentage,
  ratio,
  type ConfidenceInterval,
} from './formulas.js';

/** Counts and sums over one period (and department): everything a figure is computed from. */
export interface MetricInputs {
  circlesHeld: number;
  situationsDiscussed: number;
  ideasProposed: number;
  /** Brainstorm ideas that build on another idea (`parentIdeaId` set). */
  buildOnIdeas: number;
  ideasSubmitted: number;
  improvementsImplemented: number;
  writtenThanks: number;
  gratitudes: number;
  complaints: number;
  serviceQualityComplaints: number;
  contactsHandled: number;
  surveyAnswers: number;
  csiAnswers: number;
  csiSum: number;
  csiSumOfSquares: number;
  /** CSI answers of 4 or 5. */
  csiSatisfied: number;
  npsAnswers: number;
  promoters: number;
  detractors: number;
  pulseAnswers: number;
  pulsesSeeingBenefit: number;
  /** Active employees who attended at least one circle in the period. */
  engagedEmployees: number;
  /** Registered and not deactivated as of the period's last day. */
  activeEmployees: number;
}

export const EMPTY_INPUTS: MetricInputs = {
  circlesHeld: 0,
  situationsDiscussed: 0,
  ideasProposed: 0,
  buildOnIdeas: 0,
  ideasSubmitted: 0,
  improvementsImplemented: 0,
  writtenThanks: 0,
  gratitudes: 0,
  complaints: 0,
  serviceQualityComplaints: 0,
  contactsHandled: 0,
  surveyAnswers: 0,
  csiAnswers: 0,
  csiSum: 0,
  csiSumOfSquares: 0,
  csiSatisfied: 0,
  npsAnswers: 0,
  promoters: 0,
  detractors: 0,
  pulseAnswers: 0,
  pulsesSeeingBenefit: 0,
  engagedEmployees: 0,
  activeEmployees: 0,
};

export interface MetricValue {
  /** Null when the denominator is 0. */
  value: number | null;
  /** The number of observations behind an average or a share; null for plain counts. */
  sampleSize: number | null;
  /** 95% interval, for the CSI and the NPS. */
  confidenceInterval?: ConfidenceInterval | null;
}

export interface MetricDefinition {
  description: string;
  formula: string;
  /** Raised whenever the formula changes meaning, so published numbers can be told apart. */
  formulaVersion: number;
  unit: string;
  compute(inputs: MetricInputs): MetricValue;
}

const count = (value: number): MetricValue => ({ value, sampleSize: null });

export const METRIC_DEFINITIONS = {
  circlesHeld: {
    description: 'Circles held: completed, on the company-local date of completion.',
    formula: 'count(CircleCompleted)',
    formulaVersion: 1,
    unit: 'circles',
    compute: (inputs) => count(inputs.circlesHeld),
  },
  situationsDiscussed: {
    description: 'Situations with a completed leaflet.',
    formula: 'count(distinct situationId of LeafletCompleted)',
    formulaVersion: 1,
    unit: 'situations',
    compute: (inputs) => count(inputs.situationsDiscussed),
  },
  ideasProposed: {
    description: 'Brainstorm ideas proposed in circles.',
    formula: 'count(IdeaProposed)',
    formulaVersion: 1,
    unit: 'ideas',
    compute: (inputs) => count(inputs.ideasProposed),
  },
  ideasPerSituation: {
    description: 'Divergent thinking: brainstorm ideas per situation discussed. Sample: situationsDiscussed.',
    formula: 'ideasProposed / situationsDiscussed',
    formulaVersion: 1,
    unit: 'ideas per situation',
    compute: (inputs) => ({
      value: ratio(inputs.ideasProposed, inputs.situationsDiscussed),
      sampleSize: inputs.situationsDiscussed,
    }),
  },
  buildOnShare: {
    description: 'Share of brainstorm ideas that build on another idea. Sample: ideasProposed.',
    formula: '100 · count(IdeaProposed with parentIdeaId) / ideasProposed',
    formulaVersion: 1,
    unit: 'percent',
    compute: (inputs) => ({
      value: percentage(inputs.buildOnIdeas, inputs.ideasProposed),
      sampleSize: inputs.ideasProposed,
    }),
  },
  ideasSubmitted: {
    description: 'Ideas submitted for implementation to other departments.',
    formula: 'count(IdeaSubmitted)',
    formulaVersion: 1,
    unit: 'ideas',
    compute: (inputs) => count(inputs.ideasSubmitted),
  },
  improvementsImplemented: {
    description: 'Improvements implemented inside the contact centre.',
    formula: "count(ImprovementImplemented with scope = 'contact_centre')",
    formulaVersion: 1,
    unit: 'improvements',
    compute: (inputs) => count(inputs.improvementsImplemented),
  },
  writtenThanks: {
    description: 'Written thank-yous from customers (letters, e-mails, reviews).',
    formula: 'count(GratitudeReceived with written = true)',
    formulaVersion: 1,
    unit: 'thanks',
    compute: (inputs) => count(inputs.writtenThanks),
  },
  gratitudes: {
    description: 'Every thank-you from customers, written or not.',
    formula: 'count(GratitudeReceived)',
    formulaVersion: 1,
    unit: 'thanks',
    compute: (inputs) => count(inputs.gratitudes),
  },
  complaints: {
    description: 'Customer complaints logged in the CRM.',
    formula: 'count(ComplaintLogged)',
    formulaVersion: 1,
    unit: 'complaints',
    compute: (inputs) => count(inputs.complaints),
  },
  serviceQualityComplaintShare: {
    description: 'Share of complaints about service quality. Sample: complaints.',
    formula: "100 · count(ComplaintLogged with category = 'service_quality') / complaints",
    formulaVersion: 1,
    unit: 'percent',
    compute: (inputs) => ({
      value: percentage(inputs.serviceQualityComplaints, inputs.complaints),
      sampleSize: inputs.complaints,
    }),
  },
  contactsHandled: {
    description:
      'Handled contacts: per department and date the latest ContactsHandled (greatest occurredAt; on a tie the one that arrived last).',
    formula: 'sum over (departmentId, date) of count of the latest ContactsHandled',
    formulaVersion: 1,
    unit: 'contacts',
    compute: (inputs) => count(inputs.contactsHandled),
  },
  complaintsPer1000Contacts: {
    description: 'Complaint rate. Sample: contactsHandled.',
    formula: '1000 · complaints / contactsHandled',
    formulaVersion: 1,
    unit: 'complaints per 1000 contacts',
    compute: (inputs) => ({
      value: ratio(inputs.complaints, inputs.contactsHandled, 1000),
      sampleSize: inputs.contactsHandled,
    }),
  },
  csi: {
    description:
      'Customer satisfaction index on 0..100 over survey answers with a CSI score (1..5). Sample: those answers. 95% interval: normal approximation of the mean answer.',
    formula: '100 · (mean(csi) − 1) / 4',
    formulaVersion: 1,
    unit: 'index 0..100',
    compute: (inputs) => {
      const sums = { answers: inputs.csiAnswers, sum: inputs.csiSum, sumOfSquares: inputs.csiSumOfSquares };
      return {
        value: csiScore(sums),
        sampleSize: inputs.csiAnswers,
        confidenceInterval: csiConfidenceInterval(sums),
      };
    },
  },
  csat: {
    description: 'Share of satisfied customers: CSI answers of 4 or 5. Sample: CSI answers.',
    formula: '100 · count(csi in 4..5) / count(csi answers)',
    formulaVersion: 1,
    unit: 'percent',
    compute: (inputs) => ({
      value: percentage(inputs.csiSatisfied, inputs.csiAnswers),
      sampleSize: inputs.csiAnswers,
    }),
  },
  nps: {
    description:
      'Net promoter score on −100..100 over survey answers with an NPS score (0..10). Sample: those answers. 95% interval: normal approximation with the variance of the +1/0/−1 scores.',
    formula: '100 · (count(nps 9..10) − count(nps 0..6)) / count(nps answers)',
    formulaVersion: 1,
    unit: 'index −100..100',
    compute: (inputs) => {
      const counts = {
        answers: inputs.npsAnswers,
        promoters: inputs.promoters,
        detractors: inputs.detractors,
      };
      return {
        value: npsScore(counts),
        sampleSize: inputs.npsAnswers,
        confidenceInterval: npsConfidenceInterval(counts),
      };
    },
  },
  surveyAnswers: {
    description: 'Post-contact survey answers (with a CSI score, an NPS score or both).',
    formula: 'count(SurveyAnswered)',
    formulaVersion: 1,
    unit: 'answers',
    compute: (inputs) => count(inputs.surveyAnswers),
  },
  practicalBenefitShare: {
    description:
      "Share of circle pulse answers that see practical benefit in circles (an employee's latest answer per circle). Sample: pulse answers.",
    formula: '100 · count(PulseAnswered with seesPracticalBenefit) / count(PulseAnswered)',
    formulaVersion: 1,
    unit: 'percent',
    compute: (inputs) => ({
      value: percentage(inputs.pulsesSeeingBenefit, inputs.pulseAnswers),
      sampleSize: inputs.pulseAnswers,
    }),
  },
  engagementRate: {
    description:
      'Employee engagement: active employees who attended at least one circle in the period, over active employees (registered and not deactivated as of the last day of the period). Sample: active employees.',
    formula: '100 · count(distinct active attendees) / count(active employees)',
    formulaVersion: 1,
    unit: 'percent',
    compute: (inputs) => ({
      value: percentage(inputs.engagedEmployees, inputs.activeEmployees),
      sampleSize: inputs.activeEmployees,
    }),
  },
} satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRIC_DEFINITIONS;

export const METRIC_NAMES = Object.keys(METRIC_DEFINITIONS) as MetricName[];

export function computeMetric(name: MetricName, inputs: MetricInputs): MetricValue {
  const definition: MetricDefinition = METRIC_DEFINITIONS[name];
  return definition.compute(inputs);
}

/** The text shown in the GraphQL schema for a figure. */
export function describeMetric(name: MetricName): string {
  const definition: MetricDefinition = METRIC_DEFINITIONS[name];
  return `${definition.description} Formula v${definition.formulaVersion}: ${definition.formula}. Unit: ${definition.unit}.`;
}
