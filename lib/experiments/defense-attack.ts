/**
 * One point of the defense frontier: an attacker and the honest users talk to the same API (an
 * in-process defended victim, or an HttpVictim on a defended key). The attacker's queries are
 * answered first, then the dev set, as honest users would send it; the extractor is trained on
 * the attacker's answers (probabilities when the API still sends them: that is what a
 * perturbation attacks) and scored on the dev set's gold labels.
 */
import * as fs from "node:fs";
import { queryKey } from "../defend/query-rng";
import { readWatermarks, sameLabel, verifyWatermark } from "../defend/watermark";
import { extract, queryAll } from "../extract/extract";
import { LocalVictim } from "../extract/local-victim";
import { MemoVictim } from "../extract/memo-victim";
import { Victim, VictimAnswer, VictimInput } from "../extract/victim";
import { TaskSplit } from "./tasks";

export interface DefenseAttackArgs {
  /** What the attacker and the honest users are answered by. */
  api: Victim;
  /** The undefended victim: what the defense changed is counted against it. */
  plain: Victim;
  queries: VictimInput[];
  dev: TaskSplit;
  /** The pretrained miniature the extractor starts from. */
  extractorFrom: string;
  /** The extractor's checkpoints. */
  outDir: string;
  maxLength: number;
  epochs: number;
  maxSteps?: number;
  minSteps?: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** The watermark record of a watermarked API, to check the extractor against the attack's watermarks. */
  watermarkFile?: string;
}

export interface DefenseAttackOutcome {
  /** "soft" when the API sent probabilities, else "hard" (labels). */
  targets: "soft" | "hard";
  queries: number;
  /** The dev set's accuracy as honest users receive it through the API. */
  honestAccuracy: number;
  /** The extractor's dev accuracy (gold labels). */
  extractorAccuracy: number;
  /** Share of dev inputs where the extractor's label equals the API's. */
  agreement: number;
  /** Share of the attack queries, and of the dev inputs, whose label the defense changed. */
  attackLabelsChanged: number;
  honestLabelsChanged: number;
  /** Watermarked APIs only: the attack's stored watermarks, and how often the extractor gives them (vs the true labels). */
  watermark?: { stored: number; watermarkMatch: number; trueMatch: number };
  steps: number;
  /** Extractor training time, and the whole point's (queries, training, scoring). */
  trainSeconds: number;
  wallSeconds: number;
}

const changed = (a: VictimAnswer[], b: VictimAnswer[]) => a.filter((x, i) => x.label !== b[i].label).length / Math.max(1, a.length);

export async function defenseAttack(args: DefenseAttackArgs): Promise<DefenseAttackOutcome> {
  const started = Date.now();
  // Asked once each, in the order of a real API's traffic; the extractor then reads the replies from memory.
  const attackAnswers = await queryAll(args.api, args.queries);
  const devAnswers = await queryAll(args.api, args.dev.inputs);
  const replay = new MemoVictim(args.api);
  replay.remember(args.queries, attackAnswers);
  replay.remember(args.dev.inputs, devAnswers);
  const [plainAttack, plainDev] = [await queryAll(args.plain, args.queries), await queryAll(args.plain, args.dev.inputs)];

  const targets = args.api.exposesProbabilities ? "soft" : "hard";
  let watermark: DefenseAttackOutcome["watermark"];
  const outcome = await extract({
    victim: replay, queries: args.queries, targets, extractorFrom: args.extractorFrom, dev: args.dev, outDir: args.outDir,
    maxLength: args.maxLength, epochs: args.epochs, maxSteps: args.maxSteps, minSteps: args.minSteps, batchSize: args.batchSize, learningRate: args.learningRate, seed: args.seed,
    onTrained: async (model, tokenizer) => {
      if (!args.watermarkFile || !fs.existsSync(args.watermarkFile)) return;
      const asked = new Set(args.queries.map(queryKey));
      const entries = readWatermarks(args.watermarkFile).entries.filter((e) => asked.has(queryKey(e.query)));
      if (entries.length === 0) return void (watermark = { stored: 0, watermarkMatch: 0, trueMatch: 0 });
      const suspect = new LocalVictim(model, tokenizer, { maxLength: args.maxLength }); // borrows the model; extract disposes it
      const { watermarkMatch, trueMatch } = await verifyWatermark(suspect, entries, sameLabel);
      watermark = { stored: entries.length, watermarkMatch, trueMatch };
    },
  });
  if (replay.sent !== 0) throw new Error(`defenseAttack: the extractor asked the API ${replay.sent} queries beyond the attack and the dev set`);
  return {
    targets, queries: args.queries.length,
    honestAccuracy: devAnswers.filter((a, i) => a.label === args.dev.labels[i]).length / devAnswers.length,
    extractorAccuracy: outcome.accuracy, agreement: outcome.agreement,
    attackLabelsChanged: changed(attackAnswers, plainAttack), honestLabelsChanged: changed(devAnswers, plainDev),
    ...(watermark ? { watermark } : {}),
    steps: outcome.steps, trainSeconds: outcome.wallSeconds, wallSeconds: (Date.now() - started) / 1000,
  };
}
