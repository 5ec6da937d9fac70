/**
 * lib/defend/watermark.ts: the watermarked share of many queries, the same answer for a repeated
 * query (and after a restart), wrong labels and the slide's flipped distribution, spans for QA,
 * the record on disk before the answer returns (and after a SIGKILL), and verification telling a
 * model that memorised the watermarks from one that learnt the true answers.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Rng } from "../../lib/engine/rng";
import { isWatermarked, readWatermarks, sameLabel, sameSpan, verifyWatermark, WatermarkedQaVictim, WatermarkedVictim, WatermarkEntry, WatermarkRecord, wrongLabel } from "../../lib/defend/watermark";
import { Oracle, QaAnswer, QaInput, VictimAnswer, VictimInput } from "../../lib/extract/victim";
import { exactMatch } from "../../lib/train/squad-metric";
import { FakeVictim, tempDir } from "../serve/fixtures";

const TMP = tempDir("watermark");
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
let files = 0;
const recordFile = () => path.join(TMP, `record-${files++}.jsonl`);
const ROOT = path.join(__dirname, "..", "..");

const queries = (n: number, tag = "q") => Array.from({ length: n }, (_, i) => `${tag} ${i} a film`);

/** Answers the first two words of the context. */
class FirstWordsQa implements Oracle<QaInput, QaAnswer> {
  async query(inputs: QaInput[]): Promise<QaAnswer[]> {
    return inputs.map((x) => ({ text: x.context.split(" ").slice(0, 2).join(" "), start: 0 }));
  }
}

/** A suspect that answers stored queries with one side of the record (the watermark or the truth), the inner victim elsewhere. */
function copycat<I, A>(entries: WatermarkEntry<I, A>[], side: "watermark" | "truth", key: (x: I) => string): Oracle<I, A> {
  const known = new Map(entries.map((e) => [key(e.query), e[side]]));
  return { query: async (inputs: I[]) => inputs.map((x) => known.get(key(x))!) };
}

test("the watermarked share of 20,000 queries is within 4σ of the fraction (1 % and the default 0.1 %)", async () => {
  const texts = queries(20000);
  for (const [fraction, expected] of [[0.01, 200], [undefined, 20]] as const) {
    const record = await WatermarkRecord.open(recordFile());
    const v = new WatermarkedVictim(new FakeVictim(), record, { seed: 3, fraction });
    let watermarked = 0;
    for (let i = 0; i < texts.length; i += 500) watermarked += (await v.answer(texts.slice(i, i + 500))).report.watermarked.length;
    await record.close();
    const sigma = Math.sqrt(expected);
    assert.ok(Math.abs(watermarked - expected) <= 4 * sigma, `${watermarked} watermarked, expected ${expected} ± ${4 * sigma}`);
    assert.equal(readWatermarks(record.file).entries.length, watermarked, "one stored entry per watermarked query");
    assert.equal(texts.filter((t) => isWatermarked(t, { seed: 3, fraction })).length, watermarked, "isWatermarked names the same queries");
  }
  await assert.rejects(async () => new WatermarkedVictim(new FakeVictim(), await WatermarkRecord.open(recordFile()), { seed: 1, fraction: 0 }), /fraction must be in \(0, 1\]/);
});

test("a repeated query gets the same answer, in any batch, after a restart; another seed picks other queries", async () => {
  const texts = queries(3000, "d");
  const a = new WatermarkedVictim(new FakeVictim(), await WatermarkRecord.open(recordFile()), { seed: 11, fraction: 0.05 });
  const first = await a.query(texts);
  const again = await a.query([...texts].reverse());
  assert.deepEqual([...again].reverse(), first);
  const restarted = new WatermarkedVictim(new FakeVictim(), await WatermarkRecord.open(recordFile()), { seed: 11, fraction: 0.05 });
  assert.deepEqual(await restarted.query(texts), first);
  const other = new WatermarkedVictim(new FakeVictim(), await WatermarkRecord.open(recordFile()), { seed: 12, fraction: 0.05 });
  const [marked, markedOther] = [11, 12].map((seed) => new Set(texts.filter((t) => isWatermarked(t, { seed, fraction: 0.05 }))));
  const overlap = [...marked].filter((t) => markedOther.has(t)).length;
  assert.ok(overlap < 0.2 * marked.size, `${overlap} of ${marked.size} watermarked under both seeds`);
  assert.notDeepEqual(await other.query(texts), first);
  // Across the two reads, the watermarked entries were stored twice; reading keeps each query once.
  const { entries, badLines } = readWatermarks(a.record.file);
  assert.deepEqual(badLines, []);
  assert.equal(entries.length, marked.size);
});

test("wrong labels: never the true one, uniform among the others; probabilities flip as on the slide", () => {
  assert.deepEqual(wrongLabel({ label: 0, probabilities: [0.7042, 0.2958] }, 2, new Rng(1)), { label: 1, probabilities: [0.2958, 0.7042] });
  assert.deepEqual(wrongLabel({ label: 1 }, 2, new Rng(1)), { label: 0 });
  const rng = new Rng(2);
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) {
    const w = wrongLabel({ label: 1, probabilities: [0.2, 0.5, 0.3] }, 3, rng);
    assert.notEqual(w.label, 1);
    assert.equal(w.probabilities![w.label], 0.5, "the watermark label takes the top probability");
    assert.equal(w.probabilities![1], w.label === 0 ? 0.2 : 0.3);
    counts[w.label]++;
  }
  assert.equal(counts[1], 0);
  assert.ok(Math.abs(counts[0] - 1500) < 150 && Math.abs(counts[2] - 1500) < 150, `${counts}`);
  assert.throws(() => wrongLabel({ label: 0 }, 1, rng), /at least 2 labels/);
});

