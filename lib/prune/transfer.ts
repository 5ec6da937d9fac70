/**
 * A ticket found with one head carried to a model with another head of the same encoder (Chen et
 * al. 2020 §5, "transfer"): the MLM ticket on a classifier, say. The encoder's masks carry over
 * by name; prunable weights the source model did not have (the pooler, which masked-lm and
 * question-answering models lack) are left dense, and named, so the caller can report it.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { readSafetensors } from "../model/safetensors";
import { Masks, prunableParameters } from "./masks";

const SUFFIX = ".mask";

export interface TransferredMasks {
  /** One 0/1 mask per prunable weight of the target model. */
  masks: Masks;
  /** Target weights the file had no mask for, kept dense (all ones). */
  filledDense: string[];
}

/** The masks in `file` (a masks.safetensors of any model of this encoder) for `model`'s prunable weights. */
export function transferMasks(file: string, model: EncoderModel): TransferredMasks {
  const stored = readSafetensors(file).tensors;
  const prunable = prunableParameters(model);
  for (const [entry, value] of stored) {
    if (!entry.endsWith(SUFFIX)) throw new Error(`${file}: entry ${entry} is not a "<weight>${SUFFIX}" entry; this is not a masks file`);
    const w = prunable.get(entry.slice(0, -SUFFIX.length));
    if (!w) throw new Error(`${file}: entry ${entry} names no prunable weight of this ${model.config.model_type} ${model.task} model; the ticket belongs to another encoder`);
    if (w.shape.join() !== value.shape.join()) throw new Error(`${file}: entry ${entry} has shape [${value.shape}] but the weight has [${w.shape}]; the ticket belongs to another encoder`);
    const bad = value.data.findIndex((x) => x !== 0 && x !== 1);
    if (bad >= 0) throw new Error(`${file}: entry ${entry} holds ${value.data[bad]} at index ${bad}; a mask holds only 0 and 1`);
  }
  const filledDense: string[] = [];
  const masks: Masks = new Map([...prunable].map(([name, w]) => {
    const value = stored.get(name + SUFFIX);
    if (!value) {
      filledDense.push(name);
      return [name, tf.onesLike(w)];
    }
    return [name, tf.tensor(value.data, value.shape, "float32")];
  }));
  return { masks, filledDense };
}
