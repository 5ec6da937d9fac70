/**
 * Headless Chromium for static figure export and browser tests: the machine's own Chromium
 * (Debian `chromium`; no browser is downloaded), driven by `playwright-core`.
 */
import * as fs from "node:fs";

/** Where Chromium is looked for, after `$THIEVES_CHROMIUM`. */
export const CHROMIUM_PATHS: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
];

/** What to install when Chromium or playwright-core is missing. */
export const CHROMIUM_HINT =
  "install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium) or set THIEVES_CHROMIUM=/path/to/chrome; playwright-core comes with npm install";

/**
 * The Chromium executable: `$THIEVES_CHROMIUM` when set (`none` turns Chromium off), else the
 * first of CHROMIUM_PATHS that exists; `undefined` when there is none.
 */
export function findChromium(): string | undefined {
  const chosen = process.env.THIEVES_CHROMIUM;
  if (chosen === "none" || chosen === "0") return undefined;
  if (chosen) return fs.existsSync(chosen) ? chosen : undefined;
  return CHROMIUM_PATHS.find((p) => fs.existsSync(p));
}

/** The parts of playwright-core's API used here. */
export interface Playwright {
  chromium: { launch(options: { executablePath: string; headless?: boolean; timeout?: number; args?: string[] }): Promise<Browser> };
}
export interface Browser {
  newPage(options?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<Page>;
  close(): Promise<void>;
  version(): string;
}
export interface Page {
  goto(url: string, options?: { timeout?: number; waitUntil?: string }): Promise<unknown>;
  setContent(html: string, options?: { timeout?: number }): Promise<void>;
  addScriptTag(options: { path?: string; content?: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  screenshot(options: { path?: string; fullPage?: boolean; timeout?: number }): Promise<Buffer>;
  setDefaultTimeout(ms: number): void;
  close(): Promise<void>;
}

/** playwright-core, or `undefined` when it is not installed (it is a devDependency). */
export function loadPlaywright(): Playwright | undefined {
  try {
    return require("playwright-core") as Playwright;
  } catch {
    return undefined;
  }
}

/** Launches headless Chromium; throws, saying what to install, when it or playwright-core is missing. */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Browser> {
  const executablePath = findChromium();
  const playwright = loadPlaywright();
  if (!executablePath || !playwright) throw new Error(`headless Chromium is not available: ${CHROMIUM_HINT}`);
  return playwright.chromium.launch({ executablePath, headless: true, timeout: options.timeoutMs ?? 60_000 });
}
