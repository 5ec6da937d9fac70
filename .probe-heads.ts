import * as tf from "@tensorflow/tfjs";
import { makeConfig } from "./lib/model/config";
import { EncoderModel, Task } from "./lib/model/encoder";
import { crossEntropy, spanLoss } from "./lib/train/losses";
import { Dropout } from "./lib/engine/dropout";
import { Rng } from "./lib/engine/rng";
import { registerWasmTrainingKernels } from "./lib/engine/wasm-kernels";
require("@tensorflow/tfjs-backend-wasm");
registerWasmTrainingKernels();
async function run(bk: string, type: "bert" | "roberta", task: Task) {
  await tf.setBackend(bk);
  const cfg = makeConfig({ model_type: type, vocab_size: 12, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 32, id2label: { "0": "a", "1": "b" }, label2id: { a: 0, b: 1 }, ...(type === "roberta" ? { pad_token_id: 1 } : {}) } as never);
  const m = EncoderModel.create(cfg, task, 3);
  const ids = tf.tensor2d([[2, 5, 6, 7, 3], [2, 8, 3, 1, 1]], [2, 5], "int32");
  const mask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], [2, 5], "int32");
  const { value, grads } = tf.variableGrads(() => {
    const out = m.forward({ inputIds: ids, attentionMask: mask, mlmPositions: task === "masked-lm" ? tf.tensor2d([[1, 2], [1, 0]], [2, 2], "int32") : undefined }, { dropout: new Dropout(new Rng(1)), outputAttentions: true, outputHiddenStates: true });
    let loss: tf.Scalar;
    if (task === "question-answering") loss = spanLoss(out.startLogits!, out.endLogits!, tf.tensor1d([1, 2], "int32"), tf.tensor1d([3, 2], "int32"));
    else if (task === "base") loss = tf.add(tf.mean(tf.square(out.lastHidden)), tf.mean(tf.squaredDifference(out.attentions![0], out.attentions![1]))) as tf.Scalar;
    else loss = crossEntropy(out.logits!, task === "masked-lm" ? tf.tensor2d([[5, -100], [8, 2]], [2, 2], "int32") : tf.tensor1d([0, 1], "int32"));
    return loss;
  }, m.variables());
  const g: Record<string, number[]> = {};
  [...m.params].forEach(([n, v]) => { g[n] = Array.from(grads[v.name].dataSync()); });
  return { loss: value.dataSync()[0], g };
}
(async () => {
  for (const type of ["bert", "roberta"] as const) for (const task of ["base", "sequence-classification", "question-answering", "masked-lm"] as Task[]) {
    try {
      const a = await run("wasm", type, task), b = await run("cpu", type, task);
      let m = 0; for (const k in b.g) b.g[k].forEach((v, i) => { m = Math.max(m, Math.abs(v - a.g[k][i]) / (1e-3 + Math.abs(v))); });
      console.log(type, task, a.loss, b.loss, "max rel grad diff", m.toExponential(2), Object.keys(a.g).length);
    } catch (e) { console.log("FAIL", type, task, (e as Error).stack?.split("\n").slice(0,4).join(" | ")); }
  }
})();
