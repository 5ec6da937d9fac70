/**
 * The defenses the frontier experiment (./defenses.ts) compares, as "arms": each is a key's
 * `defense` of the victim API (lib/serve/defense-config.ts) minus its secrets (seed, classifier
 * file), which a run fills in. Keeping the keys-file form means the same arm runs in-process and
 * behind the HTTP server unchanged.
 */
import { Perturbation, perturbationName } from "../defend/perturb";
import { DefenseConfig } from "../serve/defense-config";

export type DefenseArm =
  /** The plain API: probabilities, no defense (the baseline every drop is measured from). */
  | { kind: "none" }
  | ({ kind: "perturb" } & Perturbation)
  /** Watermarking at `fraction` of the queries; the seed is the run's. */
  | { kind: "watermark"; fraction: number }
  /** The membership gate; the classifier is the task's (./defenses.ts trains or loads it), the seed the run's. */
  | { kind: "membership-gate" };

/** Every defense of the issue, in the order of the tables. */
export const DEFENSE_ARMS: readonly DefenseArm[] = [
  { kind: "none" },
  { kind: "perturb", method: "labels" },
  { kind: "perturb", method: "round", decimals: 1 },
  { kind: "perturb", method: "top-k", k: 1 },
  // ART's defaults (a mild squeeze toward ½), and γ = 0.5, where the map is no longer monotonic (0.99 → 0.58 but 0.9 → 0.65).
  { kind: "perturb", method: "reverse-sigmoid", beta: 1, gamma: 0.1 },
  { kind: "perturb", method: "reverse-sigmoid", beta: 1, gamma: 0.5 },
  // The paper's 0.1 %: watermarking is meant to identify a thief, not to stop one; its point shows what it costs.
  { kind: "watermark", fraction: 0.001 },
  { kind: "membership-gate" },
];

/** A short name for tables and legends: "none", "labels", "round-1", "top-1", "reverse-sigmoid(β=1, γ=0.1)", "watermark 0.1 %", "membership gate". */
export function armName(arm: DefenseArm): string {
  switch (arm.kind) {
    case "none":
      return "none";
    case "perturb":
      return perturbationName(arm);
    case "watermark":
      return `watermark ${+(100 * arm.fraction).toPrecision(3)} %`;
    case "membership-gate":
      return "membership gate";
  }
}

/** The arm's name as a folder name: "reverse-sigmoid-b1-g0.1", "watermark-0.1pct". */
export function armSlug(arm: DefenseArm): string {
  if (arm.kind === "perturb" && arm.method === "reverse-sigmoid") return `reverse-sigmoid-b${arm.beta ?? 1}-g${arm.gamma ?? 0.1}`;
  if (arm.kind === "watermark") return `watermark-${+(100 * arm.fraction).toPrecision(3)}pct`;
  return armName(arm).replace(/[^A-Za-z0-9.]+/g, "-");
}

/** The key's `defense` for this arm and seed; undefined for "none". `classifier` is the membership classifier file, needed by the gate only. */
export function armDefense(arm: DefenseArm, seed: number, classifier?: string): DefenseConfig | undefined {
  switch (arm.kind) {
    case "none":
      return undefined;
    case "perturb": {
      const { kind: _kind, ...perturbation } = arm;
      return { kind: "perturb", ...(perturbation as Perturbation) };
    }
    case "watermark":
      return { kind: "watermark", seed, fraction: arm.fraction };
    case "membership-gate":
      if (!classifier) throw new Error("the membership-gate arm needs the task's membership classifier file");
      return { kind: "membership-gate", classifier, seed };
  }
}

/** Whether the arm can change a label (and so what honest users get); perturbations keep the argmax. */
export function armKeepsLabels(arm: DefenseArm): boolean {
  return arm.kind === "none" || arm.kind === "perturb";
}
