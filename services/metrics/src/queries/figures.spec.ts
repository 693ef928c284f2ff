import { describe, expect, it } from '@jest/globals';
import { EMPTY_INPUTS, METRIC_DEFINITIONS, METRIC_NAMES, describeMetric } from '../metric-definitions.js';
import { seriesLength, summaryFigures, validatePeriodQuery } from './figures.js';
import { periodsBetween } from '../calendar.js';

describe('summaryFigures', () => {
  it('gives null for every figure whose denominator is 0, and zero samples', () => {
    const figures = summaryFigures(EMPTY_INPUTS);
    expect(figures).toMatchObject({
      circlesHeld: 0,
      ideasPerSituation: null,
      ideasPerSituationSample: 0,
      buildOnShare: null,
      serviceQualityComplaintShare: null,
      complaintsPer1000Contacts: null,
      csi: null,
      csiConfidenceInterval: null,
      csat: null,
      nps: null,
      npsConfidenceInterval: null,
      practicalBenefitShare: null,
      engagementRate: null,
      engagementRateSample: 0,
    });
  });

  it('computes each figure from its inputs', () => {
    const figures = summaryFigures({
      ...EMPTY_INPUTS,
      situationsDiscussed: 4,
      ideasProposed: 10,
      buildOnIdeas: 3,
      complaints: 8,
      serviceQualityComplaints: 2,
      contactsHandled: 3200,
      csiAnswers: 2,
      csiSum: 9,
      csiSumOfSquares: 41,
      csiSatisfied: 2,
      npsAnswers: 4,
      promoters: 2,
      detractors: 1,
      pulseAnswers: 20,
      pulsesSeeingBenefit: 19,
      engagedEmployees: 3,
      activeEmployees: 12,
    });
    expect(figures).toMatchObject({
      ideasPerSituation: 2.5,
      ideasPerSituationSample: 4,
      buildOnShare: 30,
      serviceQualityComplaintShare: 25,
      complaintsPer1000Contacts: 2.5,
      complaintsPer1000ContactsSample: 3200,
      csi: 87.5,
      csiSample: 2,
      csat: 100,
      nps: 25,
      npsSample: 4,
      practicalBenefitShare: 95,
      engagementRate: 25,
      engagementRateSample: 12,
    });
    expect(figures.csiConfidenceInterval).not.toBeNull();
  });
});

describe('definitions registry', () => {
  it('documents every figure with a formula, a version and a unit', () => {
    for (const name of METRIC_NAMES) {
      const definition = METRIC_DEFINITIONS[name];
      expect(definition.formula.length).toBeGreaterThan(0);
      expect(definition.formulaVersion).toBeGreaterThanOrEqual(1);
      expect(describeMetric(name)).toContain(definition.formula);
      expect(describeMetric(name)).toContain(definition.unit);
    }
  });
});

describe('validatePeriodQuery', () => {
  it('names the argument at fault', () => {
    expect(validatePeriodQuery({ from: '2026-05-01', to: '2026-05-31', departmentId: null })).toBeNull();
    expect(validatePeriodQuery({ from: '2026-02-30', to: '2026-05-31', departmentId: null })?.field).toBe(
      'from',
    );
    expect(validatePeriodQuery({ from: '2026-05-02', to: '2026-05-01', departmentId: null })?.field).toBe(
      'to',
    );
    expect(validatePeriodQuery({ from: '2026-05-01', to: '2026-05-01', departmentId: ' ' })?.field).toBe(
      'departmentId',
    );
  });
});

describe('seriesLength', () => {
  it.each([
    ['2026-05-14', '2026-07-02', 'DAY'],
    ['2026-05-14', '2026-07-02', 'WEEK'],
    ['2025-11-30', '2026-07-02', 'MONTH'],
    ['2026-05-14', '2026-05-14', 'WEEK'],
  ] as const)('%s..%s by %s equals the number of periods', (from, to, granularity) => {
    expect(seriesLength(from, to, granularity)).toBe(periodsBetween(from, to, granularity).length);
  });
});
