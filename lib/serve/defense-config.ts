/**
 * A key's `defense` in the keys file (lib/serve/keys.ts): what the server does to that key's
 * answers, so one served model can face honest users plainly and suspects defended.
 *
 *   {"kind": "watermark", "seed": 7, "fraction": 0.001}
 *   {"kind": "perturb", "method": "labels" | "round" | "top-k" | "reverse-sigmoid", "decimals": 2, "k": 1, "beta": 1, "gamma": 0.1}
 *   {"kind": "membership-gate", "classifier": "results/membership/mnli.json", "seed": 0}
 *
 * Checked here for shape, with the key named in every message; the classifier file is read when
 * the server starts (./defenses.ts).
 */
import { PERTURBATION_METHODS, Perturbation, perturbationProblem } from "../defend/perturb";

export type DefenseConfig =
  /** Watermarking (lib/defend/watermark.ts); `fraction` defaults to 0.001; the seed is secret. */
  | { kind: "watermark"; seed: number; fraction?: number }
  /** Output perturbation (lib/defend/perturb.ts). */
  | ({ kind: "perturb" } & Perturbation)
  /** The membership gate (lib/defend/gate.ts): `classifier` is a file from saveMembershipClassifier, relative to the working directory; `seed` (default 0) seeds the random answers. */
  | { kind: "membership-gate"; classifier: string; seed?: number };

export const DEFENSE_KINDS: readonly DefenseConfig["kind"][] = ["watermark", "perturb", "membership-gate"];

const EXAMPLES: Record<DefenseConfig["kind"], string> = {
  watermark: `{"kind": "watermark", "seed": 7, "fraction": 0.001}`,
  perturb: `{"kind": "perturb", "method": "round", "decimals": 2} (methods: ${PERTURBATION_METHODS.join(", ")})`,
  "membership-gate": `{"kind": "membership-gate", "classifier": "path/to/classifier.json", "seed": 0}`,
};

const FIELDS: Record<DefenseConfig["kind"], string[]> = {
  watermark: ["kind", "seed", "fraction"],
  perturb: ["kind", "method", "decimals", "k", "beta", "gamma"],
  "membership-gate": ["kind", "classifier", "seed"],
};

/** Checks a parsed `defense` value; `where` names the key (e.g. `keys.json[2] (alice)`) in errors. */
export function validateDefense(value: unknown, where: string): DefenseConfig {
  const at = `${where}: "defense"`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${at} must be an object such as ${EXAMPLES.watermark}; got ${value === null ? "null" : Array.isArray(value) ? "an array" : JSON.stringify(value)}`);
  }
  const d = value as Record<string, unknown>;
  const kind = d.kind as DefenseConfig["kind"];
  if (!DEFENSE_KINDS.includes(kind)) throw new Error(`${at}.kind must be one of ${DEFENSE_KINDS.map((k) => `"${k}"`).join(", ")}; got ${JSON.stringify(d.kind)}`);
  for (const field of Object.keys(d)) {
    if (!FIELDS[kind].includes(field)) throw new Error(`${at} has an unknown field "${field}" for kind "${kind}"; write it as ${EXAMPLES[kind]}`);
  }
  const fail = (problem: string): never => {
    throw new Error(`${at}: ${problem}; write it as ${EXAMPLES[kind]}`);
  };
  const seedOk = (v: unknown) => Number.isSafeInteger(v);
  if (kind === "watermark") {
    if (!seedOk(d.seed)) fail(`"seed" must be an integer (keep it secret: it decides which queries are watermarked); got ${JSON.stringify(d.seed)}`);
    if (d.fraction !== undefined && !(typeof d.fraction === "number" && d.fraction > 0 && d.fraction <= 1)) fail(`"fraction" must be a number in (0, 1] (0.001 is 0.1 % of queries); got ${JSON.stringify(d.fraction)}`);
    return { ...(d as { kind: "watermark"; seed: number; fraction?: number }) };
  }
  if (kind === "perturb") {
    const perturbation = d as unknown as Perturbation;
    const allowed: Record<Perturbation["method"], string[]> = { labels: [], round: ["decimals"], "top-k": ["k"], "reverse-sigmoid": ["beta", "gamma"] };
    const problem = perturbationProblem(perturbation); // a missing "decimals" or "k" too
    if (problem) fail(problem);
    for (const field of ["decimals", "k", "beta", "gamma"]) {
      if (d[field] !== undefined && !allowed[perturbation.method].includes(field)) fail(`"${field}" does not apply to method "${perturbation.method}"`);
    }
    return { ...(d as DefenseConfig & { kind: "perturb" }) };
  }
  if (typeof d.classifier !== "string" || d.classifier.trim() === "") fail(`"classifier" must be the path of a membership classifier file (saveMembershipClassifier); got ${JSON.stringify(d.classifier)}`);
  if (d.seed !== undefined && !seedOk(d.seed)) fail(`"seed" must be an integer; got ${JSON.stringify(d.seed)}`);
  return { ...(d as { kind: "membership-gate"; classifier: string; seed?: number }) };
}
