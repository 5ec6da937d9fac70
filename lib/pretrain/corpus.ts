/**
 * Pretraining text per family, with its held-out part. English: WikiText-2 train (headings
 * dropped), held out on WikiText-2 valid. Multilingual: the 15-language corpus (no XNLI or MNLI
 * text by construction, tested in test/data/overlap.test.ts), SQuAD v1.1 dev paragraphs and
 * questions removed from the English part, and the last 2 % of each language's (shuffled) lines
 * held out.
 */
import { dropSquadDev } from "../data/squad";
import { MULTILINGUAL_LANGUAGES, readMultilingual } from "../data/multilingual";
import { readWikitext2 } from "../data/wikitext";
import { Family } from "./miniatures";

export interface CorpusPart {
  /** "en" for WikiText-2, else the language code. */
  language: string;
  train: string[];
  heldOut: string[];
}

export const HELD_OUT_FRACTION = 0.02;

/** The pretraining corpus of a family, one part per language. */
export function pretrainingCorpus(family: Family): CorpusPart[] {
  if (family === "en") {
    return [{ language: "en", train: readWikitext2("train", { dropHeadings: true }), heldOut: readWikitext2("valid", { dropHeadings: true }) }];
  }
  return MULTILINGUAL_LANGUAGES.map((language) => {
    const raw = readMultilingual(language);
    const lines = language === "en" ? dropSquadDev(raw) : raw;
    const held = Math.max(100, Math.round(lines.length * HELD_OUT_FRACTION));
    return { language, train: lines.slice(0, lines.length - held), heldOut: lines.slice(lines.length - held) };
  });
}
