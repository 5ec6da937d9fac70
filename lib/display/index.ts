/**
 * Plotly figures and arquero tables, shown inline in tslab notebooks (text in a terminal) and
 * written to files for results/ and RESULTS.md.
 */
export { type Axis, type Figure, type Layout, type Trace, normalizeFigure, titleText } from "./figure";
export { lineFigure, type LineFigureArgs, type LineSeries } from "./line-figure";
export { figureToSvg } from "./figure-svg";
export { figureToText } from "./figure-text";
export { figureHtmlFragment, standaloneFigureHtml } from "./figure-html";
export { showFigure, type ShowFigureOptions } from "./show-figure";
export { writeFigure, writeFigureFiles, siblingFile, type FigureFiles, type WriteFigureOptions } from "./write-figure";
export { writeFigurePngs, type PngJob, type PngOptions } from "./figure-png";
export { writeFigurePngSync } from "./figure-png-sync";
export { figureImageMarkdown, type FigureMarkdownOptions } from "./figure-markdown";
export { findChromium, launchChromium, CHROMIUM_HINT } from "./chromium";
export { formatCell, type TableInput, type TableLike, type TableOptions } from "./table";
export { tableToMarkdown, writeTableMarkdown } from "./table-markdown";
export { tableToHtml, type TableHtmlOptions } from "./table-html";
export { tableToText } from "./table-text";
export { showTable } from "./show-table";
export { inNotebook } from "./notebook";
