import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { cacheDir, fetchDataset } from "../../lib/data/remote";
import { RemoteDataset } from "../../lib/data/registry";

const BODY = Buffer.from("premise\thypothesis\tlabel\nA man sleeps.\tA person rests.\tentailment\n".repeat(2000));
const SHA = crypto.createHash("sha256").update(BODY).digest("hex");

/** A server on 127.0.0.1 serving BODY at /data.tsv (404 elsewhere); counts requests. */
async function serve(): Promise<{ base: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    if (req.url === "/data.tsv") res.writeHead(200, { "content-type": "text/plain" }).end(BODY);
    else res.writeHead(404).end("not here");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function dataset(url: string, sha256?: string): RemoteDataset {
  return { name: "toy-nli", description: "a test file", source: "this test", license: "none", files: [{ path: "toy/data.tsv", url, sha256 }] };
}

function tempCache(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "thieves-cache-"));
}

const files = (dir: string): string[] => fs.readdirSync(dir, { recursive: true }).map(String).sort();

test("a remote file is downloaded into the cache, verified, and served from the cache afterwards", async () => {
  const server = await serve();
  const cache = tempCache();
  try {
    const got = await fetchDataset(dataset(`${server.base}/data.tsv`, SHA), { cacheDir: cache, offline: false });
    const file = path.join(cache, "toy", "data.tsv");
    assert.deepEqual(got, { "toy/data.tsv": file });
    assert.ok(fs.readFileSync(file).equals(BODY));
    assert.deepEqual(files(cache), ["toy", path.join("toy", "data.tsv")]); // no temporary file left
    assert.equal(server.requests(), 1);
    await fetchDataset(dataset(`${server.base}/data.tsv`, SHA), { cacheDir: cache, offline: false });
    assert.equal(server.requests(), 1);
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("without a published hash the first download's sha256 is recorded and checked later", async () => {
  const server = await serve();
  const cache = tempCache();
  try {
    const file = (await fetchDataset(dataset(`${server.base}/data.tsv`), { cacheDir: cache, offline: false }))["toy/data.tsv"];
    assert.equal(fs.readFileSync(file + ".sha256", "utf8").trim(), SHA);
    fs.appendFileSync(file, "damage");
    await fetchDataset(dataset(`${server.base}/data.tsv`), { cacheDir: cache, offline: false });
    assert.equal(server.requests(), 2, "a damaged cache entry is fetched again");
    assert.ok(fs.readFileSync(file).equals(BODY));
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("a download whose sha256 does not match is not kept", async () => {
  const server = await serve();
  const cache = tempCache();
  const wrong = "0".repeat(64);
  try {
    await assert.rejects(fetchDataset(dataset(`${server.base}/data.tsv`, wrong), { cacheDir: cache, offline: false }), (e: Error) => {
      assert.match(e.message, new RegExp(`sha256 ${SHA}, expected ${wrong}`));
      assert.match(e.message, /Nothing was kept; place the file at .*toy[/\\]data\.tsv yourself/);
      return true;
    });
    assert.deepEqual(files(cache), ["toy"]);
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("an HTTP error names the status and where to place the file", async () => {
  const server = await serve();
  const cache = tempCache();
  try {
    const url = `${server.base}/missing.tsv`;
    await assert.rejects(fetchDataset(dataset(url), { cacheDir: cache, offline: false }), (e: Error) => {
      assert.ok(e.message.startsWith(`could not download toy-nli (toy/data.tsv) from ${url} (HTTP 404`), e.message);
      assert.ok(e.message.includes(`place the file at ${path.join(cache, "toy", "data.tsv")} yourself`), e.message);
      return true;
    });
    assert.deepEqual(files(cache), ["toy"]);
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("an unreachable source gives the reason and where to place the file", async () => {
  const cache = tempCache();
  try {
    const url = `http://127.0.0.1:${await closedPort()}/data.tsv`;
    await assert.rejects(fetchDataset(dataset(url, SHA), { cacheDir: cache, offline: false, timeoutMs: 5000 }), (e: Error) => {
      assert.ok(e.message.startsWith(`could not download toy-nli (toy/data.tsv) from ${url} (`), e.message);
      assert.match(e.message, /ECONNREFUSED/);
      assert.ok(e.message.endsWith(`place the file at ${path.join(cache, "toy", "data.tsv")} yourself (sha256 ${SHA})`), e.message);
      return true;
    });
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("offline mode never touches the network", async () => {
  const server = await serve();
  const cache = tempCache();
  try {
    await assert.rejects(fetchDataset(dataset(`${server.base}/data.tsv`), { cacheDir: cache, offline: true }), /downloads are off.*place the file at/);
    assert.equal(server.requests(), 0);
  } finally {
    await server.close();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test("the cache folder follows $THIEVES_CACHE_DIR", () => {
  const before = process.env.THIEVES_CACHE_DIR;
  try {
    process.env.THIEVES_CACHE_DIR = path.join(os.tmpdir(), "somewhere");
    assert.equal(cacheDir(), path.join(os.tmpdir(), "somewhere"));
    delete process.env.THIEVES_CACHE_DIR;
    assert.equal(cacheDir(), path.join(os.homedir(), ".cache", "thieves-lab", "datasets"));
  } finally {
    if (before === undefined) delete process.env.THIEVES_CACHE_DIR;
    else process.env.THIEVES_CACHE_DIR = before;
  }
});

test("unknown remote dataset names are rejected before any download", async () => {
  await assert.rejects(fetchDataset("squad"), /"squad" is vendored/);
});
