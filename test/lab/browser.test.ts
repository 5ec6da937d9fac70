/**
 * End to end, what a person sees: JupyterLab started by `scripts/lab.js` (the `npm run lab`
 * path: JupyterLab 4 from .venv, the project's tslab kernel registered there; Debian ships no
 * JupyterLab 4, so .venv is the one place it comes from), notebooks/00-quickstart.ipynb opened in
 * headless Chromium (the machine's, via playwright-core) and run top to bottom on the tiny preset.
 * Asserts: the TypeScript kernel runs it, no cell errored, the plotly figure and the HTML table
 * rendered; saves a screenshot to results/screenshots/quickstart-lab.png (and, with
 * THIEVES_UPDATE_SCREENSHOTS=1, to docs/quickstart-lab.png, the README's); always shuts the server down.
 *
 * Skipped, saying what to install, without Chromium or without a set-up .venv
 * (`npm run lab -- --setup-only`); with CI=true those fail instead. Every wait is bounded; ≤ 3 min.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_HINT, findChromium, loadPlaywright } from "../../lib/display/chromium";
import { PROJECT_ROOT, labSetupProblem, startLab, type LabServer } from "./lab-server";

const NOTEBOOK = "notebooks/00-quickstart.ipynb";
const SCREENSHOT = path.join(PROJECT_ROOT, "results", "screenshots", "quickstart-lab.png");
/** The README's copy, refreshed only on request (THIEVES_UPDATE_SCREENSHOTS=1): tests never rewrite committed files. */
const README_SCREENSHOT = path.join(PROJECT_ROOT, "docs", "quickstart-lab.png");
const TOTAL_MS = 180_000;

/** What is missing for this test, or undefined. */
function missing(): string | undefined {
  const chromium = findChromium();
  if (!chromium) return `no Chromium: ${CHROMIUM_HINT}`;
  if (!loadPlaywright()) return "playwright-core is not installed: npm install";
  const lab = labSetupProblem();
  if (lab) return `JupyterLab is not set up in .venv: run \`npm run lab -- --setup-only\` (needs Python 3.9+ with venv, and pip). It says: ${lab.replace(/\s*\n\s*/g, " ")}`;
  return undefined;
}

const sha256 = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** `promise`, or a rejection naming `what` when the time left runs out first. */
function bounded<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  const ms = Math.max(1, deadline - Date.now());
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out (${Math.round(ms / 1000)} s left) waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The JupyterLab app object exposed by `--LabApp.expose_app_in_browser` (only what is used). */
type LabWindow = {
  jupyterapp: {
    commands: { execute(id: string): Promise<unknown> };
    shell: {
      currentWidget: {
        context?: { path: string };
        sessionContext: {
          ready: Promise<void>;
          kernelDisplayName: string;
          session?: { kernel?: { name: string; info: Promise<{ language_info: { name: string } }> } | null } | null;
        };
        content: { widgets: { model: { toJSON(): NbCell } }[] };
      } | null;
    };
  };
};
interface NbCell {
  cell_type: string;
  source: string | string[];
  execution_count?: number | null;
  outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
}

