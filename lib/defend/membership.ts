/**
 * Membership classification (Krishna et al. 2020, §6.1): a binary classifier on the victim's
 * features (./features.ts) trained to tell the victim's real training inputs (label 1) from an
 * attacker's WIKI queries (label 0), then asked whether it also tells the real dev inputs from
 * RANDOM and SHUFFLE queries it never saw. Saved as JSON so the server's membership gate
 * (./gate.ts, a key's `defense` in lib/serve/keys.ts) can load it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../model/safetensors";
import { rocAuc } from "./auc";
import { FEATURE_KINDS, FeatureExtractor, FeatureKind } from "./features";
import { LogisticArgs, LogisticModel, fitLogistic, logisticScores } from "./logistic";

export interface MembershipClassifier {
  version: 1;
  /** Which victim features it reads. */
  features: FeatureKind;
  /** Scores below this are judged out of distribution. */
  threshold: number;
  model: LogisticModel;
}

export interface TrainMembershipArgs<Input> {
  /** The victim's features (localVictimFeatures, localQaVictimFeatures). */
  extractor: FeatureExtractor<Input>;
  features: FeatureKind;
  /** Inputs the victim was trained on (label 1: in distribution). */
  members: Input[];
  /** Attack queries (label 0; the paper trains on WIKI). */
  nonMembers: Input[];
  /** In-distribution probability below which the gate answers at random. Default 0.5 (the classes weigh the same in training). */
  threshold?: number;
  logistic?: LogisticArgs;
}

export function trainMembership<Input>(args: TrainMembershipArgs<Input>): MembershipClassifier {
  if (args.members.length === 0 || args.nonMembers.length === 0) throw new Error("trainMembership needs members (training inputs) and non-members (attack queries), at least one each");
  const x = [...args.extractor(args.members, args.features), ...args.extractor(args.nonMembers, args.features)];
  const y = [...args.members.map(() => 1), ...args.nonMembers.map(() => 0)];
  return { version: 1, features: args.features, threshold: args.threshold ?? 0.5, model: fitLogistic(x, y, args.logistic) };
}

/** The in-distribution probability of every input. */
export function membershipScores<Input>(classifier: MembershipClassifier, extractor: FeatureExtractor<Input>, inputs: Input[]): number[] {
  return inputs.length === 0 ? [] : logisticScores(classifier.model, extractor(inputs, classifier.features));
}

export interface MembershipEvaluation {
  /** Area under the ROC curve, real inputs as positives. */
  auc: number;
  /** Share of all inputs on the right side of the threshold. */
  accuracy: number;
  /** Share of real inputs judged in distribution (what honest users keep). */
  realKept: number;
  /** Share of attack queries judged out of distribution (what the gate catches). */
  attackCaught: number;
  real: number;
  attack: number;
}

/** How well the classifier separates real task inputs from a generator's queries (the slide's table cells). */
export function evaluateMembership<Input>(classifier: MembershipClassifier, extractor: FeatureExtractor<Input>, real: Input[], attack: Input[]): MembershipEvaluation {
  if (real.length === 0 || attack.length === 0) throw new Error("evaluateMembership needs real inputs and attack queries, at least one each");
  const realScores = membershipScores(classifier, extractor, real);
  const attackScores = membershipScores(classifier, extractor, attack);
  const kept = realScores.filter((s) => s >= classifier.threshold).length;
  const caught = attackScores.filter((s) => s < classifier.threshold).length;
  return {
    auc: rocAuc([...realScores, ...attackScores], [...real.map(() => 1), ...attack.map(() => 0)]),
    accuracy: (kept + caught) / (real.length + attack.length),
    realKept: kept / real.length,
    attackCaught: caught / attack.length,
    real: real.length,
    attack: attack.length,
  };
}

/** Writes the classifier as JSON (atomically). */
export function saveMembershipClassifier(file: string, classifier: MembershipClassifier): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, JSON.stringify(classifier) + "\n");
}

const isNumbers = (v: unknown, n?: number): v is number[] => Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** Reads and checks a classifier file written by saveMembershipClassifier. */
export function loadMembershipClassifier(file: string): MembershipClassifier {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such membership classifier; train one with trainMembership and save it with saveMembershipClassifier`);
  let raw: any;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const m = raw?.model;
  const d = m?.weights?.length;
  const ok = raw?.version === 1 && FEATURE_KINDS.includes(raw.features) && typeof raw.threshold === "number" && Number.isFinite(raw.threshold)
    && isNumbers(m?.weights) && d > 0 && isNumbers(m.mean, d) && isNumbers(m.std, d) && m.std.every((s: number) => s > 0) && typeof m.bias === "number" && Number.isFinite(m.bias);
  if (!ok) throw new Error(`${file}: not a membership classifier (expected {"version": 1, "features": "${FEATURE_KINDS.join('" | "')}", "threshold": 0.5, "model": {"mean", "std", "weights": [d numbers each], "bias"}}); write it with saveMembershipClassifier`);
  return raw as MembershipClassifier;
}
