/**
 * The committed tokenizers (models/tokenizers/, written by `npm run pretrain`): how much XNLI dev
 * text falls to the unknown token, per language, and — where a Python with `transformers` is
 * available — whether `transformers.AutoTokenizer` reads the folders to the same ids as we do.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { XNLI_LANGUAGES, XnliLanguage, readXnli } from "../../lib/data/xnli";
import { TextTokenizer } from "../../lib/tokenize/tokenizer";

const ROOT = path.join(__dirname, "..", "..");
const SHIPPED = {
  "en-wordpiece": { kind: "wordpiece", languages: ["en"] as XnliLanguage[] },
  "xx-byte-bpe": { kind: "byte-bpe", languages: [...XNLI_LANGUAGES] },
} as const;
type Name = keyof typeof SHIPPED;
const NAMES = Object.keys(SHIPPED) as Name[];
const ROWS = 400;
const MAX_UNKNOWN = 0.01;

const dirOf = (name: Name) => path.join(ROOT, "models", "tokenizers", name);

/** The shipped tokenizer, or a failure that says how to make it. */
async function shipped(name: Name): Promise<TextTokenizer> {
  const file = path.join(dirOf(name), "tokenizer.json");
  if (!fs.existsSync(file)) assert.fail(`${path.relative(ROOT, file)} is missing: run \`npm run pretrain\`, which trains the tokenizers in models/tokenizers/ before the models`);
  return TextTokenizer.load(dirOf(name));
}

/** Premises and hypotheses of the first XNLI dev rows of a language. */
const xnliTexts = (lang: XnliLanguage) => readXnli(lang, "dev").slice(0, ROWS).flatMap((r) => [r.premise, r.hypothesis]);

/** Unknown tokens, all tokens and characters of a language's XNLI dev text. */
function unknownRate(tok: TextTokenizer, lang: XnliLanguage): { rate: number; unknown: number; tokens: number; chars: number } {
  let [tokens, unknown, chars] = [0, 0, 0];
  for (const text of xnliTexts(lang)) {
    const ids = tok.encodePlain(text);
    tokens += ids.length;
    unknown += ids.filter((id) => id === tok.unkId).length;
    chars += [...text].length;
  }
  return { rate: unknown / tokens, unknown, tokens, chars };
}

for (const name of NAMES) {
  test(`${name}: under ${100 * MAX_UNKNOWN} % unknown tokens on XNLI dev in ${SHIPPED[name].languages.join(" ")}`, async (t) => {
    const tok = await shipped(name);
    const config = JSON.parse(fs.readFileSync(path.join(dirOf(name), "tokenizer_config.json"), "utf8"));
    assert.equal(config.tokenizer_class, SHIPPED[name].kind === "wordpiece" ? "BertTokenizer" : "RobertaTokenizer");
    assert.deepEqual([...tok.specialIds].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
    const rates: string[] = [];
    const failures: string[] = [];
    for (const lang of SHIPPED[name].languages) {
      const { rate, unknown, tokens, chars } = unknownRate(tok, lang);
      assert.ok(tokens > 5 * ROWS, `${lang}: only ${tokens} tokens`);
      rates.push(`${lang} ${(100 * rate).toFixed(3)} % (${unknown}/${tokens}; ${(tokens / chars).toFixed(2)} tokens/char)`);
      if (!(rate < MAX_UNKNOWN)) failures.push(`${lang} ${(100 * rate).toFixed(2)} %`);
    }
    t.diagnostic(`${name} (${tok.vocabSize} tokens), unknown-token rate on ${ROWS} XNLI dev rows: ${rates.join(", ")}`);
    assert.deepEqual(failures, [], `${name}: unknown-token rate at or above ${100 * MAX_UNKNOWN} %`);
    if (SHIPPED[name].kind === "wordpiece") {
      // A control: the measure does see unknowns — an English vocabulary has no Thai or Chinese.
      const control = (["th", "zh"] as const).map((lang) => unknownRate(tok, lang).rate);
      t.diagnostic(`control, ${name} on th and zh: ${control.map((r) => (100 * r).toFixed(1) + " %").join(", ")}`);
      assert.ok(control.every((r) => r > 0.3), `unknown-token rates on th, zh: ${control}`);
    }
    if (SHIPPED[name].kind === "byte-bpe") {
      // Byte-level: the text comes back exactly (in NFC), in every language.
      for (const lang of SHIPPED[name].languages) {
        for (const text of xnliTexts(lang).slice(0, 40)) assert.equal(tok.decode(tok.encodePlain(text)), text.normalize("NFC"), `${lang}: ${text}`);
      }
    }
  });
}

// ---------------------------------------------------------------- the same ids in transformers

const GET_PYTHON = "python3 -m venv .venv && .venv/bin/pip install transformers tokenizers";

/**
 * A Python that imports `transformers`: $THIEVES_PYTHON (which must work if set), else
 * .venv/bin/python, else python3 — as test/model/hf-interop.test.ts looks for it; or why there is none.
 */
function findPython(): { python: string } | { problem: string; explicit: boolean } {
  const explicit = process.env.THIEVES_PYTHON;
  const candidates = explicit ? [explicit] : [path.join(ROOT, ".venv", "bin", "python"), "python3"].filter((p) => p === "python3" || fs.existsSync(p));
  const problems: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import transformers"], { encoding: "utf8" });
    if (probe.status === 0) return { python };
    problems.push(`${python} cannot import transformers (${probe.error ? probe.error.message : probe.stderr.trim().split("\n").pop()})`);
  }
  return { problem: (explicit ? [] : ["THIEVES_PYTHON is not set"]).concat(problems).join("; "), explicit: Boolean(explicit) };
}

