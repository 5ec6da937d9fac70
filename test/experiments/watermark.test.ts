/**
 * The watermark experiment: a tiny runWatermark end to end (result file, match rates in [0, 1], the
 * same numbers from a second fresh run, no tensors left behind); on a controllable setup (a fake
 * victim, a small extractor that can memorise), a model trained on the watermarked answers gives
 * the watermarks and one trained on the clean answers does not; the report's table and verdict.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { WatermarkedVictim, readWatermarks, sameLabel } from "../../lib/defend/watermark";
import { initBackend } from "../../lib/engine/backend";
import { extract } from "../../lib/extract/extract";
import { LocalVictim } from "../../lib/extract/local-victim";
import { MemoVictim } from "../../lib/extract/memo-victim";
import { makeConfig } from "../../lib/model/config";
import { EncoderModel } from "../../lib/model/encoder";
import { saveModel } from "../../lib/model/io";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";
import { trainTokenizer } from "../../lib/tokenize/train";
import { WATERMARK_SIZES, WatermarkResult, runWatermark } from "../../lib/experiments/watermark";
import { PAPER_WATERMARK, watermarkTable, watermarkVerdict } from "../../lib/experiments/watermark-report";
import { ExtractorKind, WatermarkRun, watermarkTrio } from "../../lib/experiments/watermark-trio";
import { FakeVictim, LABELS, sentences, tempDir } from "../serve/fixtures";

const TMP = tempDir("watermark-experiment");
before(() => initBackend({ quiet: true }));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

const withoutTimes = (runs: WatermarkRun[]) => runs.map(({ wallSeconds: _w, ...rest }) => rest);

test("tiny runWatermark: the result file, match rates in [0, 1], the record on disk, the same numbers from a fresh run, no leaked tensors", async () => {
  const first = path.join(TMP, "first");
  const tensors = tf.memory().numTensors;
  const r = await runWatermark({ preset: "tiny", root: first });
  assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
  assert.ok(fs.existsSync(path.join(first, "defend", "watermark-tiny.json")), "result file written");
  assert.ok(r.tasks.mnli && r.tasks.squad, "both tasks ran");
  assert.equal(r.runs.length, 2 * 3 * WATERMARK_SIZES.tiny.seeds.length);
  for (const x of r.runs) {
    for (const v of [x.watermarkMatch, x.trueMatch, x.dev, x.agreement]) assert.ok(v >= 0 && v <= 1, `${x.task} ${x.kind}: ${v}`);
    assert.ok(x.watermarks > 0 && x.watermarks <= x.queries);
  }
  const mnli = r.runs.filter((x) => x.task === "mnli");
  assert.deepEqual(mnli.map((x) => x.kind), WATERMARK_SIZES.tiny.seeds.flatMap(() => ["clean", "watermarked", "watermarked-long"]));
  const runs = path.join(first, "runs", "watermark-tiny");
  for (const task of ["mnli", "squad"] as const) {
    const records = fs.readdirSync(runs).map((k) => path.join(runs, k, `${task}-seed${WATERMARK_SIZES.tiny.seeds[0]}`, "watermarks.jsonl")).filter((f) => fs.existsSync(f));
    assert.equal(records.length, 1, `one ${task} record`);
    assert.equal(readWatermarks(records[0]).entries.length, r.tasks[task]!.watermarks[0], "the stored record is what was verified on");
  }

  const again = await runWatermark({ preset: "tiny", root: path.join(TMP, "second"), tasks: ["mnli"] });
  assert.deepEqual(withoutTimes(again.runs), withoutTimes(mnli), "same seed, same numbers");
  const kept = await runWatermark({ preset: "tiny", root: first, tasks: ["mnli"] });
  assert.deepEqual(kept.runs, mnli, "a rerun reads the kept outcomes");
});

/** A 1-layer H64 classifier folder: enough capacity to memorise a few dozen answers in ~60 steps. */
async function memoriser(dir: string): Promise<string> {
  trainTokenizer({ kind: "wordpiece", texts: sentences(300), outDir: dir, modelMaxLength: 64 });
  const tokenizer = await TextTokenizer.load(dir);
  const config = makeConfig({
    model_type: "bert", vocab_size: tokenizer.vocabSize, hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 128,
    max_position_embeddings: 64, pad_token_id: tokenizer.padId, id2label: { "0": LABELS[0], "1": LABELS[1] }, label2id: { [LABELS[0]]: 0, [LABELS[1]]: 1 },
  });
  const model = EncoderModel.create(config, "sequence-classification", 3);
  saveModel(model, dir);
  model.dispose();
  return dir;
}

