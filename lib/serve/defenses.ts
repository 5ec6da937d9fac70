/**
 * The server's per-key defenses, built once at start from each key's `defense`
 * (./defense-config.ts) around the served victim: a watermark with its record file, a
 * perturbation, or the membership gate with its classifier loaded and checked against the
 * served model's features. Anything wrong stops the server before it listens, naming the key.
 */
import * as path from "node:path";
import { DefendedOracle, DefenseReport } from "../defend/defended";
import { FeatureExtractor, localVictimFeatures } from "../defend/features";
import { GatedVictim } from "../defend/gate";
import { loadMembershipClassifier } from "../defend/membership";
import { PerturbedVictim } from "../defend/perturb";
import { WatermarkRecord, WatermarkedVictim } from "../defend/watermark";
import { LocalVictim } from "../extract/local-victim";
import { Victim, VictimAnswer, VictimInput } from "../extract/victim";
import { CoalescingVictim } from "./coalesce";
import { DefenseConfig } from "./defense-config";
import { ApiKey } from "./keys";

/** A victim wrapped in a key's defense. */
export type DefendedVictim = Victim & DefendedOracle<VictimInput, VictimAnswer, DefenseReport>;

export interface KeyDefenses {
  /** The defended victim of each key that has a defense, by key id. */
  byKey: Map<string, DefendedVictim>;
  /** Closes the watermark records. */
  close(): Promise<void>;
}

/** The record of a watermarked key: `watermark-<key id>.jsonl` in `dir`. */
export function watermarkFile(dir: string, keyId: string): string {
  return path.join(dir, `watermark-${keyId}.jsonl`);
}

/** The feature extractor of a served LocalVictim, seen through the coalescing wrapper `npm run serve` puts around it. */
export function featuresOf(victim: Victim): FeatureExtractor<VictimInput> | undefined {
  if (victim instanceof LocalVictim) return localVictimFeatures(victim);
  if (victim instanceof CoalescingVictim) return featuresOf(victim.inner);
  return undefined;
}

export interface BuildDefensesArgs {
  victim: Victim;
  keys: readonly ApiKey[];
  /** Folder of the watermark records. */
  watermarkDir: string;
  /** The victim's features for membership gates; default featuresOf(victim). */
  features?: FeatureExtractor<VictimInput>;
}

export interface DefendVictimArgs {
  /** The watermark record of a watermark defense (opened by the caller, who closes it). */
  record?: WatermarkRecord;
  /** The victim's features for a membership gate; default featuresOf(victim). */
  features?: FeatureExtractor<VictimInput>;
  /** Names the key (or run) in errors, e.g. `key "alice"`. */
  where?: string;
}

/**
 * One defense around a victim, exactly as a key's answers get it: the server's per-key defenses
 * and the in-process defense experiment (lib/experiments/defenses.ts) both build it here, so the
 * two cannot drift apart.
 */
export function defendVictim(victim: Victim, d: DefenseConfig, args: DefendVictimArgs = {}): DefendedVictim {
  const where = args.where ?? "defense";
  if (d.kind === "watermark") {
    if (!args.record) throw new Error(`${where}: a watermark defense needs its record (WatermarkRecord.open)`);
    return new WatermarkedVictim(victim, args.record, { seed: d.seed, fraction: d.fraction });
  }
  if (d.kind === "perturb") return new PerturbedVictim(victim, d);
  const features = args.features ?? featuresOf(victim);
  if (!features) throw new Error(`${where}: a membership-gate defense needs the served model's features, and this victim is not a LocalVictim; pass \`features\` to createVictimServer or give the key another defense`);
  let classifier;
  try {
    classifier = loadMembershipClassifier(d.classifier);
  } catch (err) {
    throw new Error(`${where}: defense.classifier: ${(err as Error).message}`);
  }
  const width = features(["a"], classifier.features)[0].length;
  if (width !== classifier.model.weights.length) {
    throw new Error(`${where}: the classifier ${d.classifier} reads ${classifier.model.weights.length} "${classifier.features}" features but the served model gives ${width}; train the classifier on this model's features`);
  }
  return new GatedVictim(victim, features, classifier, { seed: d.seed });
}

export async function buildDefenses(args: BuildDefensesArgs): Promise<KeyDefenses> {
  const byKey = new Map<string, DefendedVictim>();
  const records: WatermarkRecord[] = [];
  const close = async () => {
    for (const r of records) await r.close();
  };
  try {
    for (const key of args.keys) {
      const d = key.defense;
      if (!d) continue;
      let record: WatermarkRecord | undefined;
      if (d.kind === "watermark") {
        record = await WatermarkRecord.open(watermarkFile(args.watermarkDir, key.id));
        records.push(record);
      }
      byKey.set(key.id, defendVictim(args.victim, d, { record, features: args.features, where: `key "${key.id}"` }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { byKey, close };
}