/** Reads {dirs, cases} on stdin; prints, per folder, the ids transformers makes of each case. */
const HF_ENCODE = `
import json, sys
from transformers import AutoTokenizer
job = json.load(sys.stdin)
out = {}
for d in job["dirs"]:
    tok = AutoTokenizer.from_pretrained(d)
    rows = []
    for a, b, max_length in job["cases"]:
        kw = {"truncation": "longest_first", "max_length": max_length} if max_length else {}
        enc = tok(a, b, **kw) if b is not None else tok(a, **kw)
        rows.append({"ids": enc["input_ids"], "typeIds": enc.get("token_type_ids")})
    out[d] = {"class": type(tok).__name__, "fast": bool(getattr(tok, "is_fast", False)), "rows": rows}
print(json.dumps(out))
`;

test("transformers' AutoTokenizer reads the shipped folders to the same ids (and token types) as we do", async (t) => {
  const found = findPython();
  if ("problem" in found) {
    const why = `this test needs a Python with transformers: ${found.problem}. Create one with \`${GET_PYTHON}\` or point THIEVES_PYTHON at one`;
    if (found.explicit || (process.env.CI === "true" && process.env.THIEVES_SKIP_PYTHON_INTEROP !== "1")) assert.fail(why);
    t.skip(`${why} (skipped outside CI; CI=true makes it a failure)`);
    return;
  }
  const toks = await Promise.all(NAMES.map(shipped));
  const en = readXnli("en", "dev").slice(0, 4);
  const zh = readXnli("zh", "dev").slice(0, 2);
  const ar = readXnli("ar", "dev").slice(0, 2);
  const cases: [string, string | null, number | null][] = [
    ["The quick brown fox jumps over the lazy dog.", null, null],
    ["Unbelievably, photosynthesis works—even at night?", "No, it doesn't.", null],
    ...en.map((r): [string, string, null] => [r.premise, r.hypothesis, null]),
    ...[...zh, ...ar].map((r): [string, string, null] => [r.premise, r.hypothesis, null]),
    // Truncated pairs: longest first, the odd token to the longer text (or to B on a tie).
    ["one two three four five six seven eight", "nine ten eleven twelve thirteen", 11],
    ["nine ten eleven twelve thirteen", "one two three four five six seven eight", 11],
    ["one two three four five six seven eight", "nine ten eleven twelve thirteen", 12],
    ...en.flatMap((r): [string, string, number][] => [[r.premise, r.hypothesis, 24], [r.premise, r.hypothesis, 25], [r.hypothesis, r.premise, 25]]),
    [en[1].premise, en[1].hypothesis, 512],
    ["emoji 😀 and 龘", null, null],
  ];
  const dirs = NAMES.map(dirOf);
  const r = spawnSync(found.python, ["-c", HF_ENCODE], { input: JSON.stringify({ dirs, cases }), encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `transformers failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as Record<string, { class: string; fast: boolean; rows: { ids: number[]; typeIds: number[] | null }[] }>;
  NAMES.forEach((name, k) => {
    const theirs = out[dirs[k]];
    const family = SHIPPED[name].kind === "wordpiece" ? "Bert" : "Roberta";
    assert.match(theirs.class, new RegExp(`^${family}Tokenizer(Fast)?$`), `${name}: the class transformers picked`);
    assert.ok(theirs.fast, `${name}: transformers did not load tokenizer.json (a fast tokenizer)`);
    cases.forEach(([a, b, maxLength], i) => {
      const ours = toks[k].encode(a, b ?? undefined, maxLength ? { maxLength } : {});
      assert.deepEqual(ours.ids, theirs.rows[i].ids, `${name}, case ${i} (${a} | ${b}): ids`);
      if (toks[k].usesTokenTypes) assert.deepEqual(ours.typeIds, theirs.rows[i].typeIds, `${name}, case ${i}: token types`);
    });
  });
  t.diagnostic(`${cases.length} cases × ${NAMES.length} tokenizers agree with ${found.python}`);
});
