/**
 * BERT's masking (Devlin et al. 2019, §3.1), measured over many sequences: 15 % of text tokens
 * chosen, of those 80 % [MASK], 10 % a random text token, 10 % unchanged; special tokens never
 * chosen and never drawn; maxPredictions respected; the same rng state gives the same masks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/engine/rng";
import { MaskingArgs, MaskedSequence, maskSequence } from "../../lib/pretrain/masking";

const [PAD, CLS, SEP, MASK] = [0, 2, 3, 4];
const SPECIALS = new Set([0, 1, 2, 3, 4]);
const ARGS: MaskingArgs = { maskId: MASK, vocabSize: 1000, specialIds: SPECIALS };

/** [CLS] text [SEP] text [SEP] [PAD]…: text ids in 5…vocabSize−1, specials in the middle and at the end too. */
function sequence(rng: Rng, length: number, vocabSize = 1000): number[] {
  const pads = rng.int(10);
  const middle = 1 + rng.int(length - pads - 3);
  return Array.from({ length }, (_, i) => {
    if (i === 0) return CLS;
    if (i === middle || i === length - pads - 1) return SEP;
    if (i >= length - pads) return PAD;
    return 5 + rng.int(vocabSize - 5);
  });
}

const corpus = (n: number, length: number, seed: number, vocabSize = 1000) => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sequence(rng, 16 + rng.int(length - 16), vocabSize));
};

/** |observed − p·n| in standard deviations of a binomial(n, p). */
const zScore = (hits: number, n: number, p: number) => Math.abs(hits - p * n) / Math.sqrt(n * p * (1 - p));

function checkShape(ids: number[], m: MaskedSequence, args: MaskingArgs): void {
  assert.equal(m.input.length, ids.length);
  assert.equal(m.labels.length, m.positions.length);
  m.positions.forEach((p, k) => {
    if (k > 0) assert.ok(p > m.positions[k - 1], `positions ascending and distinct: ${m.positions}`);
    assert.ok(!args.specialIds.has(ids[p]), `special id ${ids[p]} chosen at ${p}`);
    assert.equal(m.labels[k], ids[p], "labels are the original ids");
  });
  const chosen = new Set(m.positions);
  ids.forEach((id, i) => {
    if (!chosen.has(i)) assert.equal(m.input[i], id, `position ${i} was not chosen but changed`);
  });
}

test("15 % of text tokens are chosen; of those 80 % [MASK], 10 % random, 10 % unchanged", (t) => {
  const rng = new Rng(1);
  const seqs = corpus(1500, 128, 2);
  let text = 0;
  let chosen = 0;
  const kinds = { mask: 0, random: 0, same: 0 };
  const randomIds = new Set<number>();
  let early = 0;
  for (const ids of seqs) {
    const m = maskSequence(ids, rng, ARGS);
    checkShape(ids, m, ARGS);
    const candidates = ids.filter((id) => !SPECIALS.has(id)).length;
    assert.equal(m.positions.length, Math.max(1, Math.round(0.15 * candidates)), "per sequence, round(15 %) of the text tokens");
    text += candidates;
    chosen += m.positions.length;
    m.positions.forEach((p, k) => {
      if (m.input[p] === MASK) kinds.mask++;
      else if (m.input[p] === m.labels[k]) kinds.same++;
      else {
        kinds.random++;
        randomIds.add(m.input[p]);
      }
      if (p < ids.length / 2) early++;
    });
  }
  const rate = chosen / text;
  assert.ok(Math.abs(rate - 0.15) < 0.003, `chosen ${(100 * rate).toFixed(2)} % of ${text} text tokens`);
  const shares = `${kinds.mask} [MASK], ${kinds.random} random, ${kinds.same} unchanged of ${chosen}`;
  t.diagnostic(`chosen ${(100 * rate).toFixed(2)} % of ${text} text tokens; ${shares}`);
  // A random draw equal to the original counts as unchanged: 0.1 / 995 of the chosen, negligible here.
  assert.ok(zScore(kinds.mask, chosen, 0.8) < 4.5, shares);
  assert.ok(zScore(kinds.random, chosen, 0.1) < 4.5, shares);
  assert.ok(zScore(kinds.same, chosen, 0.1) < 4.5, shares);
  // Random replacements spread over the vocabulary: about as many distinct ids as uniform draws over the 995 text ids give.
  const expected = 995 * (1 - (1 - 1 / 995) ** kinds.random);
  assert.ok(randomIds.size > 0.95 * expected, `${randomIds.size} distinct random ids in ${kinds.random} draws, ${expected.toFixed(0)} expected`);
  // Chosen positions spread over the sequence, not clustered at its start or end (text is slightly denser late: pads are ≤ 9).
  assert.ok(Math.abs(early / chosen - 0.5) < 0.05, `${early} of ${chosen} chosen in the first half`);
});

