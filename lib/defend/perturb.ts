/**
 * Output perturbations (beyond the slides): an API that sends less, or less exact, probability
 * information, so soft-label extraction learns less while honest users keep the label.
 *
 *   labels           the label only, no probabilities (Krishna et al.'s argmax-only API)
 *   round            probabilities to `decimals` places, still summing to 1 (largest remainder)
 *   top-k            the k largest probabilities, renormalised; the others 0
 *   reverse-sigmoid  Lee et al. 2019, "Defending Against NN Model Stealing Attacks Using Deceptive
 *                    Perturbations" (arXiv:1806.00054):
 *                      ŷ = α · max(0, y − β · (σ(γ · σ⁻¹(y)) − ½)),  σ⁻¹(y) = ln(y / (1 − y)),
 *                    y clipped to [1e-9, 1 − 1e-9], α normalising ŷ to sum 1. β > 0 is the
 *                    magnitude (default 1), γ > 0 the convergence parameter (default 0.1; the
 *                    defaults of ART's ReverseSigmoid). Small probabilities are pushed up and
 *                    large ones down, non-monotonically, so a model fit to ŷ's log-probabilities
 *                    is misled; where that would move the argmax, the two entries swap back
 *                    (Orekondy et al.'s top-1-preserving variant), so the label is kept.
 *
 * Each keeps the answer's label (the victim's argmax). Answers without probabilities pass unchanged.
 */
import { Victim, VictimAnswer, VictimInput } from "../extract/victim";
import { argmax } from "../train/classify";
import { Defended, DefendedOracle, PerturbReport } from "./defended";

export type Perturbation =
  | { method: "labels" }
  | { method: "round"; decimals: number }
  | { method: "top-k"; k: number }
  | { method: "reverse-sigmoid"; beta?: number; gamma?: number };

export const PERTURBATION_METHODS: readonly Perturbation["method"][] = ["labels", "round", "top-k", "reverse-sigmoid"];

/** What is wrong with a perturbation's parameters, or undefined (for the keys file and the wrapper alike). */
export function perturbationProblem(p: Perturbation): string | undefined {
  switch (p.method) {
    case "labels":
      return undefined;
    case "round":
      return Number.isInteger(p.decimals) && p.decimals >= 0 && p.decimals <= 15 ? undefined : `"decimals" must be an integer from 0 to 15; got ${JSON.stringify(p.decimals)}`;
    case "top-k":
      return Number.isInteger(p.k) && p.k >= 1 ? undefined : `"k" must be an integer ≥ 1; got ${JSON.stringify(p.k)}`;
    case "reverse-sigmoid":
      for (const field of ["beta", "gamma"] as const) {
        const v = p[field];
        if (v !== undefined && !(typeof v === "number" && v > 0 && Number.isFinite(v))) return `"${field}" must be a positive number; got ${JSON.stringify(v)}`;
      }
      return undefined;
    default:
      return `"method" must be one of ${PERTURBATION_METHODS.join(", ")}; got ${JSON.stringify((p as { method: unknown }).method)}`;
  }
}

/** `p` rounded to `decimals` places with the largest-remainder method, so the rounded values sum to exactly 1 (in units of 10^−decimals). */
export function roundProbabilities(p: readonly number[], decimals: number): number[] {
  const unit = 10 ** decimals;
  const sum = p.reduce((a, b) => a + b, 0);
  const scaled = p.map((x) => (x / sum) * unit);
  const floors = scaled.map(Math.floor);
  let missing = unit - floors.reduce((a, b) => a + b, 0);
  // Remainders largest first; ties to the larger probability, then the lower index, so the argmax gets its unit first.
  const order = p.map((_, i) => i).sort((a, b) => scaled[b] - floors[b] - (scaled[a] - floors[a]) || p[b] - p[a] || a - b);
  for (const i of order) {
    if (missing <= 0) break;
    floors[i]++;
    missing--;
  }
  return floors.map((f) => f / unit);
}

/** The `k` largest of `p` renormalised, the rest 0 (ties to the lower index). */
export function topKProbabilities(p: readonly number[], k: number): number[] {
  const kept = new Set(p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b).slice(0, k));
  const sum = [...kept].reduce((s, i) => s + p[i], 0);
  return p.map((x, i) => (kept.has(i) ? x / sum : 0));
}

/** Lee et al.'s reverse-sigmoid perturbation of `p` (formula above), top-1 preserving. */
export function reverseSigmoid(p: readonly number[], beta = 1, gamma = 0.1): number[] {
  const eps = 1e-9;
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const raw = p.map((y) => {
    const c = Math.min(1 - eps, Math.max(eps, y));
    const r = beta * (sigmoid(gamma * Math.log(c / (1 - c))) - 0.5);
    return Math.max(0, y - r);
  });
  const sum = raw.reduce((a, b) => a + b, 0);
  const top = argmax(p);
  const out = sum > 0 ? raw.map((x) => x / sum) : p.map((_, i) => (i === top ? 1 : 0));
  const moved = argmax(out);
  if (moved !== top) [out[top], out[moved]] = [out[moved], out[top]];
  return out;
}

/** `answer` under `perturbation`: the label kept, the probabilities perturbed (or dropped, for "labels"). */
export function perturbAnswer(answer: VictimAnswer, perturbation: Perturbation): VictimAnswer {
  const p = answer.probabilities;
  if (perturbation.method === "labels" || !p) return { label: answer.label };
  switch (perturbation.method) {
    case "round":
      return { label: answer.label, probabilities: roundProbabilities(p, perturbation.decimals) };
    case "top-k":
      return { label: answer.label, probabilities: topKProbabilities(p, perturbation.k) };
    case "reverse-sigmoid":
      return { label: answer.label, probabilities: reverseSigmoid(p, perturbation.beta, perturbation.gamma) };
  }
}

/** A short name of a perturbation for logs and tables: "round-2", "top-1", "reverse-sigmoid(β=1, γ=0.1)". */
export function perturbationName(p: Perturbation): string {
  switch (p.method) {
    case "labels":
      return "labels";
    case "round":
      return `round-${p.decimals}`;
    case "top-k":
      return `top-${p.k}`;
    case "reverse-sigmoid":
      return `reverse-sigmoid(β=${p.beta ?? 1}, γ=${p.gamma ?? 0.1})`;
  }
}

/** A classifier victim whose answers all go through one perturbation. */
export class PerturbedVictim implements Victim, DefendedOracle<VictimInput, VictimAnswer, PerturbReport> {
  constructor(readonly inner: Victim, readonly perturbation: Perturbation) {
    const problem = perturbationProblem(perturbation);
    if (problem) throw new Error(`perturbation ${JSON.stringify(perturbation)}: ${problem}`);
  }

  get labels(): readonly string[] {
    return this.inner.labels;
  }

  get exposesProbabilities(): boolean {
    return this.perturbation.method !== "labels" && this.inner.exposesProbabilities;
  }

  async answer(inputs: VictimInput[]): Promise<Defended<VictimAnswer, PerturbReport>> {
    const answers = (await this.inner.query(inputs)).map((a) => perturbAnswer(a, this.perturbation));
    return { answers, report: { kind: "perturb", method: perturbationName(this.perturbation) } };
  }

  async query(inputs: VictimInput[]): Promise<VictimAnswer[]> {
    return (await this.answer(inputs)).answers;
  }
}