test("QA watermarks are other spans of the context, as long as the true answer, stored with it", async () => {
  const contexts = queries(400, "the river Nile flows north through").map((c, i) => ({ context: `${c} Egypt to the sea ${i}`, question: "Where does it flow?" }));
  const record = await WatermarkRecord.open<QaInput, QaAnswer>(recordFile());
  const v = new WatermarkedQaVictim(new FirstWordsQa(), record, { seed: 5, fraction: 0.2 });
  const { answers, report } = await v.answer(contexts);
  assert.ok(report.watermarked.length > 40 && report.watermarked.length < 120, `${report.watermarked.length} of 400`);
  const truths = await new FirstWordsQa().query(contexts);
  for (const i of report.watermarked) {
    const a = answers[i];
    assert.equal(contexts[i].context.slice(a.start, a.start + a.text.length), a.text, "a slice of its context");
    assert.equal(a.text.split(" ").length, 2);
    assert.equal(exactMatch(a.text, truths[i].text), 0);
  }
  answers.forEach((a, i) => report.watermarked.includes(i) || assert.deepEqual(a, truths[i]));
  await record.close();
  const { entries } = readWatermarks<QaInput, QaAnswer>(record.file);
  assert.deepEqual(entries.map((e) => e.watermark), report.watermarked.map((i) => answers[i]));
  assert.deepEqual(entries.map((e) => e.truth), report.watermarked.map((i) => truths[i]));
});

test("the record holds a query's watermark by the time its answer returns; a SIGKILL loses no acknowledged one", async () => {
  const file = recordFile();
  const v = new WatermarkedVictim(new FakeVictim(), await WatermarkRecord.open(file), { seed: 2, fraction: 1 });
  const [answer] = await v.query(["stored before the answer"]);
  const [entry] = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(entry.query, "stored before the answer");
  assert.deepEqual(entry.watermark, answer);
  assert.notEqual(entry.truth.label, answer.label);

  const killed = recordFile();
  const child = spawn(process.execPath, ["--import", "tsx", "test/defend/watermark-writer.ts", killed], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const acked: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<string | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (d) => {
      buffer += d;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) acked.push(line.replace(/^ack /, ""));
      if (acked.length >= 200) {
        child.kill("SIGKILL");
        resolve();
      }
    });
    void exited.then((how) => reject(new Error(`the writer exited (${how}) after ${acked.length} acks: ${stderr}`)));
  });
  assert.equal(await exited, "SIGKILL");
  const { entries } = readWatermarks(killed);
  const stored = new Set(entries.map((e) => e.query));
  const lost = acked.filter((q) => !stored.has(q));
  assert.deepEqual(lost, [], "every acknowledged query's watermark is in the record");
});

test("verification: a copy of the watermarks matches them, a copy of the true answers does not (labels and spans)", async () => {
  const record = await WatermarkRecord.open(recordFile());
  const inner = new FakeVictim();
  const v = new WatermarkedVictim(inner, record, { seed: 8, fraction: 0.02 });
  await v.query(queries(5000, "v"));
  await record.close();
  const { entries } = readWatermarks(record.file);
  assert.ok(entries.length > 50);
  const key = (x: VictimInput) => JSON.stringify(x);
  const thief = await verifyWatermark<VictimInput, VictimAnswer>(copycat(entries, "watermark", key), entries, sameLabel);
  assert.deepEqual(thief, { queries: entries.length, watermarkMatch: 1, trueMatch: 0 });
  const honest = await verifyWatermark<VictimInput, VictimAnswer>(inner, entries, sameLabel);
  assert.deepEqual(honest, { queries: entries.length, watermarkMatch: 0, trueMatch: 1 });

  const qaRecord = await WatermarkRecord.open<QaInput, QaAnswer>(recordFile());
  const qa = new WatermarkedQaVictim(new FirstWordsQa(), qaRecord, { seed: 8, fraction: 0.2 });
  await qa.query(queries(300, "one two three four five six").map((c) => ({ context: c, question: "What?" })));
  await qaRecord.close();
  const qaEntries = readWatermarks<QaInput, QaAnswer>(qaRecord.file).entries;
  const qaKey = (x: QaInput) => `${x.context}|${x.question}`;
  assert.deepEqual(await verifyWatermark(copycat(qaEntries, "watermark", qaKey), qaEntries, sameSpan), { queries: qaEntries.length, watermarkMatch: 1, trueMatch: 0 });
  assert.deepEqual(await verifyWatermark(new FirstWordsQa(), qaEntries, sameSpan), { queries: qaEntries.length, watermarkMatch: 0, trueMatch: 1 });
  await assert.rejects(verifyWatermark(inner, [], sameLabel), /no stored watermarks/);
});
