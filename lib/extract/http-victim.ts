/**
 * A victim behind the HTTP API of `npm run serve` (routes in lib/serve/api.ts), queried with
 * Node's fetch: batches cut to the server's limit (and halved when a batch of long texts is over
 * its body limit), 429s waited out (Retry-After) and retried a bounded number of times, and a spent
 * budget reported with how much was answered before it ran out.
 */
import { fromPrediction, HealthResponse, KeyResponse, PredictResponse, ROUTES } from "../serve/api";
import { Victim, VictimAnswer, VictimInput } from "./victim";

export interface HttpVictimOptions {
  /** Inputs per request. Default and maximum: the server's max_batch. */
  batchSize?: number;
  /** Retries of one request after 429 or 503 before giving up. Default 5. */
  maxRetries?: number;
  /** Longest single wait, in seconds; a longer Retry-After fails at once instead. Default 120. */
  maxWaitSeconds?: number;
}

/** The key's budget ran out: `answered` holds the answers received before it did (already paid for). */
export class BudgetExhaustedError extends Error {
  constructor(message: string, readonly answered: VictimAnswer[], readonly queriesLeft: number) {
    super(message);
    this.name = "BudgetExhaustedError";
  }
}

/** The API answered with an error that retrying will not fix (400, 401, 413, 500 …). */
export class VictimApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string | undefined) {
    super(message);
    this.name = "VictimApiError";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); 1 when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, (date - now) / 1000) : 1;
}

