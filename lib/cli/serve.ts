/**
 * `npm run serve -- --model <dir> --keys <file> [--port 8080] [--host 127.0.0.1] [--log <file>]
 * [--state <file>] [--max-batch 32] [--max-body 64kb] [--max-chars 2000] [--max-length N] [--coalesce 128]`:
 * serves a fine-tuned classifier as the victim API (lib/serve/api.ts), batching the inputs of
 * concurrent requests into shared forward passes. SIGTERM / SIGINT stop it
 * gracefully: no new connections, requests in flight answered and flushed, exit 0 (a second
 * signal exits at once).
 *
 * `npm run serve -- add-key --keys <file> --id <name> [--budget 10000] [--rate 600] [--probabilities]`
 * adds a key and prints its token, once; the keys file keeps only its SHA-256.
 */
import * as path from "node:path";
import { Command } from "commander";
import { initBackend } from "../engine/backend";
import { LocalVictim } from "../extract/local-victim";
import { parseByteSize } from "../serve/bytes";
import { CoalescingVictim } from "../serve/coalesce";
import { addKey, readKeys } from "../serve/keys";
import { createVictimServer } from "../serve/server";

function positiveInt(value: string, option: string, least = 1): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < least) throw new Error(`${option} ${value} must be an integer ≥ ${least}`);
  return n;
}

/** keys.json → keys.state.json / keys.queries.jsonl beside it: budgets belong with their keys. */
function besideKeys(keysFile: string, suffix: string): string {
  const dir = path.dirname(keysFile);
  return path.join(dir, `${path.basename(keysFile, path.extname(keysFile))}.${suffix}`);
}

interface StartOptions {
  model: string;
  keys: string;
  port: string;
  host: string;
  log?: string;
  state?: string;
  maxBatch: string;
  maxBody: string;
  maxChars: string;
  maxLength?: string;
  coalesce: string;
}

async function start(opts: StartOptions): Promise<void> {
  // Every option is checked before the (slow) backend and model load.
  const keys = readKeys(opts.keys);
  const port = positiveInt(opts.port, "--port", 0);
  const limits = { maxBatch: positiveInt(opts.maxBatch, "--max-batch"), maxBodyBytes: parseByteSize(opts.maxBody, "--max-body"), maxChars: positiveInt(opts.maxChars, "--max-chars") };
  const maxLength = opts.maxLength === undefined ? undefined : positiveInt(opts.maxLength, "--max-length", 3);
  const coalesce = positiveInt(opts.coalesce, "--coalesce", 0);
  const stateFile = opts.state ?? besideKeys(opts.keys, "state.json");
  const logFile = opts.log ?? besideKeys(opts.keys, "queries.jsonl");
  await initBackend();
  const victim = await LocalVictim.load(opts.model, { maxLength });
  const server = await createVictimServer({
    victim: coalesce > 0 ? new CoalescingVictim(victim, coalesce) : victim, model: path.basename(path.resolve(opts.model)), keys, stateFile, logFile, ...limits,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`[serve] ${signal} again: exiting without waiting for requests in flight`);
      process.exit(1);
    }
    stopping = true;
    console.error(`[serve] ${signal}: no new connections; finishing requests in flight`);
    server.close().then(
      () => {
        victim.dispose();
        console.error("[serve] stopped; state and log flushed");
        process.exit(0);
      },
      (err) => {
        console.error(`[serve] shutdown failed: ${err instanceof Error ? err.message : err}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  const url = await server.listen({ host: opts.host, port });
  if (!["127.0.0.1", "::1", "localhost"].includes(opts.host)) {
    console.error(`[serve] warning: plain HTTP on ${opts.host}: bearer tokens travel unencrypted; put a TLS proxy in front`);
  }
  console.log(`[serve] ${path.basename(path.resolve(opts.model))} (labels ${victim.labels.join(", ")}, ${victim.maxLength} tokens) listening on ${url}`);
  console.log(`[serve] ${keys.length} keys from ${opts.keys}; budgets in ${stateFile}; query log ${logFile}`);
}

async function main(): Promise<void> {
  const program = new Command().name("serve").description("the victim API: a fine-tuned classifier behind HTTP, with keys, budgets, rate limits and a query log");
  program
    .command("start", { isDefault: true })
    .description("serve a model folder (the default command)")
    .requiredOption("--model <dir>", "fine-tuned sequence-classification model folder (config.json with id2label, model.safetensors, tokenizer.json)")
    .requiredOption("--keys <file>", "keys file (JSON; make entries with add-key)")
    .option("--port <p>", "TCP port (0: any free one)", "8080")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--log <file>", "query log, JSONL, appended (default: <keys>.queries.jsonl beside the keys file)")
    .option("--state <file>", "budget state, JSON (default: <keys>.state.json beside the keys file)")
    .option("--max-batch <n>", "most inputs per request", "32")
    .option("--max-body <size>", "largest request body (bytes, or with kb / mb)", "64kb")
    .option("--max-chars <n>", "longest text in characters (each side of a pair)", "2000")
    .option("--max-length <n>", "longest input in tokens; longer inputs are cut (default: the tokenizer's limit)")
    .option("--coalesce <n>", "most inputs per forward pass, gathered from concurrent requests (0: one pass per request)", "128")
    .action(start);
  program
    .command("add-key")
    .description("add a key to a keys file and print its token (shown only this once)")
    .requiredOption("--keys <file>", "keys file (created if absent)")
    .requiredOption("--id <name>", "key id (letters, digits, . _ -)")
    .option("--budget <n>", "total inputs the key may query", "10000")
    .option("--rate <n>", "requests per minute", "600")
    .option("--probabilities", "answers carry class probabilities (default: labels only)", false)
    .action((opts: { keys: string; id: string; budget: string; rate: string; probabilities: boolean }) => {
      const { token, entry } = addKey(opts.keys, {
        id: opts.id, budget: positiveInt(opts.budget, "--budget", 0), rate_per_minute: positiveInt(opts.rate, "--rate"), probabilities: opts.probabilities,
      });
      console.error(`[serve] added key "${entry.id}" to ${opts.keys} (budget ${entry.budget}, ${entry.rate_per_minute}/min, probabilities ${entry.probabilities}); its token, shown only now:`);
      console.log(token);
    });
  await program.parseAsync();
}

main().catch((err) => {
  console.error(`serve: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
