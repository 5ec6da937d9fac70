/**
 * Loading a tokenizer folder (tokenizer.json + tokenizer_config.json, as `transformers` saves it)
 * through transformers.js (`@huggingface/transformers`, the maintained successor of
 * `@xenova/transformers`) with remote loading off, and encoding text for the encoder: ids, token
 * types for BERT pairs, truncation. The same code loads a Hub tokenizer folder (bert-base-uncased,
 * xlm-roberta-base) copied to disk.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The slice of transformers.js' PreTrainedTokenizer used here. */
interface HfTokenizer {
  _call(text: string, options: { text_pair?: string | null; add_special_tokens?: boolean; truncation?: boolean; max_length?: number; return_tensor: false; return_token_type_ids?: boolean }): {
    input_ids: number[];
    token_type_ids?: number[];
  };
  tokenize(text: string, options?: { pair?: string | null; add_special_tokens?: boolean }): string[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  convert_tokens_to_ids(token: string): number;
  pad_token_id: number;
  mask_token_id: number;
  unk_token_id: number;
  all_special_ids: number[];
}

export interface Encoded {
  ids: number[];
  /** Segment ids, for tokenizers that make them (BERT); absent otherwise. */
  typeIds?: number[];
}

export interface EncodeOptions {
  /** Longest result in tokens, special tokens included; longer inputs are cut (the longer of a pair first). Default: the tokenizer's model_max_length, at most 512. */
  maxLength?: number;
}

const REQUIRED_FILES = ["tokenizer.json", "tokenizer_config.json"];

let transformersModule: any;
function transformers(): any {
  if (!transformersModule) {
    transformersModule = require("@huggingface/transformers");
    const env = transformersModule.env;
    env.allowRemoteModels = false; // never reach for the Hub: folders are on disk
    env.allowLocalModels = true;
    env.localModelPath = "/";
  }
  return transformersModule;
}

export class TextTokenizer {
  /** Whether encodings carry token type ids (BERT) or not (RoBERTa / XLM-R). */
  readonly usesTokenTypes: boolean;
  readonly vocabSize: number;
  readonly padId: number;
  readonly maskId: number;
  readonly unkId: number;
  /** Ids of every special token ([CLS], </s>, …): never masked, never counted as text. */
  readonly specialIds: ReadonlySet<number>;
  readonly modelMaxLength: number;

  private constructor(readonly dir: string, private readonly hf: HfTokenizer, config: Record<string, unknown>) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
    this.usesTokenTypes = json.model?.type === "WordPiece" || String(config.tokenizer_class ?? "").startsWith("Bert");
    const vocab = hf.get_vocab();
    this.vocabSize = vocab instanceof Map ? vocab.size : Object.keys(vocab).length;
    this.padId = hf.pad_token_id;
    this.maskId = hf.mask_token_id;
    this.unkId = hf.unk_token_id;
    this.specialIds = new Set(hf.all_special_ids);
    this.modelMaxLength = Math.min(Number(config.model_max_length ?? 512), 512);
    if (this.padId === undefined || this.maskId === undefined) throw new Error(`${dir}: the tokenizer has no pad or mask token; an encoder tokenizer needs both`);
  }

  /** Loads the tokenizer in `dir` (absolute or relative to the working directory), offline. */
  static async load(dir: string): Promise<TextTokenizer> {
    const abs = path.resolve(dir);
    for (const file of REQUIRED_FILES) {
      if (!fs.existsSync(path.join(abs, file))) throw new Error(`${abs}: no ${file}; a tokenizer folder holds ${REQUIRED_FILES.join(" and ")} (make one with trainTokenizer or \`npm run pretrain\`)`);
    }
    const config = JSON.parse(fs.readFileSync(path.join(abs, "tokenizer_config.json"), "utf8"));
    const hf = (await transformers().AutoTokenizer.from_pretrained(abs, { local_files_only: true })) as HfTokenizer;
    return new TextTokenizer(abs, hf, config);
  }

  /** Ids (with special tokens) of a text or a pair; BERT pairs also get token types. */
  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoded {
    return this.assemble(this.encodePlain(text), pair === undefined ? undefined : this.encodePlain(pair), options);
  }

  /** Ids of a text without special tokens (for packing pretraining text). */
  encodePlain(text: string): number[] {
    return this.hf._call(text, { add_special_tokens: false, return_tensor: false }).input_ids;
  }

  /**
   * Special tokens around plain ids, after cutting the longer of the pair until the whole fits,
   * as Hugging Face's Rust tokenizers (the fast tokenizers of `transformers`) do "longest_first":
   * if the shorter fits in half the room only the longer is cut, else both get half the room, the
   * odd token going to the longer (to B on a tie). transformers.js drops the pair instead.
   */
  assemble(a: number[], b: number[] | undefined, options: EncodeOptions = {}): Encoded {
    const maxLength = options.maxLength ?? this.modelMaxLength;
    const t = this.templates;
    const specials = b === undefined ? t.open.length + t.close.length : t.open.length + t.middle.length + t.close.length;
    if (maxLength <= specials) throw new Error(`maxLength ${maxLength} leaves no room for text beside ${specials} special tokens`);
    const room = maxLength - specials;
    let [la, lb] = [a.length, b?.length ?? 0];
    if (la + lb > room) {
      const half = Math.floor(room / 2);
      if (b === undefined) la = room;
      else if (Math.min(la, lb) > half) [la, lb] = la > lb ? [room - half, half] : [half, room - half];
      else if (la > lb) la = room - lb;
      else lb = room - la;
    }
    if (b === undefined) {
      const ids = [...t.open, ...a.slice(0, la), ...t.close];
      return this.usesTokenTypes ? { ids, typeIds: new Array(ids.length).fill(0) } : { ids };
    }
    const first = [...t.open, ...a.slice(0, la), ...t.middle];
    const second = [...b.slice(0, lb), ...t.close];
    const ids = [...first, ...second];
    return this.usesTokenTypes ? { ids, typeIds: [...new Array(first.length).fill(0), ...new Array(second.length).fill(1)] } : { ids };
  }

  /** The special tokens the tokenizer's own template puts around one text (open … close) and between a pair (… middle …). */
  private get templates(): { open: number[]; middle: number[]; close: number[] } {
    if (!this.cachedTemplates) {
      const a = this.encodePlain("a");
      const b = this.encodePlain("b");
      const single = this.hf._call("a", { add_special_tokens: true, return_tensor: false }).input_ids;
      const pair = this.hf._call("a", { text_pair: "b", add_special_tokens: true, return_tensor: false }).input_ids;
      const at = (ids: number[], part: number[], from = 0) => {
        for (let i = from; i + part.length <= ids.length; i++) if (part.every((id, j) => ids[i + j] === id)) return i;
        throw new Error(`${this.dir}: cannot find the text inside the tokenizer's template output ${JSON.stringify(ids)}`);
      };
      const sa = at(single, a);
      const pa = at(pair, a);
      const pb = at(pair, b, pa + a.length);
      this.cachedTemplates = { open: single.slice(0, sa), close: single.slice(sa + a.length), middle: pair.slice(pa + a.length, pb) };
    }
    return this.cachedTemplates;
  }
  private cachedTemplates?: { open: number[]; middle: number[]; close: number[] };

  tokenize(text: string): string[] {
    return this.hf.tokenize(text);
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    return this.hf.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }
}
