/**
 * The two controls of a lottery ticket (Chen et al. 2020, Table 2), each fine-tuned the way the
 * ticket was:
 *   random pruning — θ0 with a random mask of the ticket's per-matrix sparsities (m_RP ⊙ θ0):
 *     does the ticket's *mask* matter?
 *   random re-initialisation — the ticket's mask on freshly initialised weights (m_IMP ⊙ θ'):
 *     do the *pre-trained weights* matter?
 * The third column, the dense model, is IMP's round 0. Each writes `<outDir>/{masks.safetensors,
 * metrics.json, train/}`; a finished one is read back, an unfinished one resumes its fine-tuning.
 */
import * as path from "node:path";
import { EncoderModel } from "../model/encoder";
import { MASKS_FILE, loadMasks, saveMasks } from "./mask-file";
import { PruningHooks, RunRecord, maskedFineTune, readRecord, writeRecord } from "./masked-run";
import { Masks, applyMasks, disposeMasks } from "./masks";
import { randomPruneLike } from "./prune";

export type BaselineKind = "random-pruning" | "random-reinit";

export interface BaselineArgs {
  /** masks.safetensors, metrics.json and train/ go here. */
  outDir: string;
  /** Seed of the random mask (random-pruning) or of the fresh weights, head included (random-reinit: not θ0's own init seed). */
  seed: number;
}

export interface BaselineRecord extends RunRecord {
  kind: BaselineKind;
  seed: number;
}

/** The model and masks of a baseline, from θ0 and the ticket's masks; disposes what it does not return. */
function build(kind: BaselineKind, theta0: EncoderModel, ticket: Masks, seed: number): { model: EncoderModel; masks: Masks } {
  if (kind === "random-pruning") {
    const masks = randomPruneLike(ticket, seed);
    disposeMasks(ticket);
    return { model: theta0, masks };
  }
  const model = EncoderModel.create(theta0.config, theta0.task, seed);
  theta0.dispose();
  return { model, masks: ticket };
}

/** Fine-tunes one baseline of the ticket in `ticketFile` (an IMP round's masks.safetensors). */
export async function runBaseline(hooks: PruningHooks, kind: BaselineKind, ticketFile: string, args: BaselineArgs): Promise<BaselineRecord> {
  const done = readRecord<BaselineRecord>(args.outDir);
  if (done && (done.kind !== kind || done.seed !== args.seed)) throw new Error(`${args.outDir} holds the ${done.kind} baseline with seed ${done.seed}, not ${kind} with seed ${args.seed}; use another folder`);
  if (done) return done;
  const theta0 = await hooks.initial();
  let ticket: Masks;
  try {
    ticket = loadMasks(ticketFile, theta0);
  } catch (err) {
    theta0.dispose();
    throw err;
  }
  const { model, masks } = build(kind, theta0, ticket, args.seed);
  try {
    saveMasks(path.join(args.outDir, MASKS_FILE), masks);
    applyMasks(model.params, masks);
    const record: BaselineRecord = { kind, seed: args.seed, ...(await maskedFineTune(hooks, model, masks, args.outDir)) };
    writeRecord(args.outDir, record);
    return record;
  } finally {
    disposeMasks(masks);
    model.dispose();
  }
}
