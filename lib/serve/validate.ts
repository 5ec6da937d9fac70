/**
 * The body of POST /v1/predict, checked by hand so that every 400 names the offending field
 * and shows the expected shape:
 *
 *   {"inputs": ["text", …]}  or  {"inputs": [{"premise": "…", "hypothesis": "…"}, …]}
 */
import { VictimInput } from "../extract/victim";
import { badRequest } from "./errors";

export interface InputLimits {
  /** Most inputs per request. */
  maxBatch: number;
  /** Longest text, in characters (Unicode code points), for each side of a pair too. */
  maxChars: number;
}

const SHAPE = `{"inputs": ["text", …]} or {"inputs": [{"premise": "…", "hypothesis": "…"}, …]}`;

function kind(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function checkText(value: unknown, where: string, limits: InputLimits): string {
  if (typeof value !== "string") throw badRequest(`${where} must be a string; got ${kind(value)}. Expected ${SHAPE}`);
  if (value.trim() === "") throw badRequest(`${where} is empty; every text needs at least one non-space character`);
  let chars = 0;
  for (const _ of value) chars++; // code points, not UTF-16 units
  if (chars > limits.maxChars) throw badRequest(`${where} has ${chars} characters; at most ${limits.maxChars} are allowed per text`);
  return value;
}

function checkInput(value: unknown, where: string, limits: InputLimits): VictimInput {
  if (typeof value === "string") return checkText(value, where, limits);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest(`${where} must be a text (string) or a pair ({"premise": "…", "hypothesis": "…"}); got ${kind(value)}`);
  }
  const pair = value as Record<string, unknown>;
  for (const field of Object.keys(pair)) {
    if (field !== "premise" && field !== "hypothesis") throw badRequest(`${where} has an unknown field "${field}"; a pair has exactly "premise" and "hypothesis"`);
  }
  return { premise: checkText(pair.premise, `${where}.premise`, limits), hypothesis: checkText(pair.hypothesis, `${where}.hypothesis`, limits) };
}

/** The inputs of a predict request, or a 400 ApiError saying what is wrong. */
export function parseInputs(body: unknown, limits: InputLimits): VictimInput[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(`the body must be a JSON object sent with Content-Type: application/json; got ${kind(body)}. Expected ${SHAPE}`);
  }
  const fields = body as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (field !== "inputs") throw badRequest(`unknown field "${field}" in the body; it holds only "inputs": ${SHAPE}`);
  }
  const inputs = fields.inputs;
  if (inputs === undefined) throw badRequest(`the body has no "inputs"; expected ${SHAPE}`);
  if (!Array.isArray(inputs)) throw badRequest(`"inputs" must be an array; got ${kind(inputs)}. Expected ${SHAPE}`);
  if (inputs.length === 0) throw badRequest(`"inputs" is empty; send 1 to ${limits.maxBatch} inputs`);
  if (inputs.length > limits.maxBatch) throw badRequest(`"inputs" holds ${inputs.length} inputs; at most ${limits.maxBatch} are allowed per request, so split the batch`);
  const parsed = inputs.map((v, i) => checkInput(v, `inputs[${i}]`, limits));
  const isPair = (v: VictimInput) => typeof v !== "string";
  const odd = parsed.findIndex((v) => isPair(v) !== isPair(parsed[0]));
  if (odd >= 0) {
    const what = (v: VictimInput) => (isPair(v) ? "a pair" : "a text");
    throw badRequest(`inputs[${odd}] is ${what(parsed[odd])} but inputs[0] is ${what(parsed[0])}; send only texts or only pairs in one request`);
  }
  return parsed;
}
