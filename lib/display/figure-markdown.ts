/**
 * `figureImageMarkdown`: the Markdown that embeds a written figure as an image,
 * `![title](results/fig.svg)`, for RESULTS.md and the README (GitHub and other viewers show
 * the static image; they do not run plotly's JavaScript).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../data/paths";
import { siblingFile } from "./write-figure";

export interface FigureMarkdownOptions {
  /** Alt text and title; default the file's base name. */
  title?: string;
  /** The folder of the Markdown file, which the link is relative to; default the project root (RESULTS.md). */
  from?: string;
  /** "svg" (default: the own renderer, always written) or "png" (plotly's drawing; the SVG when there is no PNG). */
  format?: "svg" | "png";
}

/** Markdown link text: no brackets or line breaks that would end it early. */
function altText(text: string): string {
  return text.replace(/\s+/g, " ").replace(/([\\[\]])/g, "\\$1").trim();
}

/**
 * `![title](relative/path.svg)` for the image beside `file` (the `.html` writeFigure wrote, or
 * the image itself; absolute, or relative to the working folder). Throws, naming the file, when the image does not exist, so RESULTS.md
 * never gets a broken picture.
 */
export function figureImageMarkdown(file: string, options: FigureMarkdownOptions = {}): string {
  const from = path.resolve(options.from ?? PROJECT_ROOT);
  const absolute = path.resolve(file);
  const svg = siblingFile(absolute, ".svg");
  const png = siblingFile(absolute, ".png");
  const image = options.format === "png" && fs.existsSync(png) ? png : svg;
  if (!fs.existsSync(image)) throw new Error(`figureImageMarkdown: ${image} does not exist (write the figure with writeFigure(figure, "….html") first)`);
  const link = path.relative(from, image).split(path.sep).map(encodeURIComponent).join("/");
  return `![${altText(options.title ?? path.basename(absolute, path.extname(absolute)))}](${link})`;
}
