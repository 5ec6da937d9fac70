/**
 * What every defense in this folder returns beside its answers: a report of what it did to them,
 * which the server writes into the query log (lib/serve/query-log.ts), so the provider can later
 * tell which answers were watermarked, gated or perturbed — and honest-user cost can be counted.
 */
import { Oracle } from "../extract/victim";

/** Watermarking (./watermark.ts): which answers were replaced by a watermark. */
export interface WatermarkReport {
  kind: "watermark";
  /** Indices (into the batch) of the inputs answered with a watermark. */
  watermarked: number[];
}

/** The membership gate (./gate.ts): which inputs it judged out of distribution and answered at random. */
export interface GateReport {
  kind: "membership-gate";
  /** Indices (into the batch) of the inputs answered with a random output. */
  gated: number[];
  /** The classifier's in-distribution probability of every input of the batch. */
  scores: number[];
}

/** Output perturbation (./perturb.ts): every answer of the batch went through `method`. */
export interface PerturbReport {
  kind: "perturb";
  method: string;
}

export type DefenseReport = WatermarkReport | GateReport | PerturbReport;

export interface Defended<Answer, Report extends DefenseReport = DefenseReport> {
  answers: Answer[];
  report: Report;
}

/** An oracle wrapped in a defense: `answer` says what the defense did, `query` is the plain view. */
export interface DefendedOracle<Input, Answer, Report extends DefenseReport = DefenseReport> extends Oracle<Input, Answer> {
  answer(inputs: Input[]): Promise<Defended<Answer, Report>>;
}
