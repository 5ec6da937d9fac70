/**
 * The data splits of the Polyglots experiment (Keskar et al. 2020):
 *   - real-data subsets: p % of the victim's training set (the adversary's few real examples),
 *     drawn by a seeded permutation, nested (the 1 % subset is inside the 5 %, which is inside the
 *     10 %), always from the training file — never from MNLI dev or XNLI;
 *   - a label-stratified subset of XNLI with the same ids in every language (the languages are
 *     parallel: row id i is the same example translated), so every language is scored on the same
 *     examples.
 */
import { Rng } from "../engine/rng";
import { XNLI_LANGUAGES, XnliLanguage, XnliSplit, readXnli } from "../data/xnli";
import { TaskSplit } from "./tasks";

/** Examples in a p % subset of a training set of `trainSize`: round(p / 100 × trainSize), at least 1. */
export function realDataCount(trainSize: number, percent: number): number {
  if (!(percent > 0 && percent <= 100)) throw new Error(`real-data percentage must be in (0, 100], got ${percent}`);
  return Math.max(1, Math.round((percent / 100) * trainSize));
}

/** Indices (into the training set) of its p % subset for `seed`: the first realDataCount of one seeded permutation, so smaller subsets nest in larger ones. Sorted. */
export function realDataIndices(trainSize: number, percent: number, seed: number): number[] {
  const order = Rng.derive(seed, "polyglots-real-data").shuffle(Array.from({ length: trainSize }, (_, i) => i));
  return order.slice(0, realDataCount(trainSize, percent)).sort((a, b) => a - b);
}

/** The p % subset of `train` for `seed` (see realDataIndices). */
export function realDataSubset(train: TaskSplit, percent: number, seed: number): TaskSplit {
  const idx = realDataIndices(train.inputs.length, percent, seed);
  return { inputs: idx.map((i) => train.inputs[i]), labels: idx.map((i) => train.labels[i]) };
}

/**
 * `n` positions of `labels`, stratified by label: each label gets its share of `n` (largest
 * remainder; ties to the smaller label), its positions drawn by a seeded shuffle. Sorted. All
 * positions when `n` is undefined or at least labels.length.
 */
export function stratifiedIds(labels: readonly number[], n?: number, seed = 0): number[] {
  if (n === undefined || n >= labels.length) return labels.map((_, i) => i);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`a stratified subset needs a positive integer size, got ${n}`);
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => {
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(i);
  });
  const classes = [...byLabel.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (n * byLabel.get(c)!.length) / labels.length);
  const take = exact.map(Math.floor);
  const order = classes.map((_, k) => k).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b);
  for (let left = n - take.reduce((s, t) => s + t, 0), k = 0; left > 0; left--, k++) take[order[k]]++;
  const ids: number[] = [];
  classes.forEach((c, k) => ids.push(...Rng.derive(seed, `stratified-${c}`).shuffle([...byLabel.get(c)!]).slice(0, take[k])));
  return ids.sort((a, b) => a - b);
}

export interface XnliSubsets {
  /** The XNLI row ids scored, the same in every language. */
  ids: number[];
  /** Each language's rows at those ids, in id order. */
  byLanguage: Record<XnliLanguage, TaskSplit>;
}

/**
 * A label-stratified subset of `n` XNLI rows (all 5,010 test / 2,490 dev when undefined), chosen on
 * the English labels, read in every language. Throws if a language's rows at those ids are not
 * the same examples (a different label), i.e. the files are not parallel.
 */
export function xnliSubsets(split: XnliSplit, n?: number, seed = 0, languages: readonly XnliLanguage[] = XNLI_LANGUAGES): XnliSubsets {
  const en = readXnli("en", split);
  const ids = stratifiedIds(en.map((r) => r.label), n, seed);
  const labelOf = new Map(en.map((r) => [r.id, r.label]));
  const byLanguage = {} as Record<XnliLanguage, TaskSplit>;
  for (const lang of languages) {
    const rows = new Map(readXnli(lang, split).map((r) => [r.id, r]));
    const picked = ids.map((id) => {
      const row = rows.get(en[id].id);
      if (!row || row.label !== labelOf.get(en[id].id)) throw new Error(`XNLI ${split} ${lang}: row id ${en[id].id} is missing or has another label than in English; the language files are not parallel`);
      return row;
    });
    byLanguage[lang] = { inputs: picked.map((r) => ({ premise: r.premise, hypothesis: r.hypothesis })), labels: picked.map((r) => r.label) };
  }
  return { ids: ids.map((i) => en[i].id), byLanguage };
}