test("trained on the watermarked answers, an extractor gives the watermarks; trained on the clean ones, it gives the truth", async () => {
  const from = await memoriser(path.join(TMP, "memoriser"));
  const queries = sentences(48, 5);
  const devInputs = sentences(24, 9);
  const fake = new FakeVictim();
  const api = new MemoVictim(fake);
  const tensors = tf.memory().numTensors;
  const trio = await watermarkTrio({
    task: "toy", seed: 0, queries, api, same: sameLabel, epochs: 10, longEpochs: 10, outDir: path.join(TMP, "trio"),
    watermark: (inner, record) => new WatermarkedVictim({ labels: fake.labels, exposesProbabilities: true, query: (x) => inner.query(x) }, record, { seed: 3, fraction: 0.3 }),
    train: async (answers, epochs, outDir, verify) => {
      const taught = new MemoVictim(api);
      taught.remember(queries, answers);
      const o = await extract({
        victim: taught, queries, extractorFrom: from, dev: { inputs: devInputs, labels: devInputs.map((_, i) => i % 2) }, outDir,
        maxLength: 32, epochs, batchSize: 8, learningRate: 2e-3, progress: false, onTrained: (m, tok) => verify(new LocalVictim(m, tok, { maxLength: 32 })),
      });
      return { dev: o.accuracy, agreement: o.agreement, steps: o.steps, wallSeconds: o.wallSeconds };
    },
  });
  assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
  assert.ok(trio.entries.length >= 5, `${trio.entries.length} stored watermarks`);
  const by = (kind: ExtractorKind) => trio.runs.find((x) => x.kind === kind)!;
  const [clean, marked] = [by("clean"), by("watermarked")];
  assert.equal(clean.steps, marked.steps, "the same training, only the answers differ");
  assert.ok(marked.watermarkMatch >= clean.watermarkMatch + 0.5, `watermark match: watermarked ${marked.watermarkMatch}, clean ${clean.watermarkMatch}`);
  assert.ok(marked.watermarkMatch > marked.trueMatch, "verification names the watermarked extractor");
  assert.ok(clean.trueMatch > clean.watermarkMatch, "and clears the clean one");
  // Two labels: every watermark is the other label, so the two rates sum to 1.
  for (const x of trio.runs) assert.ok(Math.abs(x.watermarkMatch + x.trueMatch - 1) < 1e-12);
});

function handMade(values: Record<ExtractorKind, { wm: number[]; dev: number[] }>): WatermarkResult {
  const runs: WatermarkRun[] = [];
  for (const [kind, v] of Object.entries(values) as [ExtractorKind, { wm: number[]; dev: number[] }][]) {
    v.wm.forEach((wm, seed) => runs.push({ task: "mnli", kind, seed, epochs: kind === "watermarked-long" ? 10 : 3, queries: 785, watermarks: 80, watermarkMatch: wm, trueMatch: 1 - wm, dev: v.dev[seed], agreement: 0.5, steps: 10, wallSeconds: 1 }));
  }
  return {
    experiment: "watermark", preset: "small", backend: "tensorflow", engine: "test", size: WATERMARK_SIZES.small,
    tasks: { mnli: { victimDev: 0.5, queries: 785, watermarks: [80, 80, 80], examples: [], miniature: "en-L2-H128" } }, runs, wallSeconds: 1, computeSeconds: 1,
  };
}

test("the table: mean ± std over seeds beside the paper's numbers, the victim's dev score first", () => {
  const rows = watermarkTable(handMade({ clean: { wm: [0.1, 0.2, 0.3], dev: [0.35, 0.35, 0.35] }, watermarked: { wm: [0.4, 0.5, 0.6], dev: [0.35, 0.35, 0.35] }, "watermarked-long": { wm: [0.9, 0.9, 0.9], dev: [0.35, 0.35, 0.35] } }));
  assert.equal(rows.length, 4);
  assert.equal(rows[0]["dev (%)"], "50.0");
  assert.equal(rows[1].model, "WIKI (3 epochs)");
  assert.equal(rows[1]["watermark match"], "20.0 ± 10.0");
  assert.equal(rows[1]["true match"], "80.0 ± 10.0");
  assert.equal(rows[3].model, "watermarked WIKI (10 epochs)");
  assert.equal(rows[3]["paper watermark"], PAPER_WATERMARK.mnli["watermarked-long"].watermark.toFixed(1));
  assert.equal(rows[1]["stored queries"], "80 / 80 / 80");
  assert.equal(rows[1].match, "label");
});

test("the verdict: held, did not hold, within noise, and the one-point dev rule", () => {
  const lines = watermarkVerdict(handMade({ clean: { wm: [0.1, 0.2, 0.3], dev: [0.35, 0.36, 0.37] }, watermarked: { wm: [0.15, 0.25, 0.35], dev: [0.355, 0.365, 0.375] }, "watermarked-long": { wm: [0.9, 0.9, 0.9], dev: [0.31, 0.32, 0.33] } }));
  assert.equal(lines.length, 6);
  assert.match(lines[0], /^MNLI: watermarked WIKI \(3 epochs\) matches the watermarks more often than WIKI \(3 epochs\) does \(paper 52\.8 vs 2\.8\): held \(25\.0 vs 20\.0, gap 5\.0 points, within noise: seeds' std 10\.0\)$/);
  assert.match(lines[1], /gives the watermark more often than the true answer .*: did not hold \(25\.0 vs 75\.0, gap -50\.0 points\)$/);
  assert.match(lines[2], /dev score is within 1 point .*: held \(36\.5 vs 36\.0, gap 0\.5 points, within noise: seeds' std 1\.0\)$/);
  assert.match(lines[3], /^MNLI: watermarked WIKI \(10 epochs\) matches .*: held \(90\.0 vs 20\.0, gap 70\.0 points\)$/);
  assert.match(lines[5], /within 1 point .*: did not hold \(32\.0 vs 36\.0, gap -4\.0 points\)$/);
});