export class HttpVictim implements Victim {
  /** Queries the key had left after the latest answer. */
  queriesLeft: number;
  /** Requests that were retried after a 429 or 503 (for reports). */
  retries = 0;
  private readonly batchSize: number;

  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
    readonly model: string,
    readonly labels: readonly string[],
    readonly exposesProbabilities: boolean,
    maxBatch: number,
    queriesLeft: number,
    private readonly options: HttpVictimOptions,
  ) {
    this.queriesLeft = queriesLeft;
    this.batchSize = Math.min(options.batchSize ?? maxBatch, maxBatch);
    if (!(this.batchSize >= 1)) throw new Error(`batchSize ${options.batchSize} must be at least 1`);
  }

  /** Connects to the API at `baseUrl` (e.g. http://127.0.0.1:8080) with a bearer token: reads the labels, limits and the key's allowance. */
  static async connect(baseUrl: string, token: string, options: HttpVictimOptions = {}): Promise<HttpVictim> {
    const base = baseUrl.replace(/\/+$/, "");
    const health = (await HttpVictim.getJson(`${base}${ROUTES.health}`, {})) as HealthResponse;
    const key = (await HttpVictim.getJson(`${base}${ROUTES.key}`, { authorization: `Bearer ${token}` })) as KeyResponse;
    return new HttpVictim(base, token, health.model, health.labels, key.probabilities, health.limits.max_batch, key.queries_left, options);
  }

  private static async getJson(url: string, headers: Record<string, string>): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (err) {
      throw new Error(`cannot reach the victim API at ${url}: ${(err as Error).message}; is \`npm run serve\` running there?`);
    }
    if (!res.ok) throw await HttpVictim.apiError(res, url);
    return res.json();
  }

  private static async apiError(res: Response, url: string): Promise<VictimApiError> {
    const text = await res.text();
    let body: { error?: string; message?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text.slice(0, 200) };
    }
    const hint = res.status === 401 ? " (check the token given to HttpVictim.connect)" : "";
    return new VictimApiError(`victim API ${url} answered ${res.status}: ${body.message ?? res.statusText}${hint}`, res.status, body.error);
  }

  async query(inputs: VictimInput[]): Promise<VictimAnswer[]> {
    const answers: VictimAnswer[] = [];
    for (let start = 0; start < inputs.length; start += this.batchSize) {
      const batch = inputs.slice(start, start + this.batchSize);
      try {
        answers.push(...(await this.answer(batch)));
      } catch (err) {
        if (!(err instanceof BudgetExhaustedError)) throw err;
        answers.push(...err.answered);
        // The server refuses a whole batch that does not fit; spend what is left on its head.
        const rest = batch.slice(err.answered.length);
        const left = err.queriesLeft;
        if (left > 0 && left < rest.length) {
          answers.push(...(await this.answer(rest.slice(0, left)).catch((e: unknown) => (e instanceof BudgetExhaustedError ? e.answered : []))));
        }
        throw new BudgetExhaustedError(`${err.message}; ${answers.length} of the ${inputs.length} inputs of this query were answered (they are on error.answered)`, answers, this.queriesLeft);
      }
    }
    return answers;
  }

  /** Answers for one batch; a BudgetExhaustedError from here carries the answers of the batch's head, if any. */
  private async answer(batch: VictimInput[]): Promise<VictimAnswer[]> {
    let response: PredictResponse;
    try {
      response = await this.post(batch);
    } catch (err) {
      // Long texts can make a full batch exceed the server's body limit: halve it and go on.
      if (!(err instanceof VictimApiError && err.status === 413 && batch.length > 1)) throw err;
      const half = Math.ceil(batch.length / 2);
      const head = await this.answer(batch.slice(0, half));
      try {
        return [...head, ...(await this.answer(batch.slice(half)))];
      } catch (e) {
        if (e instanceof BudgetExhaustedError) throw new BudgetExhaustedError(e.message, [...head, ...e.answered], e.queriesLeft);
        throw e;
      }
    }
    if (response.predictions.length !== batch.length) throw new Error(`victim API ${this.baseUrl} gave ${response.predictions.length} predictions for ${batch.length} inputs`);
    this.queriesLeft = response.queries_left;
    return response.predictions.map((p) => {
      const answer = fromPrediction(p, this.labels);
      if (this.exposesProbabilities && !answer.probabilities?.every((x) => typeof x === "number")) {
        throw new Error(`victim API ${this.baseUrl} sent probabilities that do not cover the labels ${this.labels.join(", ")}`);
      }
      return answer;
    });
  }

  /** One request, retried after 429 / 503 as the server's Retry-After asks. */
  private async post(batch: VictimInput[]): Promise<PredictResponse> {
    const url = `${this.baseUrl}${ROUTES.predict}`;
    const maxRetries = this.options.maxRetries ?? 5;
    const maxWait = this.options.maxWaitSeconds ?? 120;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
          body: JSON.stringify({ inputs: batch }),
        });
      } catch (err) {
        throw new Error(`cannot reach the victim API at ${url}: ${(err as Error).message}`);
      }
      if (res.ok) return (await res.json()) as PredictResponse;
      if (res.status === 402) {
        const body = (await res.json().catch(() => ({}))) as { message?: string; queries_left?: number };
        const left = body.queries_left ?? 0;
        this.queriesLeft = left;
        throw new BudgetExhaustedError(`victim API ${url}: the key's query budget is exhausted (${left} queries left, the batch needs ${batch.length}): ${body.message ?? ""}`.trimEnd(), [], left);
      }
      if (res.status === 429 || res.status === 503) {
        const wait = retryAfterSeconds(res.headers.get("retry-after"));
        await res.arrayBuffer(); // drain, so the connection is reused
        if (attempt >= maxRetries) throw new VictimApiError(`victim API ${url} still answered ${res.status} after ${maxRetries} retries; slow down or raise the key's rate_per_minute`, res.status, undefined);
        if (wait > maxWait) throw new VictimApiError(`victim API ${url} asks to wait ${wait} s (Retry-After), more than maxWaitSeconds ${maxWait}`, res.status, undefined);
        this.retries++;
        await sleep(wait * 1000);
        continue;
      }
      throw await HttpVictim.apiError(res, url);
    }
  }
}
