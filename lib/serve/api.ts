/**
 * The victim API on the wire: routes and JSON bodies, shared by the server (lib/serve/server.ts)
 * and its client (lib/extract/http-victim.ts).
 *
 *   GET  /healthz     no auth                  → HealthResponse
 *   GET  /v1/key      Authorization: Bearer …  → KeyResponse (not rate-limited, costs nothing)
 *   POST /v1/predict  Authorization: Bearer …  {"inputs": [...]} → PredictResponse
 *
 * Errors are `{"error": code, "message": "…"}` with 400 (malformed body, bad inputs, batch too
 * large), 401 (missing or unknown key), 402 (budget: the request needs more inputs than the key
 * has left; nothing is answered or charged), 404, 413 (body too large), 415 (not JSON),
 * 429 (rate limit; Retry-After says how many seconds to wait), 500 and 503 (shutting down).
 */
import { VictimAnswer } from "../extract/victim";

export const ROUTES = { health: "/healthz", key: "/v1/key", predict: "/v1/predict" } as const;

export interface HealthResponse {
  status: "ok";
  /** The served model (its folder name). */
  model: string;
  /** Label names in index order. */
  labels: string[];
  /** Seconds since the server started. */
  uptime: number;
  limits: { max_batch: number; max_chars: number; max_body_bytes: number };
}

export interface KeyResponse {
  id: string;
  budget: number;
  /** Inputs charged so far (including requests being answered right now). */
  used: number;
  queries_left: number;
  rate_per_minute: number;
  /** Whether predictions for this key carry probabilities. */
  probabilities: boolean;
}

export interface Prediction {
  label: string;
  label_id: number;
  /** Label name → probability; only for keys allowed them. */
  probabilities?: Record<string, number>;
}

export interface PredictResponse {
  predictions: Prediction[];
  queries_left: number;
}

export interface ErrorResponse {
  error: string;
  message: string;
  /** On 402. */
  queries_left?: number;
  /** On 429 (also in the Retry-After header). */
  retry_after_seconds?: number;
}

/** A victim's answer as sent to a client. */
export function toPrediction(answer: VictimAnswer, labels: readonly string[], withProbabilities: boolean): Prediction {
  const out: Prediction = { label: labels[answer.label], label_id: answer.label };
  const p = answer.probabilities;
  if (withProbabilities && p) out.probabilities = Object.fromEntries(labels.map((name, i) => [name, p[i]]));
  return out;
}

/** A prediction from the wire back into a victim answer (probabilities in `labels` order). */
export function fromPrediction(p: Prediction, labels: readonly string[]): VictimAnswer {
  const answer: VictimAnswer = { label: p.label_id };
  const probs = p.probabilities;
  if (probs) answer.probabilities = labels.map((name) => probs[name]);
  return answer;
}
