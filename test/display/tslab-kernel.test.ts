/**
 * scripts/tslab-kernel.js: tslab patched so notebooks import "../lib/…" and failed cells report
 * their error. Drives tslab's compiler, executor and Jupyter handler in-process (no Jupyter).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";

const projectRoot = path.resolve(__dirname, "..", "..");
const { patchTslab, findProjectRoot } = require("../../scripts/tslab-kernel.js") as {
  patchTslab(root?: string): string;
  findProjectRoot(dir: string): string;
};

interface Converted {
  output?: string;
  diagnostics: { messageText: string }[];
  sideOutputs?: { path: string; data: string }[];
}
interface Converter {
  convert(prevDecl: string, src: string): Converted;
  close(): void;
}

// tslab compiles relative to the process's working folder: stand where a notebook would.
process.chdir(__dirname);
patchTslab(projectRoot);
const tslabDist = path.join(projectRoot, "node_modules", "tslab", "dist");
const { createConverter } = require(path.join(tslabDist, "converter.js")) as { createConverter(o: object): Converter };
const { createExecutor } = require(path.join(tslabDist, "executor.js"));
const { JupyterHandlerImpl } = require(path.join(tslabDist, "jupyter.js"));
const converter = createConverter({ isJS: false, isBrowser: false });
test.after(() => converter.close());

test("the project root is the nearest folder holding node_modules/tslab", () => {
  assert.equal(findProjectRoot(path.join(projectRoot, "notebooks")), projectRoot);
  assert.equal(findProjectRoot(path.join(projectRoot, "node_modules", "tslab", "dist")), projectRoot);
  assert.equal(findProjectRoot("/"), "/");
});

test("a cell may import library files above the notebook's folder, including a folder's index", () => {
  const out = converter.convert("", 'import { formatCell } from "../../lib/display/table";\nimport { tableToMarkdown } from "../../lib/display";\nconst s = formatCell(0.5) + tableToMarkdown([]);');
  assert.deepEqual(out.diagnostics.map((d) => d.messageText), []);
  const paths = (out.sideOutputs ?? []).map((o) => path.relative(projectRoot, o.path));
  assert.ok(paths.includes(path.join("lib", "display", "table.js")), paths.join(", "));
  assert.ok(paths.includes(path.join("lib", "display", "index.js")), paths.join(", "));
  assert.match(out.output ?? "", /require\("\.\.\/\.\.\/lib\/display\/table"\)/);
});

test("failed cells run and report their error in the execute reply", async () => {
  // As in tslab's main.js: the executor prints through console, which the handler sends to the notebook.
  const executor = createExecutor(__dirname, { node: converter, close() {} }, { log: console.log, error: console.error });
  const handler = new JupyterHandlerImpl(executor, false);
  const streams: string[] = [];
  const run = async (code: string) => {
    // The handler points process.stdout/stderr at the notebook; give them back to node:test after.
    const [out, err] = [process.stdout.write, process.stderr.write];
    try {
      return await handler.handleExecute({ code }, (_: string, text: string) => streams.push(text), () => {});
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  };
  const ok = await run('import { formatCell } from "../../lib/display";\nconsole.log(formatCell(0.25, 2));');
  assert.equal(ok.status, "ok");
  assert.ok(streams.join("").includes("0.25"), streams.join(""));
  const thrown = await run('throw new TypeError("boom in a cell");');
  assert.equal(thrown.status, "error");
  assert.equal(thrown.ename, "TypeError");
  assert.equal(thrown.evalue, "boom in a cell");
  assert.ok(thrown.traceback.some((l: string) => l.includes("TypeError: boom in a cell")));
  await new Promise((r) => setTimeout(r, 250)); // tslab pauses its queue for 200 ms after an error
  const typeError = await run("const n: number = 'not a number';");
  assert.equal(typeError.status, "error");
  assert.equal(typeError.ename, "TypeScriptError");
  assert.match(typeError.evalue, /Type 'string' is not assignable to type 'number'/);
});
