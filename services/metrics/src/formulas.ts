// The arithmetic of the figures: pure functions over counts and sums, so every formula is tested without a database.

/** Two-sided 95% quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

export interface ConfidenceInterval {
  low: number;
  high: number;
}

/** 100·part/whole, unrounded; null when the whole is 0. */
export function percentage(part: number, whole: number): number | null {
  return whole === 0 ? null : (100 * part) / whole;
}

/** numerator/denominator·scale; null when the denominator is 0. */
export function ratio(numerator: number, denominator: number, scale = 1): number | null {
  return denominator === 0 ? null : (scale * numerator) / denominator;
}

/** Sums of the 1..5 CSI answers: enough for the mean and the sample variance. */
export interface CsiSums {
  answers: number;
  sum: number;
  sumOfSquares: number;
}

/** CSI on 0..100: 100·(mean − 1)/4. */
export function csiScore({ answers, sum }: CsiSums): number | null {
  return answers === 0 ? null : (100 * (sum / answers - 1)) / 4;
}

/** Unbiased sample variance from the count, sum and sum of squares; null below two observations. */
export function sampleVariance(count: number, sum: number, sumOfSquares: number): number | null {
  if (count < 2) return null;
  const mean = sum / count;
  // Rounding can leave a tiny negative number when every answer is equal.
  return Math.max(0, (sumOfSquares - count * mean * mean) / (count - 1));
}

/**
 * 95% interval of the CSI: normal approximation of the mean answer (mean ± z·s/√n, s the sample
 * standard deviation), mapped to 0..100 like the CSI itself. Null below two answers.
 */
export function csiConfidenceInterval(sums: CsiSums): ConfidenceInterval | null {
  const variance = sampleVariance(sums.answers, sums.sum, sums.sumOfSquares);
  if (variance === null) return null;
  const mean = sums.sum / sums.answers;
  const margin = (Z_95 * Math.sqrt(variance)) / Math.sqrt(sums.answers);
  const toScale = (answer: number) => (100 * (answer - 1)) / 4;
  return { low: toScale(mean - margin), high: toScale(mean + margin) };
}

export interface NpsCounts {
  answers: number;
  /** Answers 9–10. */
  promoters: number;
  /** Answers 0–6. */
  detractors: number;
}

/** NPS on −100..100: 100·(promoters − detractors)/answers. */
export function npsScore({ answers, promoters, detractors }: NpsCounts): number | null {
  return answers === 0 ? null : (100 * (promoters - detractors)) / answers;
}

/**
 * 95% interval of the NPS: each answer scored +1 (promoter), 0 (passive) or −1 (detractor); the NPS
 * is 100·their mean, and the interval is 100·(mean ± z·s/√n) with s the sample standard deviation
 * of those scores. Null below two answers.
 */
export function npsConfidenceInterval(counts: NpsCounts): ConfidenceInterval | null {
  const { answers, promoters, detractors } = counts;
  // Σx = P − D and Σx² = P + D for scores of ±1 and 0.
  const variance = sampleVariance(answers, promoters - detractors, promoters + detractors);
  if (variance === null) return null;
  const mean = (promoters - detractors) / answers;
  const margin = (Z_95 * Math.sqrt(variance)) / Math.sqrt(answers);
  return { low: 100 * (mean - margin), high: 100 * (mean + margin) };
}
