/**
 * `writeFigure`: a figure to a file, by extension — `.html` a standalone offline page (plotly.js
 * inlined, ~4.8 MB) plus its static images beside it, `.svg` the static rendering alone, `.json`
 * the plotly `{data, layout}` object.
 *
 * Beside every `.html` go `<name>.svg` (the own renderer, figure-svg.ts: always) and `<name>.png`
 * (plotly.js in headless Chromium, figure-png.ts: when Chromium and playwright-core are present),
 * so RESULTS.md and the README can embed the picture (figureImageMarkdown) where plotly's
 * JavaScript does not run. `THIEVES_FIGURE_PNG=0` turns the PNG off.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findChromium, loadPlaywright } from "./chromium";
import { normalizeFigure, type Figure } from "./figure";
import { standaloneFigureHtml } from "./figure-html";
import { figureToSvg } from "./figure-svg";
import { writeFigurePngSync } from "./figure-png-sync";

export interface WriteFigureOptions {
  /** Replaces the figure's title. */
  title?: string;
  /**
   * The PNG beside an `.html`: `true` required (throws when it cannot be made), `false` never;
   * default: made when Chromium is present, with a warning (not an error) if that fails.
   */
  png?: boolean;
}

/** The files `writeFigureFiles` wrote. */
export interface FigureFiles {
  html: string;
  svg: string;
  /** Absent when no PNG was made (no Chromium, `png: false`, or it failed). */
  png?: string;
}

/** `file` with its extension replaced by `ext` (".svg"). */
export function siblingFile(file: string, ext: string): string {
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}${ext}`);
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
}

function wantPng(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  return process.env.THIEVES_FIGURE_PNG !== "0" && findChromium() !== undefined && loadPlaywright() !== undefined;
}

/** Writes `htmlFile` and its `.svg` (and `.png`) siblings; returns their paths. */
export function writeFigureFiles(figure: Figure, htmlFile: string, options: WriteFigureOptions = {}): FigureFiles {
  const fig = normalizeFigure(figure, options);
  const files: FigureFiles = { html: htmlFile, svg: siblingFile(htmlFile, ".svg") };
  write(files.html, standaloneFigureHtml(fig));
  write(files.svg, `${figureToSvg(fig)}\n`);
  if (wantPng(options.png)) {
    const png = siblingFile(htmlFile, ".png");
    try {
      files.png = writeFigurePngSync(fig, png);
    } catch (err) {
      if (options.png === true) throw new Error(`writeFigure: cannot write ${png}: ${(err as Error).message}`);
      console.warn(`writeFigure: no PNG beside ${htmlFile} (${(err as Error).message}); the SVG is there`);
    }
  }
  return files;
}

export function writeFigure(figure: Figure, file: string, options: WriteFigureOptions = {}): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".html" || ext === ".htm") {
    writeFigureFiles(figure, file, options);
    return file;
  }
  const fig = normalizeFigure(figure, options);
  if (ext === ".svg") write(file, `${figureToSvg(fig)}\n`);
  else if (ext === ".json") write(file, `${JSON.stringify(fig, null, 2)}\n`);
  else throw new Error(`writeFigure: cannot write "${file}": use a .html, .svg or .json file name (a .png comes beside every .html)`);
  return file;
}
