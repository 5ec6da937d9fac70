/** Learning rate with linear warmup then linear decay to zero (BERT's schedule; transformers' "linear"). */
export interface LinearScheduleArgs {
  /** Peak learning rate. */
  peak: number;
  /** Steps of linear warmup from 0 to the peak. */
  warmupSteps: number;
  /** Total optimizer steps; the rate reaches 0 here. */
  totalSteps: number;
}

/** The rate for optimizer step `step` (0-based), as transformers' get_linear_schedule_with_warmup. */
export function linearWarmupDecay({ peak, warmupSteps, totalSteps }: LinearScheduleArgs, step: number): number {
  if (step < warmupSteps) return (peak * step) / Math.max(1, warmupSteps);
  return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
