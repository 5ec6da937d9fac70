/**
 * The victim HTTP API (routes and bodies in ./api.ts) around any `Victim`: bearer-token keys,
 * per-key rate limits (@fastify/rate-limit, requests per minute) and query budgets (inputs,
 * persisted), input checks, a query log, and per-key defenses (./defenses.ts: watermark,
 * output perturbation, membership gate; the log line says what the defense did). A request is
 * answered only after its log line and the budget state that charges it are on disk
 * (./ledger.ts), and, for a watermarked key, the watermarks it carries.
 *
 * Order of checks on POST /v1/predict: 401 key → 429 rate → 413 / 415 / 400 body → 402 budget.
 */
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { fastify, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { fastifyRateLimit } from "@fastify/rate-limit";
import { FeatureExtractor } from "../defend/features";
import { Victim, VictimInput } from "../extract/victim";
import { ErrorResponse, HealthResponse, KeyResponse, PredictResponse, ROUTES, toPrediction } from "./api";
import { BudgetBook } from "./budgets";
import { buildDefenses } from "./defenses";
import { ApiError } from "./errors";
import { ApiKey, KeyRing } from "./keys";
import { Ledger } from "./ledger";
import { QueryLog } from "./query-log";
import { parseInputs } from "./validate";

export interface VictimServerArgs {
  /** The model that answers. */
  victim: Victim;
  /** Model name reported by /healthz (e.g. its folder name). */
  model: string;
  /** API keys (see ./keys.ts). */
  keys: readonly ApiKey[];
  /** Budget state file (JSON, rewritten atomically). */
  stateFile: string;
  /** Query log (JSONL, appended). */
  logFile: string;
  /** Most inputs per request. Default 32. */
  maxBatch?: number;
  /** Largest request body, in bytes. Default 65,536 (64 KiB). */
  maxBodyBytes?: number;
  /** Longest text (each side of a pair), in characters. Default 2,000. */
  maxChars?: number;
  /** Folder of the watermark records of watermarked keys (watermark-<key id>.jsonl). Default: the query log's folder. */
  watermarkDir?: string;
  /** The victim's features, for keys behind a membership gate. Default: read from the victim when it is a LocalVictim (or a CoalescingVictim around one). */
  features?: FeatureExtractor<VictimInput>;
}

export interface VictimServer {
  readonly app: FastifyInstance;
  readonly budgets: BudgetBook;
  /** Starts listening and returns the base URL, e.g. http://127.0.0.1:8080. */
  listen(options: { host?: string; port?: number }): Promise<string>;
  /** Stops accepting connections, lets requests in flight finish, flushes state and log. */
  close(): Promise<void>;
}

const RATE_WINDOW_MS = 60_000;

/** Builds the server (not yet listening); the state file is read and the log opened now. */
export async function createVictimServer(args: VictimServerArgs): Promise<VictimServer> {
  const limits = { maxBatch: args.maxBatch ?? 32, maxChars: args.maxChars ?? 2000 };
  const maxBodyBytes = args.maxBodyBytes ?? 65_536;
  const labels = [...args.victim.labels];
  const ring = new KeyRing(args.keys);
  const budgets = new BudgetBook(args.stateFile);
  const log = await QueryLog.open(args.logFile);
  const defenses = await buildDefenses({ victim: args.victim, keys: args.keys, watermarkDir: args.watermarkDir ?? path.dirname(path.resolve(args.logFile)), features: args.features }).catch(async (err) => {
    await log.close();
    throw err;
  });
  const ledger = new Ledger(budgets, log);
  const started = Date.now();
  const keyOf = new WeakMap<FastifyRequest, ApiKey>();
  let closing = false;

  // Random request ids: log records must stay distinguishable across restarts.
  const app = fastify({ bodyLimit: maxBodyBytes, logger: false, genReqId: () => randomUUID() });
  await app.register(fastifyRateLimit, { global: false });

  const authenticate = async (req: FastifyRequest): Promise<void> => {
    const challenge = { "www-authenticate": 'Bearer realm="victim"' };
    const header = req.headers.authorization;
    if (!header) throw new ApiError(401, "unauthorized", 'no Authorization header; send "Authorization: Bearer <token>"', {}, challenge);
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m) throw new ApiError(401, "unauthorized", 'the Authorization header must be "Bearer <token>"', {}, challenge);
    const key = ring.find(m[1]);
    if (!key) throw new ApiError(401, "unauthorized", "unknown API key; check the token (it is shown once, when the key is made with `npm run serve -- add-key`)", {}, challenge);
    keyOf.set(req, key);
  };
  const keyFor = (req: FastifyRequest): ApiKey => {
    const key = keyOf.get(req);
    if (!key) throw new Error("no API key on the request: the authenticate hook did not run");
    return key;
  };
  const canSeeProbabilities = (key: ApiKey) => (key.probabilities ?? false) && (defenses.byKey.get(key.id) ?? args.victim).exposesProbabilities;

  app.get(ROUTES.health, async (): Promise<HealthResponse> => ({
    status: "ok",
    model: args.model,
    labels,
    uptime: (Date.now() - started) / 1000,
    limits: { max_batch: limits.maxBatch, max_chars: limits.maxChars, max_body_bytes: maxBodyBytes },
  }));

  app.get(ROUTES.key, { onRequest: [authenticate] }, async (req): Promise<KeyResponse> => {
    const key = keyFor(req);
    return { id: key.id, budget: key.budget, used: budgets.usedBy(key), queries_left: budgets.left(key), rate_per_minute: key.rate_per_minute, probabilities: canSeeProbabilities(key) };
  });

  const rateLimit = {
    hook: "onRequest" as const, // after authenticate (route hooks run first), before the body is read
    timeWindow: RATE_WINDOW_MS,
    keyGenerator: (req: FastifyRequest) => keyFor(req).id,
    max: (req: FastifyRequest) => keyFor(req).rate_per_minute,
    errorResponseBuilder: (req: FastifyRequest, ctx: { ttl: number; max: number }) => {
      const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new ApiError(429, "rate_limited", `key "${keyFor(req).id}" may send ${ctx.max} requests per minute; wait ${seconds} s (the Retry-After header) and retry`, { retry_after_seconds: seconds });
    },
  };

  app.post(ROUTES.predict, { onRequest: [authenticate], config: { rateLimit } }, async (req): Promise<PredictResponse> => {
    const key = keyFor(req);
    const inputs = parseInputs(req.body, limits);
    if (!budgets.reserve(key, inputs.length)) {
      const left = budgets.left(key);
      const advice = left > 0 ? `send at most ${left} inputs` : "the budget is spent; ask for a larger one";
      throw new ApiError(402, "budget_exhausted", `this request holds ${inputs.length} inputs but key "${key.id}" has ${left} of its ${key.budget} queries left; ${advice}`, { queries_left: left });
    }
    try {
      const defended = defenses.byKey.get(key.id);
      const { answers, report } = defended ? await defended.answer(inputs) : { answers: await args.victim.query(inputs), report: undefined };
      if (answers.length !== inputs.length) throw new Error(`the victim gave ${answers.length} answers to ${inputs.length} inputs`);
      const predictions = answers.map((a) => toPrediction(a, labels, canSeeProbabilities(key)));
      await ledger.commit({ request: req.id, key: key.id, time: new Date().toISOString(), inputs, outputs: predictions, ...(report ? { defense: report } : {}) });
      return { predictions, queries_left: budgets.left(key) };
    } catch (err) {
      budgets.release(key, inputs.length); // not answered, so not charged
      throw err;
    }
  });

  // Keep-alive connections would hold close() open until they time out; end each after its reply.
  app.addHook("onSend", async (_req, reply) => {
    if (closing) reply.header("connection", "close");
  });

  app.setNotFoundHandler((req, reply) => {
    const body: ErrorResponse = { error: "not_found", message: `no route ${req.method} ${req.url}; the API has POST ${ROUTES.predict}, GET ${ROUTES.key} and GET ${ROUTES.health}` };
    reply.code(404).send(body);
  });
  app.setErrorHandler((err: FastifyError | ApiError, req: FastifyRequest, reply: FastifyReply) => {
    const e = err instanceof ApiError ? err : fromFastifyError(err, req, maxBodyBytes);
    if (e.statusCode >= 500) console.error(`[serve] ${req.method} ${req.url} failed: ${err.stack ?? err.message}`);
    reply.code(e.statusCode).headers(e.headers).send(e.body());
  });

  return {
    app,
    budgets,
    async listen(options) {
      const host = options.host ?? "127.0.0.1";
      try {
        return await app.listen({ host, port: options.port ?? 0 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw new Error(`port ${options.port} on ${host} is in use; pick another --port (0 picks a free one)`);
        throw err;
      }
    },
    async close() {
      closing = true;
      await app.close(); // refuses new connections, waits for the requests in flight (and their commits)
      await ledger.drain();
      await log.close();
      await defenses.close();
    },
  };
}

/** Fastify's own errors (body limit, JSON parse …) as ApiErrors with messages that say what to send. */
function fromFastifyError(err: FastifyError, req: FastifyRequest, maxBodyBytes: number): ApiError {
  const status = err.statusCode ?? 500;
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE": {
      const size = req.headers["content-length"] ? `${req.headers["content-length"]} bytes` : "larger than that";
      return new ApiError(413, "body_too_large", `the body is ${size}; at most ${maxBodyBytes} bytes are accepted, so send fewer or shorter inputs per request`);
    }
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError(400, "invalid_json", `the body is not valid JSON; expected {"inputs": ["text", …]} or {"inputs": [{"premise": "…", "hypothesis": "…"}, …]}`);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(400, "invalid_json", `the body is empty; expected {"inputs": ["text", …]}`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(415, "unsupported_media_type", `Content-Type ${req.headers["content-type"] ?? "(none)"} is not accepted; send JSON with Content-Type: application/json`);
  }
  if (status >= 400 && status < 500) return new ApiError(status, "invalid_request", err.message);
  return new ApiError(500, "internal", "the server failed to answer this request; nothing was charged, so retrying is safe");
}
