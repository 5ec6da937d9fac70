/**
 * Notebook 09's demonstrations: what a feature row holds for a real input and for each
 * generator's query, and the membership gate at work (the victim behind lib/defend/gate.ts with
 * the membership experiment's classifier: how many real inputs and queries it answers at random).
 */
import { localVictimFeatures } from "../defend/features";
import { GatedVictim } from "../defend/gate";
import { LocalVictim } from "../extract/local-victim";
import { VictimInput } from "../extract/victim";
import { MembershipInputs, classificationInputs, classificationVictim, sample } from "./membership-data";
import { EVAL_GENERATORS, membershipGateFor } from "./membership";
import { resolvePreset } from "./presets";
import { ClassificationTask } from "./tasks";

/** The victim's "both" features of one held-out real input and one query of each generator: the first `shown` of the H last-layer numbers, and every logit. */
export async function featureRows(task: ClassificationTask, preset: string, shown = 4): Promise<Record<string, string | number>[]> {
  const data = classificationInputs(task);
  const [real] = sample(data.held, 1, 0, "feature-demo");
  const inputs: [string, VictimInput][] = [["held-out real", real], ...EVAL_GENERATORS.map((g): [string, VictimInput] => [g, data.queries(g, 1, 0, [real])[0]])];
  const victim = await (await classificationVictim(task, resolvePreset(preset))).open(8);
  try {
    const rows = victim.features(inputs.map(([, x]) => x), "both");
    return inputs.map(([name], i) => ({
      input: name, H: victim.hidden, [`last layer (first ${shown})`]: rows[i].slice(0, shown).map((v) => v.toFixed(2)).join(", "),
      logits: rows[i].slice(victim.hidden).map((v) => v.toFixed(2)).join(", "), "row length": rows[i].length,
    }));
  } finally {
    victim.dispose();
  }
}

export interface GateShareRow {
  inputs: string;
  count: number;
  /** Share answered at random (the classifier judged them out of distribution). */
  "gated %": string;
  /** Share whose answer differs from the bare victim's (a gated input can draw the model's label by chance). */
  "answer changed %": string;
}

/** `count` held-out real inputs and `count` queries of each generator (seed `seed`, not the experiment's), through the gated victim. */
export async function gateShares(task: ClassificationTask, preset: string, count = 100, seed = 12345): Promise<GateShareRow[]> {
  const gate = await membershipGateFor(task, resolvePreset(preset));
  const data: MembershipInputs<VictimInput> = classificationInputs(task);
  const victim = await LocalVictim.load(gate.victim, { maxLength: gate.maxLength });
  try {
    const gated = new GatedVictim(victim, localVictimFeatures(victim), gate.classifier, { seed });
    const real = sample(data.held, count, seed, "gate-demo");
    const groups: [string, VictimInput[]][] = [["held-out real", real], ...EVAL_GENERATORS.map((g): [string, VictimInput[]] => [g, data.queries(g, count, seed, real)])];
    const rows: GateShareRow[] = [];
    for (const [name, inputs] of groups) {
      const { answers, report } = await gated.answer(inputs);
      const bare = await victim.query(inputs);
      const changed = answers.filter((a, i) => a.label !== bare[i].label).length;
      rows.push({ inputs: name, count: inputs.length, "gated %": (100 * report.gated.length / inputs.length).toFixed(1), "answer changed %": (100 * changed / inputs.length).toFixed(1) });
    }
    return rows;
  } finally {
    victim.dispose();
  }
}
