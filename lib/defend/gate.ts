/**
 * The membership gate, the slides' pseudo-code
 *
 *   if in-distro > out-distro: return argmax(y)  else: return random(y)
 *
 * around any oracle: inputs the membership classifier (./membership.ts) scores below its
 * threshold are answered with a random output and never reach the model; the others get the
 * model's answer. The random output is seeded by the query (./query-rng.ts), so a repeated
 * query gets the same random answer and averaging repeats reveals nothing.
 */
import { Rng } from "../engine/rng";
import { Oracle, QaAnswer, QaInput, QaVictim, Victim, VictimAnswer, VictimInput } from "../extract/victim";
import { argmax } from "../train/classify";
import { Defended, DefendedOracle, GateReport } from "./defended";
import { FeatureExtractor } from "./features";
import { MembershipClassifier, membershipScores } from "./membership";
import { queryRng } from "./query-rng";
import { randomSpan } from "./spans";

export interface GateOptions {
  /** Seed of the random answers. Default 0. */
  seed?: number;
}

/** A uniformly random label; with probabilities, a uniformly random distribution (Dirichlet(1, …, 1)) whose argmax is the label. */
export function randomAnswer(rng: Rng, labels: number, withProbabilities: boolean): VictimAnswer {
  if (!withProbabilities) return { label: rng.int(labels) };
  const draws = Array.from({ length: labels }, () => -Math.log(1 - rng.uniform())); // Exp(1), never log 0
  const sum = draws.reduce((a, b) => a + b, 0);
  const probabilities = draws.map((d) => d / sum);
  return { label: argmax(probabilities), probabilities };
}

/** Any oracle behind a membership gate; `random` makes the answer to a gated input. */
export class MembershipGate<Input extends VictimInput | QaInput, Answer> implements DefendedOracle<Input, Answer, GateReport> {
  constructor(
    readonly inner: Oracle<Input, Answer>,
    private readonly extractor: FeatureExtractor<Input>,
    readonly classifier: MembershipClassifier,
    private readonly random: (input: Input, rng: Rng) => Answer,
    private readonly options: GateOptions = {},
  ) {}

  async answer(inputs: Input[]): Promise<Defended<Answer, GateReport>> {
    const scores = membershipScores(this.classifier, this.extractor, inputs);
    const gated = inputs.flatMap((_, i) => (scores[i] < this.classifier.threshold ? [i] : []));
    const isGated = new Set(gated);
    const passed = inputs.filter((_, i) => !isGated.has(i));
    const real = passed.length > 0 ? await this.inner.query(passed) : [];
    let next = 0;
    const answers = inputs.map((x, i) => (isGated.has(i) ? this.random(x, queryRng(this.options.seed ?? 0, "membership-gate", x)) : real[next++]));
    return { answers, report: { kind: "membership-gate", gated, scores } };
  }

  async query(inputs: Input[]): Promise<Answer[]> {
    return (await this.answer(inputs)).answers;
  }
}

/** A classifier victim behind the gate: gated inputs get a random label (and random probabilities when the victim exposes them). */
export class GatedVictim extends MembershipGate<VictimInput, VictimAnswer> implements Victim {
  constructor(inner: Victim, extractor: FeatureExtractor<VictimInput>, classifier: MembershipClassifier, options: GateOptions = {}) {
    super(inner, extractor, classifier, (_x, rng) => randomAnswer(rng, inner.labels.length, inner.exposesProbabilities), options);
  }

  get labels(): readonly string[] {
    return (this.inner as Victim).labels;
  }

  get exposesProbabilities(): boolean {
    return (this.inner as Victim).exposesProbabilities;
  }
}

/** A QA victim behind the gate: gated inputs get a random span of their context. */
export class GatedQaVictim extends MembershipGate<QaInput, QaAnswer> {
  constructor(inner: QaVictim, extractor: FeatureExtractor<QaInput>, classifier: MembershipClassifier, options: GateOptions = {}) {
    super(inner, extractor, classifier, (x, rng) => randomSpan(rng, x.context), options);
  }
}