test("specials are never chosen and never drawn as random replacements, even when they are a large part of the vocabulary", () => {
  // 12 ids, 6 of them special (one in the middle of the range): an unguarded draw would hit a special half the time.
  const specialIds = new Set([0, 1, 2, 3, 4, 8]);
  const args: MaskingArgs = { maskId: MASK, vocabSize: 12, specialIds, rate: 0.5 };
  const rng = new Rng(3);
  let random = 0;
  for (let s = 0; s < 400; s++) {
    const ids = [CLS, ...Array.from({ length: 30 }, () => [5, 6, 7, 9, 10, 11][rng.int(6)]), SEP, 8, 5, 6, SEP, PAD, PAD];
    const m = maskSequence(ids, rng, args);
    checkShape(ids, m, args);
    m.positions.forEach((p, k) => {
      if (m.input[p] !== MASK && m.input[p] !== m.labels[k]) {
        random++;
        assert.ok(!specialIds.has(m.input[p]), `drew special id ${m.input[p]} as a replacement`);
        assert.ok(m.input[p] >= 0 && m.input[p] < 12);
      }
    });
  }
  assert.ok(random > 500, `only ${random} random replacements to look at`);
  // Nothing to choose: a sequence of specials comes back unchanged with no predictions.
  const onlySpecials = [CLS, SEP, PAD, PAD];
  assert.deepEqual(maskSequence(onlySpecials, new Rng(0), ARGS), { input: onlySpecials, positions: [], labels: [] });
  // A single text token is still chosen (at least one prediction per sequence).
  assert.deepEqual(maskSequence([CLS, 77, SEP], new Rng(0), ARGS).positions, [1]);
});

test("maxPredictions caps the predictions per sequence; rate changes the share", () => {
  const rng = new Rng(4);
  for (const ids of corpus(200, 128, 5)) {
    const text = ids.filter((id) => !SPECIALS.has(id)).length;
    const capped = maskSequence(ids, rng, { ...ARGS, maxPredictions: 5 });
    checkShape(ids, capped, ARGS);
    assert.equal(capped.positions.length, Math.min(5, Math.max(1, Math.round(0.15 * text))));
    const half = maskSequence(ids, rng, { ...ARGS, rate: 0.5, maxPredictions: 1000 });
    assert.equal(half.positions.length, Math.max(1, Math.round(0.5 * text)));
  }
});

test("the same rng seed gives identical masks; another seed gives other ones", () => {
  const seqs = corpus(50, 128, 6);
  const run = (seed: number) => {
    const rng = Rng.derive(seed, "masks");
    return seqs.map((ids) => maskSequence(ids, rng, ARGS));
  };
  assert.deepEqual(run(7), run(7));
  const [a, b] = [run(7), run(8)];
  const samePositions = a.filter((m, i) => m.positions.join() === b[i].positions.join()).length;
  assert.ok(samePositions < 5, `${samePositions} of 50 sequences got the same positions under another seed`);
  assert.notDeepEqual(a.map((m) => m.input), b.map((m) => m.input));
  // The input ids are not modified.
  const ids = seqs[0].slice();
  maskSequence(ids, new Rng(1), ARGS);
  assert.deepEqual(ids, seqs[0]);
});
