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
