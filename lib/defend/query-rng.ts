/**
 * Randomness that depends only on a secret seed and the query's text, so a defense answers a
 * repeated query the same way every time: an attacker who re-sends a query cannot average a
 * random answer away or spot a watermark by its inconsistency, and a restarted server keeps
 * its answers. SHA-256 of (purpose, seed, query) seeds the generator, so without the seed the
 * choices cannot be predicted from the query.
 */
import { createHash } from "node:crypto";
import { Rng, RngState } from "../engine/rng";
import { QaInput, VictimInput } from "../extract/victim";

/** A query as one unambiguous string: kind tag, then its fields separated by NUL. */
export function queryKey(input: VictimInput | QaInput): string {
  if (typeof input === "string") return `t\u0000${input}`;
  if ("premise" in input) return `p\u0000${input.premise}\u0000${input.hypothesis}`;
  return `q\u0000${input.context}\u0000${input.question}`;
}

/** The generator for (`purpose`, `seed`, `input`): the same three, the same stream. */
export function queryRng(seed: number, purpose: string, input: VictimInput | QaInput): Rng {
  const digest = createHash("sha256").update(`${purpose}\u0000${seed}\u0000${queryKey(input)}`, "utf8").digest();
  const state = [0, 4, 8, 12].map((at) => digest.readUInt32LE(at)) as RngState;
  if (state.every((s) => s === 0)) state[0] = 1; // the one state xoshiro cannot leave
  return new Rng(state);
}
