/**
 * A victim that remembers every answer: several extractions from the same queries (with and
 * without real data mixed in, several extractor models) then cost one pass of the real victim.
 * `remember` preloads answers kept from an earlier run, so a resumed experiment asks nothing again.
 */
import { Victim, VictimAnswer, VictimInput } from "./victim";

const keyOf = (input: VictimInput) => (typeof input === "string" ? `s\u0000${input}` : `p\u0000${input.premise}\u0000${input.hypothesis}`);

export class MemoVictim implements Victim {
  readonly labels: readonly string[];
  readonly exposesProbabilities: boolean;
  private readonly answers = new Map<string, VictimAnswer>();
  /** Inputs actually sent to the wrapped victim. */
  sent = 0;

  constructor(private readonly victim: Victim) {
    this.labels = victim.labels;
    this.exposesProbabilities = victim.exposesProbabilities;
  }

  /** Answers known in advance (a kept query log): `answers[i]` is the victim's answer to `inputs[i]`. */
  remember(inputs: VictimInput[], answers: VictimAnswer[]): void {
    if (inputs.length !== answers.length) throw new Error(`remember: ${inputs.length} inputs but ${answers.length} answers`);
    inputs.forEach((input, i) => this.answers.set(keyOf(input), answers[i]));
  }

  async query(inputs: VictimInput[]): Promise<VictimAnswer[]> {
    const missing = [...new Map(inputs.filter((x) => !this.answers.has(keyOf(x))).map((x) => [keyOf(x), x])).values()];
    if (missing.length > 0) {
      const fresh = await this.victim.query(missing);
      this.sent += missing.length;
      this.remember(missing, fresh);
    }
    return inputs.map((x) => this.answers.get(keyOf(x))!);
  }
}
