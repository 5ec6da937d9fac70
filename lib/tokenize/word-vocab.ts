/**
 * A word-level vocabulary (lower-cased, split on spaces and punctuation) with BERT's special
 * tokens. Enough for the quickstart; real experiments use the trained WordPiece / unigram
 * tokenizers.
 */
export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

export class WordVocab {
  private readonly index: Map<string, number>;

  constructor(readonly tokens: string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** The `maxSize` most frequent words of `texts` (ties broken alphabetically) after the special tokens. */
  static build(texts: Iterable<string>, maxSize: number): WordVocab {
    const counts = new Map<string, number>();
    for (const text of texts) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
    return new WordVocab([...SPECIAL_TOKENS, ...ranked.slice(0, Math.max(0, maxSize - SPECIAL_TOKENS.length))]);
  }

  get size(): number {
    return this.tokens.length;
  }

  id(token: string): number {
    return this.index.get(token) ?? 1;
  }

  /** [CLS] words… [SEP], truncated to `maxLength` tokens in all. */
  encode(text: string, maxLength = 128): number[] {
    const ids = words(text).slice(0, maxLength - 2).map((w) => this.id(w));
    return [this.id("[CLS]"), ...ids, this.id("[SEP]")];
  }
}
