import { describe, expect, it } from '@jest/globals';
import {
  csiConfidenceInterval,
  csiScore,
  npsConfidenceInterval,
  npsScore,
  percentage,
  ratio,
  sampleVariance,
  Z_95,
} from './formulas.js';

function csiSums(answers: number[]) {
  return {
    answers: answers.length,
    sum: answers.reduce((total, answer) => total + answer, 0),
    sumOfSquares: answers.reduce((total, answer) => total + answer * answer, 0),
  };
}

describe('percentage and ratio', () => {
  it('are unrounded', () => {
    expect(percentage(1, 3)).toBeCloseTo(33.333333333333336, 12);
    expect(ratio(2, 3)).toBe(2 / 3);
    expect(ratio(7, 2000, 1000)).toBe(3.5);
  });

  it('are null when the denominator is 0, even with a numerator', () => {
    expect(percentage(0, 0)).toBeNull();
    expect(percentage(5, 0)).toBeNull();
    expect(ratio(3, 0, 1000)).toBeNull();
  });

  it('are 0 for a zero numerator over a positive denominator', () => {
    expect(percentage(0, 4)).toBe(0);
    expect(ratio(0, 4)).toBe(0);
  });
});

describe('csi', () => {
  it('maps the mean answer 1..5 onto 0..100', () => {
    expect(csiScore(csiSums([1]))).toBe(0);
    expect(csiScore(csiSums([5]))).toBe(100);
    expect(csiScore(csiSums([3]))).toBe(50);
    expect(csiScore(csiSums([4, 5, 2]))).toBeCloseTo((100 * (11 / 3 - 1)) / 4, 12);
  });

  it('is null without answers', () => {
    expect(csiScore(csiSums([]))).toBeNull();
  });

  it('has a normal-approximation interval of the mean answer', () => {
    const answers = [5, 4, 4, 3, 5, 2];
    const mean = answers.reduce((a, b) => a + b) / answers.length;
    const variance = answers.reduce((total, x) => total + (x - mean) ** 2, 0) / (answers.length - 1);
    const margin = (Z_95 * Math.sqrt(variance)) / Math.sqrt(answers.length);
    const interval = csiConfidenceInterval(csiSums(answers))!;
    expect(interval.low).toBeCloseTo((100 * (mean - margin - 1)) / 4, 10);
    expect(interval.high).toBeCloseTo((100 * (mean + margin - 1)) / 4, 10);
    expect(interval.low).toBeLessThan(csiScore(csiSums(answers))!);
    expect(interval.high).toBeGreaterThan(csiScore(csiSums(answers))!);
  });

  it('has a zero-width interval when every answer is equal, and none below two answers', () => {
    expect(csiConfidenceInterval(csiSums([4, 4, 4]))).toEqual({ low: 75, high: 75 });
    expect(csiConfidenceInterval(csiSums([4]))).toBeNull();
    expect(csiConfidenceInterval(csiSums([]))).toBeNull();
  });
});

describe('sampleVariance', () => {
  it('is the unbiased variance', () => {
    expect(sampleVariance(4, 10, 30)).toBeCloseTo(5 / 3, 12); // 1,2,3,4
    expect(sampleVariance(1, 3, 9)).toBeNull();
  });
});

describe('nps', () => {
  it('is promoters minus detractors over answers, on −100..100', () => {
    expect(npsScore({ answers: 4, promoters: 2, detractors: 1 })).toBe(25);
    expect(npsScore({ answers: 2, promoters: 0, detractors: 2 })).toBe(-100);
    expect(npsScore({ answers: 3, promoters: 0, detractors: 0 })).toBe(0);
    expect(npsScore({ answers: 0, promoters: 0, detractors: 0 })).toBeNull();
  });

  it('has an interval from the variance of the +1/0/−1 scores', () => {
    const scores = [1, 1, 0, -1, 1, 0, -1, 1];
    const mean = scores.reduce((a, b) => a + b) / scores.length;
    const variance = scores.reduce((total, x) => total + (x - mean) ** 2, 0) / (scores.length - 1);
    const margin = (Z_95 * Math.sqrt(variance)) / Math.sqrt(scores.length);
    const interval = npsConfidenceInterval({ answers: 8, promoters: 4, detractors: 2 })!;
    expect(interval.low).toBeCloseTo(100 * (mean - margin), 10);
    expect(interval.high).toBeCloseTo(100 * (mean + margin), 10);
  });

  it('has no interval below two answers and a zero-width one for unanimous answers', () => {
    expect(npsConfidenceInterval({ answers: 1, promoters: 1, detractors: 0 })).toBeNull();
    expect(npsConfidenceInterval({ answers: 0, promoters: 0, detractors: 0 })).toBeNull();
    expect(npsConfidenceInterval({ answers: 5, promoters: 5, detractors: 0 })).toEqual({
      low: 100,
      high: 100,
    });
  });
});
