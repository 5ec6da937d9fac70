/**
 * Masks on disk: a safetensors file beside the checkpoint (`masks.safetensors`) with one
 * `<weight name>.mask` entry per prunable matrix, stored as float16 (0 and 1 are exact; half the
 * bytes of float32). A separate file, so the checkpoint itself stays a plain Hugging Face one.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";
import { NamedArray, readSafetensors, writeSafetensors } from "../model/safetensors";
import { Masks, prunableParameters } from "./masks";

export const MASKS_FILE = "masks.safetensors";
const SUFFIX = ".mask";

/** Writes `masks` to `file` atomically. */
export function saveMasks(file: string, masks: Masks, metadata: Record<string, string> = {}): void {
  const tensors = new Map<string, NamedArray>();
  for (const [name, m] of masks) tensors.set(name + SUFFIX, { dtype: "float16", shape: m.shape, data: m.dataSync() as Float32Array });
  writeSafetensors(file, tensors, metadata);
}

/**
 * The masks in `file` for `model`: one per prunable weight, no more, no less, each of its weight's
 * shape and holding only 0 and 1. Checks everything before allocating a tensor.
 */
export function loadMasks(file: string, model: EncoderModel): Masks {
  const stored = readSafetensors(file).tensors;
  const prunable = prunableParameters(model);
  for (const [entry, value] of stored) {
    if (!entry.endsWith(SUFFIX)) throw new Error(`${file}: entry ${entry} is not a "<weight>${SUFFIX}" entry; this is not a masks file`);
    const w = prunable.get(entry.slice(0, -SUFFIX.length));
    if (!w) throw new Error(`${file}: entry ${entry} names no prunable weight of this ${model.config.model_type} ${model.task} model; the masks belong to another model`);
    if (w.shape.join() !== value.shape.join()) throw new Error(`${file}: entry ${entry} has shape [${value.shape}] but the weight has [${w.shape}]; the masks belong to another model`);
    const bad = value.data.findIndex((x) => x !== 0 && x !== 1);
    if (bad >= 0) throw new Error(`${file}: entry ${entry} holds ${value.data[bad]} at index ${bad}; a mask holds only 0 and 1`);
  }
  for (const name of prunable.keys()) {
    if (!stored.has(name + SUFFIX)) throw new Error(`${file}: entry ${name}${SUFFIX} is missing; every prunable weight needs a mask`);
  }
  return new Map([...prunable.keys()].map((name) => {
    const { shape, data } = stored.get(name + SUFFIX)!;
    return [name, tf.tensor(data, shape, "float32")];
  }));
}
