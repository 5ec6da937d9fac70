/**
 * The attack over real HTTP, for the notebook: serve a victim model folder on 127.0.0.1 with one
 * API key of a small budget, connect an HttpVictim, and send generated queries until the API
 * refuses (402). Shows what an attacker sees: answers, the budget running out, and the query log
 * the provider keeps.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createVictimServer } from "../serve/server";
import { newKeyEntry } from "../serve/keys";
import { readQueryLog } from "../serve/query-log";
import { BudgetExhaustedError, HttpVictim } from "./http-victim";
import { LocalVictim } from "./local-victim";
import { VictimAnswer, VictimInput } from "./victim";

export interface LiveAttackResult {
  url: string;
  budget: number;
  sent: number;
  answered: number;
  /** The API's message when it refused. */
  refusal?: string;
  /** Records in the provider's query log after the attack. */
  loggedQueries: number;
  /** The first few (query, answer) pairs. */
  sample: { query: string; label: string }[];
}

export async function attackLiveServer(modelDir: string, queries: VictimInput[], options: { budget: number; maxLength?: number; batchSize?: number }): Promise<LiveAttackResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "thieves-live-"));
  const victim = await LocalVictim.load(modelDir, { maxLength: options.maxLength });
  const { token, entry } = newKeyEntry({ id: "attacker", budget: options.budget, rate_per_minute: 100_000, probabilities: true });
  const logFile = path.join(work, "queries.jsonl");
  const server = await createVictimServer({ victim, model: path.basename(modelDir), keys: [entry], stateFile: path.join(work, "state.json"), logFile });
  const url = await server.listen({ host: "127.0.0.1", port: 0 });
  const answers: VictimAnswer[] = [];
  let refusal: string | undefined;
  try {
    const client = await HttpVictim.connect(url, token, { batchSize: options.batchSize ?? 16 });
    try {
      answers.push(...(await client.query(queries)));
    } catch (err) {
      if (!(err instanceof BudgetExhaustedError)) throw err;
      answers.push(...err.answered);
      refusal = err.message;
    }
  } finally {
    await server.close();
    victim.dispose();
  }
  const { records } = readQueryLog(logFile);
  const loggedQueries = records.reduce((n, r) => n + r.inputs.length, 0);
  fs.rmSync(work, { recursive: true, force: true });
  const text = (q: VictimInput) => (typeof q === "string" ? q : `${q.premise} ||| ${q.hypothesis}`);
  return {
    url, budget: options.budget, sent: queries.length, answered: answers.length, refusal, loggedQueries,
    sample: answers.slice(0, 5).map((a, i) => ({ query: text(queries[i]).slice(0, 90), label: victim.labels[a.label] })),
  };
}
