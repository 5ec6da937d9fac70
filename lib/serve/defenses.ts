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
      const where = `key "${key.id}"`;
      if (d.kind === "watermark") {
        const record = await WatermarkRecord.open(watermarkFile(args.watermarkDir, key.id));
        records.push(record);
        byKey.set(key.id, new WatermarkedVictim(args.victim, record, { seed: d.seed, fraction: d.fraction }));
      } else if (d.kind === "perturb") {
        byKey.set(key.id, new PerturbedVictim(args.victim, d));
      } else {
        const features = args.features ?? featuresOf(args.victim);
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
        byKey.set(key.id, new GatedVictim(args.victim, features, classifier, { seed: d.seed }));
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { byKey, close };
}
