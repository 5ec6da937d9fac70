/** Summaries over seeds for the results tables. */

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: number[]): { mean: number; std: number } {
  if (values.length === 0) throw new Error("meanStd needs at least one value");
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

/** Fractions as "mean ± std" percentages (just the mean for one value). */
export function percentMeanStd(fractions: number[], digits = 1): string {
  const { mean, std } = meanStd(fractions.map((x) => 100 * x));
  return fractions.length > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/**
 * Exact two-sided McNemar test of two classifiers scored on the same examples: `onlyA` examples only
 * the first gets right, `onlyB` only the second. Under "equally accurate" each disagreement is a fair
 * coin, so p = P(a split at least this uneven) under Binomial(onlyA + onlyB, 1/2). Summed in log space:
 * 2^-n underflows for the thousands of disagreements an MNLI dev set gives.
 */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  let logTerm = -n * Math.LN2; // log P(X = 0)
  let logTail = logTerm;
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    const hi = Math.max(logTail, logTerm);
    logTail = hi + Math.log(Math.exp(logTail - hi) + Math.exp(logTerm - hi));
  }
  return Math.min(1, 2 * Math.exp(logTail));
}
