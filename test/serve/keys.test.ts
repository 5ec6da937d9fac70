/**
 * Keys files: only hashes are stored, a made token authenticates, bad entries fail with a message
 * naming the entry and the field; `serve add-key` prints the token once; sizes like "64kb".
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseByteSize } from "../../lib/serve/bytes";
import { addKey, hashToken, KeyRing, readKeys, validateKeys } from "../../lib/serve/keys";
import { tempDir } from "./fixtures";

const TMP = tempDir("keys");
after(() => fs.rmSync(TMP, { recursive: true, force: true }));
const ROOT = path.join(__dirname, "..", "..");

test("addKey stores the sha256 of a fresh token, never the token; the ring finds the key by token", () => {
  const file = path.join(TMP, "keys.json");
  const a = addKey(file, { id: "alice", budget: 50, rate_per_minute: 10, probabilities: true });
  const b = addKey(file, { id: "bob" });
  assert.notEqual(a.token, b.token);
  const text = fs.readFileSync(file, "utf8");
  assert.ok(!text.includes(a.token) && !text.includes(b.token), "tokens are not in the keys file");
  const keys = readKeys(file);
  assert.deepEqual(keys, [
    { id: "alice", key_sha256: hashToken(a.token), budget: 50, rate_per_minute: 10, probabilities: true },
    { id: "bob", key_sha256: hashToken(b.token), budget: 10_000, rate_per_minute: 600, probabilities: false },
  ]);
  const ring = new KeyRing(keys);
  assert.equal(ring.find(a.token)?.id, "alice");
  assert.equal(ring.find(b.token)?.id, "bob");
  assert.equal(ring.find(a.token + "x"), undefined);
  assert.throws(() => addKey(file, { id: "alice" }), /a key with id "alice" exists already/);
});

test("bad keys files fail with the entry, the field and what is expected", () => {
  const good = { id: "a", key_sha256: "0".repeat(64), budget: 1, rate_per_minute: 1 };
  const cases: [unknown, RegExp][] = [
    [{ keys: [] }, /must hold a JSON array of key entries/],
    [["x"], /keys\[0\] is "x"; each entry is \{"id"/],
    [[{ ...good, key_sha256: "abc" }], /keys\[0\] \(a\): "key_sha256" must be 64 lower-case hex digits/],
    [[{ ...good, budget: -1 }], /"budget" must be an integer ≥ 0; got number -1/],
    [[{ ...good, rate_per_minute: 0 }], /"rate_per_minute" must be an integer ≥ 1/],
    [[{ ...good, probabilities: "yes" }], /"probabilities" must be true or false/],
    [[{ ...good, token: "secret" }], /unknown field "token"/],
    [[{ ...good, id: "has space" }], /"id" must be 1–64 letters/],
    [[good, { ...good, key_sha256: "1".repeat(64) }], /the id "a" appears twice/],
    [[good, { ...good, id: "b" }], /"b" has the same key_sha256 as an earlier entry/],
  ];
  for (const [entries, message] of cases) assert.throws(() => validateKeys(entries, "keys"), message);
  assert.throws(() => readKeys(path.join(TMP, "missing.json")), /no such keys file; make one with `npm run serve -- add-key/);
  fs.writeFileSync(path.join(TMP, "broken.json"), "[{");
  assert.throws(() => readKeys(path.join(TMP, "broken.json")), /broken\.json: not valid JSON/);
});

test("`serve add-key` prints the token once on stdout and stores its hash", () => {
  const file = path.join(TMP, "cli-keys.json");
  const r = spawnSync(process.execPath, ["--import", "tsx", "lib/cli/serve.ts", "add-key", "--keys", file, "--id", "eve", "--budget", "7", "--rate", "3", "--probabilities"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^tl_[A-Za-z0-9_-]{43}$/);
  assert.match(r.stderr, /added key "eve".*shown only now/);
  assert.deepEqual(readKeys(file), [{ id: "eve", key_sha256: hashToken(token), budget: 7, rate_per_minute: 3, probabilities: true }]);
  const again = spawnSync(process.execPath, ["--import", "tsx", "lib/cli/serve.ts", "add-key", "--keys", file, "--id", "eve"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
});

test("parseByteSize reads bytes, kb and mb (binary), and rejects the rest", () => {
  assert.equal(parseByteSize("65536"), 65536);
  assert.equal(parseByteSize("64kb"), 65536);
  assert.equal(parseByteSize("64KB"), 65536);
  assert.equal(parseByteSize("1.5mb"), 1.5 * 1024 * 1024);
  assert.throws(() => parseByteSize("64 parsecs", "--max-body"), /--max-body "64 parsecs" is not a size; write bytes or a number with kb or mb/);
  assert.throws(() => parseByteSize("0"), /less than one byte/);
});