test("00-quickstart runs in JupyterLab in a real browser with the TypeScript kernel", { timeout: TOTAL_MS + 30_000 }, async (t) => {
  const why = missing();
  if (why) {
    if (process.env.CI === "true") assert.fail(`the browser test cannot run (CI=true, so this fails instead of skipping): ${why}`);
    t.skip(`browser test skipped: ${why}`);
    return;
  }
  const deadline = Date.now() + TOTAL_MS;
  const notebookHash = sha256(path.join(PROJECT_ROOT, NOTEBOOK));
  let server: LabServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startLab({ env: { THIEVES_PRESET: "tiny" }, timeoutMs: 60_000 });
    const { chromium } = loadPlaywright() as unknown as typeof import("playwright-core");
    browser = await chromium.launch({ executablePath: findChromium()!, headless: true, timeout: 60_000 });
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(60_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));

    await page.goto(`${server.url}/lab/tree/${NOTEBOOK}?token=${server.token}`, { timeout: 60_000 });
    await page.waitForFunction(
      (nb) => {
        const w = (globalThis as unknown as Partial<LabWindow>).jupyterapp?.shell.currentWidget;
        return Boolean(w && w.context?.path === nb && w.sessionContext?.session?.kernel);
      },
      NOTEBOOK,
      { timeout: Math.max(1_000, Math.min(90_000, deadline - Date.now())) },
    );

    // The kernel is the project's TypeScript one.
    const kernel = await bounded(
      page.evaluate(async () => {
        const w = (globalThis as unknown as LabWindow).jupyterapp.shell.currentWidget!;
        await w.sessionContext.ready;
        const k = w.sessionContext.session!.kernel!;
        return { name: k.name, display: w.sessionContext.kernelDisplayName, language: (await k.info).language_info.name };
      }),
      deadline,
      "the kernel to start",
    );
    assert.deepEqual(kernel, { name: "tslab", display: "TypeScript (tslab)", language: "typescript" });
    assert.match((await page.locator(".jp-NotebookPanel-toolbar .jp-Toolbar-kernelName").first().textContent()) ?? "", /TypeScript/);

    // Run all cells (Run → Run All Cells); the command resolves false if a cell failed.
    const allOk = await bounded(
      page.evaluate(() => (globalThis as unknown as LabWindow).jupyterapp.commands.execute("notebook:run-all-cells")),
      deadline,
      "Run All Cells to finish",
    );
    const cells = await page.evaluate(() => (globalThis as unknown as LabWindow).jupyterapp.shell.currentWidget!.content.widgets.map((c) => c.model.toJSON()));
    const code = cells.filter((c) => c.cell_type === "code");
    const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : v ?? "");
    const report = code
      .map((c, i) => `cell ${i + 1} [${c.execution_count ?? " "}]: ${(c.outputs ?? []).map((o) => o.output_type === "error" ? `${o.ename}: ${o.evalue}` : o.name === "stderr" ? `stderr: ${text(o.text).slice(0, 300)}` : o.output_type).join("; ")}`)
      .join("\n");
    assert.ok(code.length >= 4, `the notebook has ${code.length} code cells`);
    assert.equal(allOk, true, `Run All Cells reported a failure:\n${report}`);
    for (const [i, c] of code.entries()) {
      assert.equal(typeof c.execution_count, "number", `code cell ${i + 1} did not run:\n${report}`);
      const errors = (c.outputs ?? []).filter((o) => o.output_type === "error" || (o.name === "stderr" && /Error/.test(text(o.text))));
      assert.equal(errors.length, 0, `code cell ${i + 1} errored:\n${report}`);
    }

    // The plotly figure: plotly's own SVG (its script ran), else the project's static SVG image.
    const plotly = page.locator(".jp-OutputArea-output .thieves-figure .main-svg");
    const staticSvg = page.locator('.jp-OutputArea-output .thieves-figure img[src^="data:image/svg+xml"]');
    await bounded(
      plotly.first().waitFor({ state: "attached" }).catch(() => staticSvg.first().waitFor({ state: "attached" })),
      deadline,
      "a rendered figure",
    );
    const drawnBy = (await plotly.count()) > 0 ? "plotly" : "static SVG";
    assert.ok((await plotly.count()) + (await staticSvg.count()) > 0, "no figure in the page");
    t.diagnostic(`figure drawn by ${drawnBy}`);

    // The arquero/row table as HTML.
    const table = page.locator(".jp-OutputArea-output table.thieves-table");
    assert.ok((await table.count()) >= 1, "no HTML table in the page");
    assert.match((await table.first().locator("thead").textContent()) ?? "", /dev accuracy/);
    assert.ok((await table.first().locator("tbody tr").count()) >= 2, "the table has fewer than 2 rows");
    assert.match((await table.first().locator("tbody").textContent()) ?? "", /majority class/);
    // JupyterLab's own noise: its debugger asks every kernel for a debug session, tslab has none.
    const benign = /ResizeObserver|No active debugger session/;
    assert.deepEqual(pageErrors.filter((e) => !benign.test(e)), [], "JavaScript errors in the page");

    // A screenshot with the figure in view.
    await (drawnBy === "plotly" ? plotly : staticSvg).first().evaluate((el) => el.closest(".jp-Cell")?.scrollIntoView({ block: "start" }));
    await page.waitForTimeout(500);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    t.diagnostic(`screenshot: ${path.relative(PROJECT_ROOT, SCREENSHOT)}`);
    if (process.env.THIEVES_UPDATE_SCREENSHOTS === "1") {
      fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      fs.copyFileSync(SCREENSHOT, README_SCREENSHOT);
      t.diagnostic(`copied to ${path.relative(PROJECT_ROOT, README_SCREENSHOT)} (THIEVES_UPDATE_SCREENSHOTS=1)`);
    }
  } catch (err) {
    if (server) (err as Error).message += `\n--- JupyterLab output (last 3000 characters) ---\n${server.output().slice(-3000)}`;
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  }
  assert.equal(sha256(path.join(PROJECT_ROOT, NOTEBOOK)), notebookHash, `${NOTEBOOK} was changed on disk by the test run`);
});
