/**
 * The multilingual pretraining corpus (datasets/multilingual/{lang}.txt.gz): unlabelled text in the
 * 15 XNLI languages, one sentence or short paragraph per line, deduplicated and shuffled (any
 * prefix is a fair sample). It holds no XNLI or MNLI text; it does hold XQuAD, i.e. SQuAD v1.1 dev
 * paragraphs and questions and their translations (see `dropSquadDev` in squad.ts).
 */
import { readDatasetText, splitLines } from "./text";
import { XNLI_LANGUAGES, XnliLanguage } from "./xnli";

/** The corpus covers exactly the XNLI languages. */
export const MULTILINGUAL_LANGUAGES = XNLI_LANGUAGES;

export type MultilingualLanguage = XnliLanguage;

/** The lines of one language's corpus (8,026 for ur to 90,264 for es), checksum-verified. */
export function readMultilingual(lang: MultilingualLanguage): string[] {
  if (!MULTILINGUAL_LANGUAGES.includes(lang)) throw new Error(`no multilingual corpus for "${lang}"; the languages are ${MULTILINGUAL_LANGUAGES.join(" ")}`);
  return splitLines(readDatasetText(`multilingual/${lang}.txt.gz`).text);
}
