/**
 * Pretraining sequences: a corpus's lines tokenised and concatenated into one stream, cut into
 * full-length chunks, each wrapped in the tokenizer's special tokens ([CLS] … [SEP] or <s> … </s>).
 * Full chunks waste no compute on padding (RoBERTa's FULL-SENTENCES packing, without the NSP task).
 */
import { TextTokenizer } from "../tokenize/tokenizer";

export interface PackArgs {
  /** Sequence length including special tokens. */
  seqLen: number;
  /** Stop after this many sequences (tiny runs). Default: the whole corpus. */
  maxSequences?: number;
}

/** Packs `lines` into sequences of exactly `seqLen` ids (the last, shorter chunk is kept if it is at least half full). */
export function packSequences(lines: Iterable<string>, tokenizer: TextTokenizer, args: PackArgs): number[][] {
  const sample = tokenizer.assemble([], undefined, { maxLength: args.seqLen + 1 }).ids; // the specials alone
  const room = args.seqLen - sample.length;
  if (room <= 0) throw new Error(`seqLen ${args.seqLen} leaves no room for text beside ${sample.length} special tokens`);
  const out: number[][] = [];
  let buffer: number[] = [];
  const limit = args.maxSequences ?? Infinity;
  for (const line of lines) {
    if (out.length >= limit) break;
    buffer.push(...tokenizer.encodePlain(line));
    while (buffer.length >= room && out.length < limit) {
      out.push(tokenizer.assemble(buffer.slice(0, room), undefined, { maxLength: args.seqLen }).ids);
      buffer = buffer.slice(room);
    }
  }
  if (out.length < limit && buffer.length >= room / 2) out.push(tokenizer.assemble(buffer, undefined, { maxLength: args.seqLen }).ids);
  return out;
}
