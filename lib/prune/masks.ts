/**
 * Pruning masks as data: a 0/1 float32 tensor per prunable weight matrix, same shape as the
 * weight ([out, in]), keyed by the weight's Hugging Face name. 0 = pruned, 1 = kept.
 *
 * The prunable set is the one of BERT-Tickets (Chen et al. 2020, "The Lottery Ticket Hypothesis
 * for Pre-trained BERT Networks", arXiv:2007.12223): every layer's query, key, value, attention
 * output, intermediate and output dense matrices, and the pooler's dense matrix. Embeddings,
 * LayerNorms, biases and the task head stay dense, so a mask transfers between tasks.
 */
import * as tf from "@tensorflow/tfjs";
import { EncoderModel } from "../model/encoder";

/** 0/1 float32 tensors [out, in] by weight name; the caller owns (and disposes) them. */
export type Masks = Map<string, tf.Tensor>;

/** Which matrix of a layer a prunable weight is. */
export type MatrixType = "query" | "key" | "value" | "attention.output" | "intermediate" | "output" | "pooler";

export interface MatrixRole {
  /** Encoder layer index, or "pooler". */
  layer: number | "pooler";
  type: MatrixType;
}

const LAYER_WEIGHT = /^(?:bert|roberta)\.encoder\.layer\.(\d+)\.(attention\.self\.query|attention\.self\.key|attention\.self\.value|attention\.output\.dense|intermediate\.dense|output\.dense)\.weight$/;
const POOLER_WEIGHT = /^(?:bert|roberta)\.pooler\.dense\.weight$/;
const TYPE_OF: Record<string, MatrixType> = {
  "attention.self.query": "query",
  "attention.self.key": "key",
  "attention.self.value": "value",
  "attention.output.dense": "attention.output",
  "intermediate.dense": "intermediate",
  "output.dense": "output",
};

/** The layer and matrix type of a prunable weight name; undefined for everything never pruned. */
export function matrixRole(name: string): MatrixRole | undefined {
  const m = LAYER_WEIGHT.exec(name);
  if (m) return { layer: Number(m[1]), type: TYPE_OF[m[2]] };
  return POOLER_WEIGHT.test(name) ? { layer: "pooler", type: "pooler" } : undefined;
}

/** The prunable weights of `model` (the one place that decides), in the model's parameter order. */
export function prunableParameters(model: EncoderModel): Map<string, tf.Variable> {
  return new Map([...model.params].filter(([name]) => matrixRole(name) !== undefined));
}

/** All-ones masks over the prunable weights: the dense model (IMP's round 0). */
export function denseMasks(model: EncoderModel): Masks {
  return new Map([...prunableParameters(model)].map(([name, w]) => [name, tf.onesLike(w)]));
}

/** Throws unless every mask names a parameter of `params` with the mask's shape. */
export function checkMasks(params: Map<string, tf.Tensor>, masks: Masks): void {
  for (const [name, mask] of masks) {
    const p = params.get(name);
    if (!p) throw new Error(`mask for ${name}: the model has no such parameter`);
    if (p.shape.join() !== mask.shape.join()) throw new Error(`mask for ${name} has shape [${mask.shape}], the parameter [${p.shape}]`);
  }
}

/** Zeroes the masked entries of the parameters in place (w ← w ⊙ m). */
export function applyMasks(params: Map<string, tf.Variable>, masks: Masks): void {
  checkMasks(params, masks);
  tf.tidy(() => {
    for (const [name, mask] of masks) {
      const p = params.get(name)!;
      p.assign(tf.mul(p, mask));
    }
  });
}

export function disposeMasks(masks: Masks): void {
  for (const m of masks.values()) m.dispose();
  masks.clear();
}
