/**
 * Figures as PNG, drawn by plotly.js itself in headless Chromium (`Plotly.toImage`), so every
 * trace type plotly knows is drawn, unlike the own SVG renderer (figure-svg.ts), which draws
 * scatter and bar traces only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findChromium, launchChromium, type Browser } from "./chromium";
import { normalizeFigure, type Figure } from "./figure";

export interface PngOptions {
  /** Pixel ratio of the image; default 2 (crisp on high-density screens). */
  scale?: number;
  /** Milliseconds for launching Chromium and for each figure; default 60000. */
  timeoutMs?: number;
}

/** One figure to draw into `file` (a `.png` path). */
export interface PngJob {
  figure: Figure;
  file: string;
}

/** Width and height the figure is drawn at: its layout's, else the SVG renderer's defaults. */
function sizeOf(fig: Figure): { width: number; height: number } {
  return { width: Number(fig.layout?.width) || 700, height: Number(fig.layout?.height) || 420 };
}

/** Draws each job's figure with one browser; returns the files written. */
export async function writeFigurePngs(jobs: PngJob[], options: PngOptions = {}): Promise<string[]> {
  if (jobs.length === 0) return [];
  const timeout = options.timeoutMs ?? 60_000;
  let browser: Browser;
  try {
    browser = await launchChromium({ timeoutMs: timeout });
  } catch (err) {
    throw new Error(`cannot start headless Chromium (${findChromium() ?? "none found"}): ${(err as Error).message}`);
  }
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    await page.setContent("<!DOCTYPE html><html><body></body></html>");
    await page.addScriptTag({ path: require.resolve("plotly.js-dist-min/plotly.min.js") });
    const written: string[] = [];
    for (const job of jobs) {
      const fig = normalizeFigure(job.figure);
      const { width, height } = sizeOf(fig);
      const arg = { data: fig.data, layout: { ...(fig.layout ?? {}), width, height }, width, height, scale: options.scale ?? 2 };
      const dataUrl = await page.evaluate(async (a: typeof arg) => {
        const Plotly = (globalThis as unknown as { Plotly: { toImage(fig: object, opts: object): Promise<string> } }).Plotly;
        return Plotly.toImage({ data: a.data, layout: a.layout }, { format: "png", width: a.width, height: a.height, scale: a.scale });
      }, arg);
      const prefix = "data:image/png;base64,";
      if (!dataUrl.startsWith(prefix)) throw new Error(`plotly did not return a PNG for ${job.file}`);
      fs.mkdirSync(path.dirname(path.resolve(job.file)), { recursive: true });
      fs.writeFileSync(job.file, Buffer.from(dataUrl.slice(prefix.length), "base64"));
      written.push(job.file);
    }
    return written;
  } finally {
    await browser.close();
  }
}
