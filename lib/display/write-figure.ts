/**
 * `writeFigure`: a figure to a file, by extension — `.html` a standalone offline page (plotly.js
 * inlined, ~4.8 MB), `.svg` the static rendering, `.json` the plotly `{data, layout}` object.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { normalizeFigure, type Figure } from "./figure";
import { standaloneFigureHtml } from "./figure-html";
import { figureToSvg } from "./figure-svg";

export function writeFigure(figure: Figure, file: string, options: { title?: string } = {}): string {
  const fig = normalizeFigure(figure, options);
  const ext = path.extname(file).toLowerCase();
  let content: string;
  if (ext === ".html" || ext === ".htm") content = standaloneFigureHtml(fig);
  else if (ext === ".svg") content = `${figureToSvg(fig)}\n`;
  else if (ext === ".json") content = `${JSON.stringify(fig, null, 2)}\n`;
  else throw new Error(`writeFigure: cannot write "${file}": use a .html, .svg or .json file name`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}
