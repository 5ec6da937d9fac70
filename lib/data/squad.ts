/**
 * SQuAD v1.1 (Rajpurkar et al. 2016) flattened to one example per question. Only dev is vendored
 * (datasets/squad/dev-v1.1.json); train is fetched on demand (`readSquadTrain`), and where the
 * network is closed `squadSplit` stands in for it by splitting dev by article.
 */
import * as fs from "node:fs";
import { Rng } from "../engine/rng";
import { fetchDataset } from "./remote";
import { collapseWhitespace, readDatasetText } from "./text";

export interface SquadAnswer {
  text: string;
  /** Character offset of the answer in the context. */
  start: number;
}

export interface SquadExample {
  /** The question id. */
  id: string;
  /** The Wikipedia article the paragraph comes from. */
  title: string;
  context: string;
  question: string;
  /** One answer in train; three crowd answers (often equal) in dev. */
  answers: SquadAnswer[];
}

function fail(file: string, where: string, expected: string): never {
  throw new Error(`${file}: ${where}: expected ${expected} (SQuAD v1.1 layout: data[].paragraphs[].qas[].answers[])`);
}

function array(value: unknown, file: string, where: string): unknown[] {
  if (!Array.isArray(value)) fail(file, where, "an array");
  return value;
}

function string(value: unknown, file: string, where: string): string {
  if (typeof value !== "string") fail(file, where, "a string");
  return value;
}

/** Flattens SQuAD v1.1 JSON text; `file` names the source in errors, with the JSON path of a bad entry. */
export function parseSquad(json: string, file: string): SquadExample[] {
  let doc: { data?: unknown };
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const examples: SquadExample[] = [];
  array(doc.data, file, "data").forEach((article, a) => {
    const at = `data[${a}]`;
    const { title, paragraphs } = article as { title?: unknown; paragraphs?: unknown };
    const name = string(title, file, `${at}.title`);
    array(paragraphs, file, `${at}.paragraphs`).forEach((paragraph, p) => {
      const pat = `${at}.paragraphs[${p}]`;
      const { context, qas } = paragraph as { context?: unknown; qas?: unknown };
      const text = string(context, file, `${pat}.context`);
      array(qas, file, `${pat}.qas`).forEach((qa, q) => {
        const qat = `${pat}.qas[${q}]`;
        const { id, question, answers } = qa as { id?: unknown; question?: unknown; answers?: unknown };
        const parsed = array(answers, file, `${qat}.answers`).map((answer, k) => {
          const { text: answerText, answer_start } = answer as { text?: unknown; answer_start?: unknown };
          const t = string(answerText, file, `${qat}.answers[${k}].text`);
          if (typeof answer_start !== "number" || text.slice(answer_start, answer_start + t.length) !== t) {
            fail(file, `${qat}.answers[${k}]`, `answer_start pointing at ${JSON.stringify(t)} in the context`);
          }
          return { text: t, start: answer_start };
        });
        examples.push({ id: string(id, file, `${qat}.id`), title: name, context: text, question: string(question, file, `${qat}.question`), answers: parsed });
      });
    });
  });
  return examples;
}

/** SQuAD v1.1 dev: 10,570 questions over 2,067 paragraphs of 48 articles. Checksum-verified. */
export function readSquadDev(): SquadExample[] {
  const { file, text } = readDatasetText("squad/dev-v1.1.json");
  return parseSquad(text, file);
}

/** SQuAD v1.1 train (87,599 questions), downloaded into the cache on first use (see remote.ts). */
export async function readSquadTrain(): Promise<SquadExample[]> {
  const file = (await fetchDataset("squad-train"))["squad/train-v1.1.json"];
  return parseSquad(fs.readFileSync(file, "utf8"), file);
}

/** A split of SQuAD dev into disjoint sets of articles. */
export interface SquadSplit {
  train: SquadExample[];
  eval: SquadExample[];
  trainTitles: string[];
  evalTitles: string[];
}

/**
 * SQuAD dev split by article, for when SQuAD train cannot be downloaded: `evalArticles` articles
 * (default 10 of the 48), chosen by a shuffle of the titles seeded with `seed` (default 0), are
 * held out for evaluation and the other 38 stand in for training. Splitting by article keeps
 * every paragraph and question of an article on one side. Examples keep file order.
 */
export function squadSplit(seed = 0, evalArticles = 10, examples: SquadExample[] = readSquadDev()): SquadSplit {
  const titles = [...new Set(examples.map((e) => e.title))];
  if (!(evalArticles > 0 && evalArticles < titles.length)) throw new Error(`squadSplit: evalArticles must be in 1..${titles.length - 1}, got ${evalArticles}`);
  const shuffled = Rng.derive(seed, "squad-split").shuffle([...titles]);
  const held = new Set(shuffled.slice(0, evalArticles));
  return {
    train: examples.filter((e) => !held.has(e.title)),
    eval: examples.filter((e) => held.has(e.title)),
    trainTitles: titles.filter((t) => !held.has(t)),
    evalTitles: titles.filter((t) => held.has(t)),
  };
}

/** The 2,067 distinct paragraph contexts of SQuAD v1.1 dev, as stored in the file. */
export function squadDevContexts(examples: SquadExample[] = readSquadDev()): Set<string> {
  return new Set(examples.map((e) => e.context));
}

/**
 * `lines` without those equal (whitespace collapsed) to a SQuAD v1.1 dev context or, unless
 * `questions` is false, question. The English multilingual corpus holds 240 dev paragraphs and
 * 1,185 dev questions (its 1,425 XQuAD lines); drop them before pretraining a model evaluated on
 * SQuAD dev. The other languages hold translations of them, which no exact match can find.
 */
export function dropSquadDev(lines: readonly string[], options: { questions?: boolean; examples?: SquadExample[] } = {}): string[] {
  const examples = options.examples ?? readSquadDev();
  const banned = new Set(examples.map((e) => collapseWhitespace(e.context)));
  if (options.questions ?? true) for (const e of examples) banned.add(collapseWhitespace(e.question));
  return lines.filter((line) => !banned.has(collapseWhitespace(line)));
}
