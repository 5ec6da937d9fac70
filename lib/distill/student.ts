/**
 * DistilBERT's student initialisation (Sanh et al. 2019, §3): the student keeps the teacher's
 * widths and takes one teacher layer out of two, with the teacher's embeddings and heads, so it
 * starts close to the teacher instead of from scratch. Copying needs equal widths; a narrower
 * student starts fresh and learns through TinyBERT's projections instead.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../engine/rng";
import { EncoderConfig, makeConfig } from "../model/config";
import { EncoderModel, Task, initialValue, parameterSpec } from "../model/encoder";

export interface StudentArgs {
  /** Teacher layers (0-based) copied, in this order, into student layers 0, 1, …. Default: every other one, 0, 2, 4, … (DistilBERT). */
  layers?: number[];
  /** Task head of the student. Default: the teacher's; a head the teacher lacks is freshly initialised. */
  task?: Task;
  /** Config fields to change (dropout, labels, …); widths and vocabulary must stay the teacher's. Layer count comes from `layers`. */
  config?: Partial<EncoderConfig>;
  /** Seed for the parameters not copied. Default 0. */
  seed?: number;
}

export interface Student {
  model: EncoderModel;
  /** Student parameters that were not copied from the teacher (freshly initialised). */
  initialized: string[];
}

/** DistilBERT's choice: teacher layers 0, 2, 4, … (⌈L / 2⌉ of them). */
export function everyOtherLayer(teacherLayers: number): number[] {
  return Array.from({ length: Math.ceil(teacherLayers / 2) }, (_, i) => 2 * i);
}

/** Fields whose change would make a copied weight the wrong shape or meaning. */
const SHARED: (keyof EncoderConfig)[] = ["model_type", "vocab_size", "hidden_size", "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size", "hidden_act"];

/** A student whose layer i is a copy of teacher layer `layers[i]`, and whose embeddings and head are the teacher's. */
export function initStudent(teacher: EncoderModel, args: StudentArgs = {}): Student {
  const Lt = teacher.config.num_hidden_layers;
  const layers = args.layers ?? everyOtherLayer(Lt);
  if (layers.length === 0) throw new Error("initStudent: the student needs at least one layer");
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= Lt) throw new Error(`initStudent: teacher layer ${l} does not exist (the teacher has layers 0..${Lt - 1})`);
  }
  const requested = args.config?.num_hidden_layers;
  if (requested !== undefined && requested !== layers.length) {
    throw new Error(`initStudent: config asks for ${requested} layers but ${layers.length} teacher layers were chosen (${layers}); the layer count comes from \`layers\``);
  }
  const config = makeConfig({ ...teacher.config, ...args.config, num_hidden_layers: layers.length }, "student config");
  for (const key of SHARED) {
    if (config[key] !== teacher.config[key]) {
      throw new Error(`initStudent: student ${key} ${config[key]} differs from the teacher's ${teacher.config[key]}; copying teacher weights needs the same widths (distil a narrower student with TinyBERT's projections instead)`);
    }
  }
  const task = args.task ?? teacher.task;
  const layerPrefix = `${teacher.prefix}encoder.layer.`;
  const rng = Rng.derive(args.seed ?? 0, "init");
  const params = new Map<string, tf.Variable>();
  const initialized: string[] = [];
  for (const [name, [shape, init]] of parameterSpec(config, task)) {
    // Student layer i's parameters come from teacher layer layers[i]; everything else keeps its name.
    const source = name.startsWith(layerPrefix) ? name.replace(/^(.*?encoder\.layer\.)(\d+)\./, (_, p: string, i: string) => `${p}${layers[Number(i)]}.`) : name;
    const from = teacher.params.get(source);
    if (from && from.shape.join() !== shape.join()) throw new Error(`initStudent: teacher ${source} has shape [${from.shape}], the student's ${name} needs [${shape}]`);
    if (!from) initialized.push(name);
    const value = from ? tf.clone(from) : initialValue(name, shape, init, config, rng);
    params.set(name, tf.variable(value, true));
    value.dispose();
  }
  return { model: new EncoderModel(config, task, params), initialized };
}
